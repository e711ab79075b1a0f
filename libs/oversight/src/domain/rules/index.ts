export * from './catalogue';
export * from './registry-rules';
export * from './roster-rules';
export * from './rule';
export * from './rules-doc';
