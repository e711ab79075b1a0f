// The job model and the queues; the Nest module is imported from `@sunlight/jobs/jobs.module`.
export * from './job';
export * from './job-queues';
export * from './tokens';
