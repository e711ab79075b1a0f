export * from './actor';
export * from './fund-line.decider';
export * from './funds.errors';
export * from './funds.validation';
export * from './money';
export * from './pool.decider';
export * from './transfer-book';
export { assertNever, invariant } from './assert';
