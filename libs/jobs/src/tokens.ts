/** Injection token for the app's `JobQueues`. */
export const JOB_QUEUES = 'JOB_QUEUES';
