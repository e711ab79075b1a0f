export * from './tiles';
export * from './tlog-proof';
