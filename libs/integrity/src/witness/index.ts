export * from './witness-keys';
export * from './witness';
