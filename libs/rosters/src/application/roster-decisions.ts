import { Inject, Injectable } from '@nestjs/common';
import { commandMetadata, type CommandIds } from '@sunlight/event-store';
import { poolStreamName, type ReleaseRosterBatch } from '@sunlight/funds';
import { POOL_COMMANDS, type PoolCommands } from '@sunlight/funds/funds-application.module';
import type { Actor } from '@sunlight/kernel';
import { rosterDecider, rosterStreamName, type RejectRoster } from '../domain';
import { rosterSummary, type RosterSummary } from '../roster-summary';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';

/** The command id of the release of a roster's reservation: one per roster, so a retry repeats it. */
export function rosterReleaseCommandId(rosterId: string): string {
  return `${rosterId}/release`;
}

/** A second person's decisions on a parsed roster (maker-checker). */
@Injectable()
export class RosterCommandsService {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(POOL_COMMANDS) private readonly pools: PoolCommands,
  ) {}

  /**
   * Rejection (驳回). An approval that died between `RosterBatchReserved` and `RosterApproved`
   * left the roster parsed with its total reserved on the pool; rejecting it gives that money
   * back. The order is the approval's own, pool first: the decision is checked without writing,
   * then `RosterBatchReleased` (nothing when nothing was reserved), then `RosterRejected`. A crash
   * between the two leaves a parsed roster with nothing reserved, so no money is ever frozen:
   * the rejection repeated finishes it (the release is then a repeat writing nothing), and an
   * approval is refused (409 FUNDS.ROSTER_BATCH_RELEASED) instead of reserving it again.
   */
  async reject(
    rosterId: string,
    reason: string,
    actor: Actor,
    occurredAt: string,
    ids: CommandIds,
  ): Promise<{ summary: RosterSummary; replayed: boolean }> {
    const streamName = rosterStreamName(rosterId);
    const command: RejectRoster = { type: 'RejectRoster', rosterId, reason, actor, occurredAt };
    const { state } = await this.rosters.load(streamName);
    // Refused here (the uploader, a roster approved or being read, no reason): nothing released.
    rosterDecider.decide(command, state);
    const uploaded = state.uploaded;
    if (uploaded !== undefined) {
      const release: ReleaseRosterBatch = {
        type: 'ReleaseRosterBatch',
        fundId: uploaded.fundId,
        divisionCode: uploaded.divisionCode,
        transferId: rosterId,
        rosterId,
        fileSha256: uploaded.fileSha256,
        reason,
        actor,
        occurredAt,
      };
      await this.pools.handle(
        poolStreamName(uploaded.fundId, uploaded.divisionCode),
        release,
        commandMetadata(
          release,
          { commandId: rosterReleaseCommandId(rosterId), correlationId: ids.correlationId },
          reason,
        ),
      );
    }
    const result = await this.rosters.handle(
      streamName,
      command,
      commandMetadata(command, ids, reason),
    );
    const summary = rosterSummary(result.state);
    if (summary === undefined) throw new Error(`roster ${rosterId} vanished`);
    return { summary, replayed: result.events.length === 0 };
  }
}
