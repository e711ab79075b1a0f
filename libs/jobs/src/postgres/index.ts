export * from './prepare-jobs-schema';
