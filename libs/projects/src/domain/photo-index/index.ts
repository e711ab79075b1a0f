export * from './near-duplicate-index';
