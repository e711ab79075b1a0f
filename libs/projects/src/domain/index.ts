export * from './project';
export * from './project-id';
export * from './projects.errors';
export * from './projects.validation';
export * from './vocabulary';
export * from './photo-index';
export * from './photo-checks';
