/** Nest injection tokens, kept here as plain strings so that libraries need not import the app. */
export const EVENT_STORE = 'EVENT_STORE';
export const SNAPSHOT_STORE = 'SNAPSHOT_STORE';
export const PROCESSOR_CHECKPOINTS = 'PROCESSOR_CHECKPOINTS';
export const CLAIM_INDEX = 'CLAIM_INDEX';
/**
 * A boolean: whether this instance runs the processors that write events following the log.
 * Absent, they run (a single instance must run them for the ledger to move).
 */
export const RUN_PROCESSORS = 'RUN_PROCESSORS';
export const CHAIN_HASHES = 'CHAIN_HASHES';
