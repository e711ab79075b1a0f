export * from './roster-columns';
export * from './roster-values';
export * from './roster-entry';
export * from './roster.events';
export * from './roster.decider';
export * from './rosters.errors';
export * from './settlement-lines';
