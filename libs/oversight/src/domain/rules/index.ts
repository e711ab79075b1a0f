export * from './catalogue';
export * from './household-rules';
export * from './project-rules';
export * from './registry-rules';
export * from './roster-rules';
export * from './rule';
export * from './rules-doc';
