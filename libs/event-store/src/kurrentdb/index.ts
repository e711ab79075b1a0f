export { KurrentDbEventStore } from './kurrentdb-event-store';
export { decodeKurrentPosition, encodeKurrentPosition } from './positions';
export { KurrentDbClaimIndex } from './kurrentdb-claim-index';
export { KurrentDbSnapshotStore, eventDigest } from './kurrentdb-snapshot-store';
export { KurrentDbProcessorCheckpoints } from './kurrentdb-processor-checkpoints';
