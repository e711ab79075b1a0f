export * from './household';
export * from './household-id';
export * from './households.errors';
export * from './households.validation';
export * from './money';
export * from './vocabulary';
export * from './exit-criteria';
export * from './monitoring-lines';
