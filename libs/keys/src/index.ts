export * from './kept-secret';
export * from './snapshot-key';
export * from './log-key';
