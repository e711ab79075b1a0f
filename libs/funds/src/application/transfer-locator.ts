import { Inject, Injectable } from '@nestjs/common';
import { TRANSFER_INDEX, type TransferIndex } from '@sunlight/event-store';
import { NotFoundError } from '@sunlight/kernel';
import { AmbiguousTransferError, transferIdPattern, type PoolEvent } from '../domain';
import { toPoolEvent } from '../stored-events';

/** Where a transfer lives: the pool stream its first event was written to. */
export interface TransferLocation {
  streamName: string;
  fundId: string;
  divisionCode: string;
}

/**
 * Finds the pool of a transfer that a route names only by its id (`/disbursements/:id/approve`),
 * from the log. The stream found is passed on with the command, never rebuilt from parts.
 */
@Injectable()
export class TransferLocator {
  constructor(@Inject(TRANSFER_INDEX) private readonly transfers: TransferIndex) {}

  async locate(transferId: string, originType: PoolEvent['type']): Promise<TransferLocation> {
    const origins = transferIdPattern.test(transferId)
      ? await this.transfers.findByTransferId(transferId, { types: [originType] })
      : [];
    if (origins.length === 0) {
      throw new NotFoundError(
        'FUNDS.NO_SUCH_TRANSFER',
        `No ${originType} with transfer id ${transferId}`,
      );
    }
    // Only a race between two pools claiming one id at the same instant gets here; acting on
    // either would be a guess.
    if (new Set(origins.map((origin) => origin.streamName)).size > 1) {
      throw new AmbiguousTransferError(transferId);
    }
    const origin = origins[0];
    const { data } = toPoolEvent(origin);
    return { streamName: origin.streamName, fundId: data.fundId, divisionCode: data.divisionCode };
  }
}
