// Pure code only: the domain, the projections and the border to the log. The Nest modules are
// imported from their own paths (`@sunlight/funds/funds.module`), so a worker thread that
// rebuilds projections loads no framework.
export * from './domain';
export * from './projections';
export * from './stored-events';
export * from './stream-categories';
export * from './snapshot-folders';
export * from './person-findings.port';
export * from './division-findings.port';
