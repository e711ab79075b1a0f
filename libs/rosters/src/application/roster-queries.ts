import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import {
  RosterNotFoundError,
  rosterIdPattern,
  rosterStreamName,
  type RosterEntryAccepted,
  type RosterEntryRejected,
} from '../domain';
import { formatYuanFen, rosterSummary, type RosterSummary } from '../roster-summary';
import { rosterEventOf } from '../stored-events';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';

export const entryStatuses = ['accepted', 'rejected'] as const;
export type EntryStatus = (typeof entryStatuses)[number];
export const entriesPageSize = 100;

export type RosterEntryView =
  | ({ status: 'accepted'; amount: string } & Omit<
      RosterEntryAccepted['data'],
      'amountFen' | 'rosterId'
    >)
  | ({ status: 'rejected' } & Omit<RosterEntryRejected['data'], 'rosterId'>);

export interface RosterEntriesPage {
  rosterId: string;
  status?: EntryStatus;
  page: number;
  pageSize: number;
  entries: RosterEntryView[];
  hasMore: boolean;
}

/** Reads of one roster, folded or read from its stream; jurisdiction is the caller's check. */
@Injectable()
export class RosterQueries {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async summary(rosterId: string): Promise<RosterSummary> {
    if (!rosterIdPattern.test(rosterId)) throw new RosterNotFoundError(rosterId);
    const { state } = await this.rosters.load(rosterStreamName(rosterId));
    const summary = rosterSummary(state);
    if (summary === undefined) throw new RosterNotFoundError(rosterId);
    return summary;
  }

  /**
   * One page of entries in row order. Entries follow the upload in the stream, in row order, so
   * a page is read from the stream and the read stops once the page is full.
   */
  async entries(
    rosterId: string,
    status: EntryStatus | undefined,
    page: number,
  ): Promise<RosterEntriesPage> {
    await this.summary(rosterId);
    const skip = (page - 1) * entriesPageSize;
    const entries: RosterEntryView[] = [];
    let matched = 0;
    let hasMore = false;
    for await (const recorded of this.store.readStream(rosterStreamName(rosterId), {
      fromRevision: 1n,
    })) {
      const event = rosterEventOf(recorded);
      if (event?.type !== 'RosterEntryAccepted' && event?.type !== 'RosterEntryRejected') {
        if (event?.type === 'RosterParsed') break;
        continue;
      }
      const view = entryView(event);
      if (status !== undefined && view.status !== status) continue;
      matched += 1;
      if (matched <= skip) continue;
      if (entries.length === entriesPageSize) {
        hasMore = true;
        break;
      }
      entries.push(view);
    }
    return {
      rosterId,
      ...(status === undefined ? {} : { status }),
      page,
      pageSize: entriesPageSize,
      entries,
      hasMore,
    };
  }
}

function entryView(event: RosterEntryAccepted | RosterEntryRejected): RosterEntryView {
  if (event.type === 'RosterEntryRejected') {
    const { rosterId: _rosterId, ...rest } = event.data;
    return { status: 'rejected', ...rest };
  }
  const { rosterId: _rosterId, amountFen, ...rest } = event.data;
  return { status: 'accepted', ...rest, amount: formatYuanFen(BigInt(amountFen)) };
}
