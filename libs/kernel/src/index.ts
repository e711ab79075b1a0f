export * from './actor';
export * from './assert';
export * from './decider';
export * from './errors';
export * from './field-rules';
export * from './delay';
export * from './text';
export * from './same-json';
