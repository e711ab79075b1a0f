export { PostgresRegistryRows } from './postgres-registry-rows';
