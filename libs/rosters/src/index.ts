// Pure code only: the domain, the file readers and the border to the log. The Nest module is
// imported from its own path (`@sunlight/rosters/rosters.module`).
export * from './domain';
export * from './parsing';
export * from './roster-summary';
export * from './stored-events';
export * from './stream-categories';
export * from './roster-checker.port';
