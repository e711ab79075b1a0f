import type { RecordedEvent } from './event-store.port';

/**
 * The events of one money transfer (`data.transferId`), found straight from the log. Used for
 * idempotent replies (a repeated request gets the original event back) and for routes that name
 * only a transfer (`/disbursements/:transferId/approve`).
 */
export interface TransferIndex {
  findByTransferId(
    transferId: string,
    options?: { types?: readonly string[]; streamName?: string },
  ): Promise<RecordedEvent[]>;
}
