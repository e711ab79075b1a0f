// Pure code only: the port, the tree's growth and the integrator. The PostgreSQL adapter is
// `@sunlight/transparency/postgres`, the Nest module `@sunlight/transparency/transparency.module`.
export * from './tree-store.port';
export * from './tree-growth';
export * from './log-integrator';
export * from './transparency.errors';
export * from './tokens';
