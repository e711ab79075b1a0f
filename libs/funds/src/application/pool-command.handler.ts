import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  CLAIM_INDEX,
  ClaimTakenError,
  commandMetadata,
  toEventView,
  type ClaimIndex,
  type CommandOutcome,
  type RecordedEvent,
} from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import {
  poolCommandReason,
  poolCommandSteps,
  poolStreamName,
  transferClaimKey,
  TransferIdTakenError,
} from '../domain';
import { RunPoolCommand } from './funds.commands';
import { POOL_COMMANDS, type PoolCommands } from './pool-commands';

/**
 * Runs a pool command through the pool decider and answers with the event that records its
 * outcome: the one just written, or for a repeated request the one written the first time. A
 * transfer id another pool holds is refused by the store inside the append (its claim), so two
 * pools racing for one id cannot both win.
 */
@CommandHandler(RunPoolCommand)
export class PoolCommandHandler implements ICommandHandler<RunPoolCommand, CommandOutcome> {
  constructor(
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
    @Inject(CLAIM_INDEX) private readonly claims: ClaimIndex,
  ) {}

  async execute({ command, ids, streamName: found }: RunPoolCommand): Promise<CommandOutcome> {
    const streamName = found ?? poolStreamName(command.fundId, command.divisionCode);
    const metadata = commandMetadata(command, ids, poolCommandReason(command));
    const key = transferClaimKey(command.transferId, poolCommandSteps[command.type]);
    let result;
    try {
      result = await this.pools.handle(streamName, command, metadata);
    } catch (error) {
      if (error instanceof ClaimTakenError && error.key === transferClaimKey(command.transferId)) {
        throw new TransferIdTakenError(command.transferId, error.heldBy);
      }
      throw error;
    }
    // A new outcome is in what the store recorded; a repeated one is found by its claim.
    const event =
      result.recorded?.find((recorded) => claimsOf(recorded).includes(key)) ??
      (await this.claims.holderOf(key));
    invariant(
      event !== undefined && event.streamName === streamName,
      `no event of ${streamName} holds ${key}`,
    );
    return { replayed: result.events.length === 0, event: toEventView(event) };
  }
}

function claimsOf(recorded: RecordedEvent): readonly unknown[] {
  const claims = recorded.metadata.claims;
  return Array.isArray(claims) ? claims : [];
}
