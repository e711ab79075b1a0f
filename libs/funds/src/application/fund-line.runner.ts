import { Inject, Injectable } from '@nestjs/common';
import { collectFirst, EVENT_STORE, handleCommand, type EventStore } from '@sunlight/event-store';
import {
  appropriateFundsFor,
  fundLineDecider,
  fundStreamName,
  type CreateFundLine,
  type FundLineCreated,
} from '../domain';
import { commandMetadata, type CommandIds, type TransferOutcome } from './command-envelope';
import { toEventView } from './event-view';
import { PoolCommandRunner } from './pool-command.runner';

/**
 * A fund line is two facts on two streams: `FundLineCreated` on the fund, `FundsAppropriated` on
 * its pool. The second is derived from the first; it is written here for an immediate answer and
 * again, idempotently, by the funds processor, so a crash between the two loses nothing.
 */
@Injectable()
export class FundLineRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pools: PoolCommandRunner,
  ) {}

  async create(command: CreateFundLine, ids: CommandIds): Promise<TransferOutcome> {
    const streamName = fundStreamName(command.fundId);
    const result = await handleCommand({
      store: this.store,
      decider: fundLineDecider,
      streamName,
      command,
      metadata: commandMetadata(command, ids),
    });
    const created = await collectFirst(this.store.readStream(streamName, { maxCount: 1 }));
    if (created === undefined)
      throw new Error(`invariant: fund line ${command.fundId} has no events`);
    await this.appropriate(
      created.data as unknown as FundLineCreated['data'],
      created.metadata,
      created.eventId,
    );
    return { replayed: result.events.length === 0, event: toEventView(created) };
  }

  /** Credits the fund's appropriation to its pool; idempotent by the derived transfer id. */
  async appropriate(
    created: FundLineCreated['data'],
    metadata: Record<string, unknown>,
    createdEventId: string,
  ): Promise<void> {
    const actor = metadata.actor as CreateFundLine['actor'];
    const occurredAt = metadata.occurredAt as string;
    await this.pools.run(
      appropriateFundsFor({ type: 'FundLineCreated', data: created }, actor, occurredAt),
      {
        commandId: `appropriate/${createdEventId}`,
        correlationId: (metadata.correlationId as string | undefined) ?? createdEventId,
        causationId: createdEventId,
      },
    );
  }
}
