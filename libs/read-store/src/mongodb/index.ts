export { MongoReadStore, collectionName, type MongoReadStoreOptions } from './mongodb-read-store';
