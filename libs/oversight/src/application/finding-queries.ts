import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import { READ_STORE, type FieldCondition, type ReadStore } from '@sunlight/read-store';
import { rosterEventOf, type RosterEntryAccepted } from '@sunlight/rosters';
import {
  findingStreamName,
  type FindingRaised,
  type FindingStatus,
  type RegistryRow,
  type SubjectRef,
} from '../domain';
import { FindingNotFoundError } from '../oversight.errors';
import { findingsCollection, findingsProjectionName, type FindingDocument } from '../projections';
import { REGISTRY_ROWS, type RegistryRows } from '../registry-rows.port';
import { FINDING_COMMANDS, type FindingCommands } from './finding-commands';

export const findingsPageSizeMax = 100;
export const findingsPageSizeDefault = 20;
/** Related subjects a finding's view resolves; the others are listed by reference only. */
const relatedResolvedMax = 50;

export interface FindingFilter {
  division: string;
  rule?: string;
  status?: FindingStatus;
  period?: string;
  rosterId?: string;
  limit: number;
  offset: number;
}

export type FindingListItem = Omit<FindingDocument, 'id' | 'lastPosition'>;

export interface FindingsPage {
  items: FindingListItem[];
  total: number;
  limit: number;
  offset: number;
}

/** A roster line as the log recorded it, with where. */
export interface ResolvedEntry {
  ref: SubjectRef;
  entry?: Omit<RosterEntryAccepted['data'], 'amountFen'> & { amountFen: string };
}

export type FindingView = FindingRaised['data'] & {
  status: FindingStatus;
  evidence: {
    subject: ResolvedEntry;
    related: ResolvedEntry[];
    registryRows: { snapshotId: string; row: RegistryRow }[];
  };
};

/** Reads of findings: lists from the `findings` read model, one finding from its stream. */
@Injectable()
export class FindingQueries {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(FINDING_COMMANDS) private readonly findings: FindingCommands,
    @Inject(REGISTRY_ROWS) private readonly rows: RegistryRows,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(filter: FindingFilter): Promise<FindingsPage> {
    const where: Record<string, FieldCondition> = { divisionCode: { prefix: filter.division } };
    if (filter.rule !== undefined) where.ruleId = filter.rule;
    if (filter.status !== undefined) where.status = filter.status;
    if (filter.period !== undefined) where.period = filter.period;
    if (filter.rosterId !== undefined) where.rosterId = filter.rosterId;
    const page = await this.readStore.find<FindingDocument>(
      findingsProjectionName,
      findingsCollection,
      {
        where,
        sortBy: 'divisionCode',
        direction: 'asc',
        limit: filter.limit,
        offset: filter.offset,
      },
    );
    return {
      items: page.items.map(({ id: _id, lastPosition: _position, ...item }) => item),
      total: page.total,
      limit: filter.limit,
      offset: filter.offset,
    };
  }

  /** One finding with its evidence resolved to the registry rows and roster lines it names. */
  async get(findingId: string): Promise<FindingView> {
    const { state } = await this.findings.load(findingStreamName(findingId));
    const raised = state.raised;
    if (raised === undefined) throw new FindingNotFoundError(findingId);
    const registryRows = await this.rows.rowsAt(
      raised.registryRows.map((ref) => ({ snapshotId: ref.snapshotId, row: ref.row })),
    );
    const related = await Promise.all(
      raised.related.map((ref, i) =>
        i < relatedResolvedMax ? this.resolve(ref) : Promise.resolve({ ref }),
      ),
    );
    return {
      ...raised,
      status: 'raised',
      evidence: { subject: await this.resolve(raised.subject), related, registryRows },
    };
  }

  /**
   * The roster line a subject names, read from its roster's stream. Lines are recorded in row
   * order after the upload (row 2 at revision 1 at the earliest), so the line of row r is at
   * revision r - 1 or before: read backwards from there.
   */
  private async resolve(ref: SubjectRef): Promise<ResolvedEntry> {
    const { id, event, rosterId, row } = ref;
    const subject: SubjectRef = {
      id,
      event,
      ...(rosterId === undefined ? {} : { rosterId }),
      ...(row === undefined ? {} : { row }),
    };
    if (row === undefined) return { ref: subject };
    for await (const recorded of this.store.readStream(event.streamName, {
      fromRevision: BigInt(Math.max(row - 1, 0)),
      direction: 'backwards',
      maxCount: 1_000,
    })) {
      if (recorded.eventId !== event.eventId) continue;
      const entry = rosterEventOf(recorded);
      if (entry?.type === 'RosterEntryAccepted') return { ref: subject, entry: { ...entry.data } };
      break;
    }
    return { ref: subject };
  }
}
