export * from './tree-store.contract';
