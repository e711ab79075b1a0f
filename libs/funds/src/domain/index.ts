export * from './fund-line.decider';
export * from './funds.errors';
export * from './funds.validation';
export * from './money';
export * from './pool';
export * from './transfer-book';
