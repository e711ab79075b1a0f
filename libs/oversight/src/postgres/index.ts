export { PostgresRegistryRows } from './postgres-registry-rows';
export { PostgresCheckEvents } from './postgres-check-events';
