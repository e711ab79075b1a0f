export * from './command-ids.decorator';
export * from './command-outcome';
export * from './query-params';
export * from './validators';
export * from './problem-responses';
export * from './openapi-schemas';
export * from './open-findings.dto';
