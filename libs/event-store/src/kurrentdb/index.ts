export { KurrentDbEventStore } from './kurrentdb-event-store';
export { decodeKurrentPosition, encodeKurrentPosition } from './positions';
export { KurrentDbClaimIndex } from './kurrentdb-claim-index';
