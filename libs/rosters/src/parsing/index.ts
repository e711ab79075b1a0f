export * from './file-kind';
export * from './roster-records';
export * from './roster-lines';
export * from './stored-records';
