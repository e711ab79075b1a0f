export * from './event-store.contract';
export * from './claims.contract';
