// Pure code and ports; the Nest module and the PostgreSQL adapter are imported from their own
// paths (`@sunlight/oversight/oversight.module`, `@sunlight/oversight/postgres`).
export * from './domain';
export * from './oversight.errors';
export * from './finding.errors';
export * from './check-events.port';
export * from './registry-rows.port';
export * from './stored-events';
export * from './stream-categories';
export * from './projections';
export * from './spot-check.errors';
export * from './spot-check-stored-events';
export * from './spot-check-population';
export * from './spot-check-recompute';
