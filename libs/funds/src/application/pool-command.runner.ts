import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  handleCommand,
  KeyedMutex,
  loadState,
  SNAPSHOT_STORE,
  StateCache,
  TRANSFER_INDEX,
  type EventStore,
  type RecordedEvent,
  type SnapshotPolicy,
  type SnapshotStore,
  type TransferIndex,
} from '@sunlight/event-store';
import {
  poolDecider,
  poolSnapshotSchemaVersion,
  poolStateFromSnapshot,
  poolStateToSnapshot,
  poolStreamName,
  TransferIdTakenError,
  type PoolCommand,
  type PoolEvent,
  type PoolState,
} from '../domain';
import { commandMetadata, type CommandIds, type TransferOutcome } from './command-envelope';
import { toEventView } from './event-view';

/** Pools whose folded state this process keeps in memory. */
export const poolStateCacheEntriesMax = 2_000;
/** A pool snapshot is taken every this many events. */
export const poolSnapshotEveryEvents = 1_000;

/** The event types that record each command's outcome, for answers to new and repeated requests. */
const outcomeTypes: Record<PoolCommand['type'], readonly PoolEvent['type'][]> = {
  AppropriateFunds: ['FundsAppropriated'],
  SendAllocation: ['AllocationSent'],
  ReceiveAllocation: ['AllocationReceived'],
  RequestDisbursement: ['DisbursementRequested'],
  ApproveDisbursement: ['DisbursementApproved'],
  RejectDisbursement: ['DisbursementRejected'],
  SettleDisbursement: ['DisbursementPaid', 'DisbursementFailed'],
  ReverseTransfer: ['TransferReversed'],
  RecoverFunds: ['FundsRecovered'],
};

/** Runs pool commands through `handleCommand` and answers with the event that records the outcome. */
@Injectable()
export class PoolCommandRunner {
  private readonly cache = new StateCache<PoolState>(poolStateCacheEntriesMax);
  private readonly streamLocks = new KeyedMutex();
  private readonly snapshots: SnapshotPolicy<PoolState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SNAPSHOT_STORE) snapshotStore: SnapshotStore,
    @Inject(TRANSFER_INDEX) private readonly transfers: TransferIndex,
  ) {
    this.snapshots = {
      store: snapshotStore,
      schemaVersion: poolSnapshotSchemaVersion,
      everyEvents: poolSnapshotEveryEvents,
      toJson: (state) => poolStateToSnapshot(state) as unknown as Record<string, unknown>,
      fromJson: (json) => poolStateFromSnapshot(json),
    };
  }

  async run(command: PoolCommand, ids: CommandIds): Promise<TransferOutcome> {
    const streamName = poolStreamName(command.fundId, command.divisionCode);
    await this.assertTransferIdFree(command, streamName);
    const result = await handleCommand({
      store: this.store,
      decider: poolDecider,
      streamName,
      command,
      metadata: commandMetadata(command, ids, poolCommandReason(command)),
      fromRecorded: toPoolEvent,
      snapshots: this.snapshots,
      cache: this.cache,
      streamLocks: this.streamLocks,
    });
    const types: readonly string[] = outcomeTypes[command.type];
    // A new outcome is in what the store recorded; a replayed one is read back from the log.
    const event =
      result.recorded?.find(
        (recorded) =>
          types.includes(recorded.type) && recorded.data.transferId === command.transferId,
      ) ?? (await this.transfers.findByTransferId(command.transferId, { streamName, types }))[0];
    if (event === undefined) {
      throw new Error(
        `invariant: no ${outcomeTypes[command.type].join('/')} event for transfer ${command.transferId}`,
      );
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
    if (!createsTransfer(command)) return;
    const elsewhere = (await this.transfers.findByTransferId(command.transferId)).filter(
      (event) =>
        event.streamName !== streamName &&
        !(
          command.type === 'SendAllocation' &&
          event.type === 'AllocationReceived' &&
          event.streamName === poolStreamName(command.fundId, command.toDivisionCode)
        ),
    );
    if (elsewhere.length > 0)
      throw new TransferIdTakenError(command.transferId, elsewhere[0].streamName);
  }

  /** The pool's current state (from cache or snapshot, plus the tail of its stream). */
  async state(
    fundId: string,
    divisionCode: string,
  ): Promise<{ state: PoolState; revision: bigint | undefined }> {
    const { state, revision } = await loadState({
      store: this.store,
      decider: poolDecider,
      streamName: poolStreamName(fundId, divisionCode),
      fromRecorded: toPoolEvent,
      snapshots: this.snapshots,
      cache: this.cache,
    });
    return { state, revision };
  }
}

export function toPoolEvent(recorded: RecordedEvent): PoolEvent {
  return { type: recorded.type, data: recorded.data } as unknown as PoolEvent;
}

function createsTransfer(command: PoolCommand): boolean {
  switch (command.type) {
    case 'SendAllocation':
    case 'RequestDisbursement':
    case 'ReverseTransfer':
    case 'RecoverFunds':
    case 'AppropriateFunds':
      return true;
    default:
      return false;
  }
}

/** The reason a person gave with the command, which its events' metadata carry. */
export function poolCommandReason(command: PoolCommand): string | undefined {
  switch (command.type) {
    case 'RejectDisbursement':
    case 'ReverseTransfer':
    case 'RecoverFunds':
      return command.reason;
    case 'SettleDisbursement':
      return command.failureReason;
    default:
      return undefined;
  }
}
