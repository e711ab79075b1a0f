import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  commandMetadata,
  toEventView,
  TRANSFER_INDEX,
  type CommandOutcome,
  type TransferIndex,
} from '@sunlight/event-store';
import {
  poolCommandReason,
  poolOutcomeTypes,
  poolStreamName,
  startsTransfer,
  TransferIdTakenError,
  type PoolCommand,
} from '../domain';
import { RunPoolCommand } from './funds.commands';
import { POOL_COMMANDS, type PoolCommands } from './pool-commands';

/**
 * Runs a pool command through the pool decider and answers with the event that records its
 * outcome: the one just written, or for a repeated request the one written the first time.
 */
@CommandHandler(RunPoolCommand)
export class PoolCommandHandler implements ICommandHandler<RunPoolCommand, CommandOutcome> {
  constructor(
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
    @Inject(TRANSFER_INDEX) private readonly transfers: TransferIndex,
  ) {}

  async execute({ command, ids, streamName: found }: RunPoolCommand): Promise<CommandOutcome> {
    const streamName = found ?? poolStreamName(command.fundId, command.divisionCode);
    await this.assertTransferIdFree(command, streamName);
    const metadata = commandMetadata(command, ids, poolCommandReason(command));
    const result = await this.pools.handle(streamName, command, metadata);
    const types: readonly string[] = poolOutcomeTypes[command.type];
    // A new outcome is in what the store recorded; a replayed one is read back from the log.
    const event =
      result.recorded?.find(
        (recorded) =>
          types.includes(recorded.type) && recorded.data.transferId === command.transferId,
      ) ?? (await this.transfers.findByTransferId(command.transferId, { streamName, types }))[0];
    if (event === undefined) {
      throw new Error(`invariant: no ${types.join('/')} event for transfer ${command.transferId}`);
    }
    return { replayed: result.events.length === 0, event: toEventView(event) };
  }

  /**
   * A new transfer's id must not be in use in any other stream. The pool's own stream is the
   * decider's business (an exact repeat is a replay, anything else a conflict); the one expected
   * twin is the receiving side of an allocation, written by the relay with the sender's id.
   * Two pools racing to claim one id at the same instant can still both succeed; the relay and the
   * transfer routes then refuse the ambiguity rather than guess.
   */
  private async assertTransferIdFree(command: PoolCommand, streamName: string): Promise<void> {
    if (!startsTransfer(command)) return;
    const elsewhere = (await this.transfers.findByTransferId(command.transferId)).filter(
      (event) =>
        event.streamName !== streamName &&
        !(
          command.type === 'SendAllocation' &&
          event.type === 'AllocationReceived' &&
          event.streamName === poolStreamName(command.fundId, command.toDivisionCode)
        ),
    );
    if (elsewhere.length > 0) {
      throw new TransferIdTakenError(command.transferId, elsewhere[0].streamName);
    }
  }
}
