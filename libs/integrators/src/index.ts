// Pure code only; the Nest module is imported from `@sunlight/integrators/integrators.module`.
export * from './domain';
export * from './stream-categories';
