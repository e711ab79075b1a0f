import { Inject, Injectable } from '@nestjs/common';
import { commandMetadata, type CommandIds } from '@sunlight/event-store';
import type { Actor } from '@sunlight/kernel';
import { rosterStreamName, type RejectRoster } from '../domain';
import { rosterSummary, type RosterSummary } from '../roster-summary';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';

/** A second person's decisions on a parsed roster (maker-checker). */
@Injectable()
export class RosterCommandsService {
  constructor(@Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands) {}

  async reject(
    rosterId: string,
    reason: string,
    actor: Actor,
    occurredAt: string,
    ids: CommandIds,
  ): Promise<{ summary: RosterSummary; replayed: boolean }> {
    const command: RejectRoster = { type: 'RejectRoster', rosterId, reason, actor, occurredAt };
    const result = await this.rosters.handle(
      rosterStreamName(rosterId),
      command,
      commandMetadata(command, ids, reason),
    );
    const summary = rosterSummary(result.state);
    if (summary === undefined) throw new Error(`roster ${rosterId} vanished`);
    return { summary, replayed: result.events.length === 0 };
  }
}
