export { PostgresTreeStore, eventsAfter } from './postgres-tree-store';
