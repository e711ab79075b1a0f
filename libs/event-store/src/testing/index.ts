export * from './event-store.contract';
export * from './claims.contract';
export * from './snapshot-store.contract';
export * from './processor-checkpoints.contract';
