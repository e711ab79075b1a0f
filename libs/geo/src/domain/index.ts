export * from './village-group.decider';
export * from './village-group.errors';
