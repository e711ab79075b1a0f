export * from './personal-data';
export * from './subscription.decider';
