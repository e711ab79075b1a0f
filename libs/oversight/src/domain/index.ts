export * from './registries';
export * from './registry-lines';
export * from './registry-snapshot';
export * from './rules';
export * from './subjects';
export * from './finding';
export * from './spot-check';
export * from './spot-check-draw';
