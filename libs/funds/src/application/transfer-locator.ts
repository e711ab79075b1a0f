import { Inject, Injectable } from '@nestjs/common';
import { CLAIM_INDEX, type ClaimIndex } from '@sunlight/event-store';
import { NotFoundError } from '@sunlight/kernel';
import { transferClaimKey, transferIdPattern, type PoolEvent } from '../domain';
import { poolEventOf } from '../stored-events';

/** Where a transfer lives: the pool stream its first event was written to. */
export interface TransferLocation {
  streamName: string;
  fundId: string;
  divisionCode: string;
}

/**
 * Finds the pool of a transfer that a route names only by its id (`/disbursements/:id/approve`):
 * the stream holding the transfer's claim. The stream found is passed on with the command, never
 * rebuilt from parts.
 */
@Injectable()
export class TransferLocator {
  constructor(@Inject(CLAIM_INDEX) private readonly claims: ClaimIndex) {}

  async locate(transferId: string, originType: PoolEvent['type']): Promise<TransferLocation> {
    const origin = transferIdPattern.test(transferId)
      ? await this.claims.holderOf(transferClaimKey(transferId))
      : undefined;
    const event = origin === undefined ? undefined : poolEventOf(origin);
    if (origin === undefined || event === undefined || event.type !== originType) {
      throw new NotFoundError(
        'FUNDS.NO_SUCH_TRANSFER',
        `No ${originType} with transfer id ${transferId}`,
      );
    }
    return {
      streamName: origin.streamName,
      fundId: event.data.fundId,
      divisionCode: event.data.divisionCode,
    };
  }
}
