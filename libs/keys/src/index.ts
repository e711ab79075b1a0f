export * from './kept-secret';
export * from './snapshot-key';
