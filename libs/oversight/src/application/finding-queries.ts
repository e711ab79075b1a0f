import { Inject, Injectable } from '@nestjs/common';
import {
  CLAIM_INDEX,
  EVENT_STORE,
  type ClaimIndex,
  type EventStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { poolEventOf, transferClaimKey, type DisbursementRequested } from '@sunlight/funds';
import { READ_STORE, type FieldCondition, type ReadStore } from '@sunlight/read-store';
import { rosterEventOf, type RosterEntryAccepted } from '@sunlight/rosters';
import {
  confirmingDispositions,
  findingDispositions,
  findingStatuses,
  openFindingStatuses,
  type EvidenceEvent,
  type FindingDisposition,
  type FindingRaised,
  type FindingStatus,
  type RegistryRow,
  type SubjectRef,
} from '../domain';
import { findingsCollection, findingsProjectionName, type FindingDocument } from '../projections';
import { REGISTRY_ROWS, type RegistryRows } from '../registry-rows.port';
import { readFindingWorkflow, type FindingWorkflowView } from './finding-workflow';

export const findingsPageSizeMax = 100;
export const findingsPageSizeDefault = 20;
/** Related subjects a finding's view resolves; the others are listed by reference only. */
const relatedResolvedMax = 50;

/** A status, or `open` (raised, assigned or reopened) or `closed` (disposed). */
export const findingStatusFilters = [...findingStatuses, 'open', 'closed'] as const;
export type FindingStatusFilter = (typeof findingStatusFilters)[number];

export interface FindingFilter {
  division: string;
  rule?: string;
  status?: FindingStatusFilter;
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

/** A roster line, or a payment, as the log recorded it, with where. */
export interface ResolvedEntry {
  ref: SubjectRef;
  entry?: Omit<RosterEntryAccepted['data'], 'amountFen'> & { amountFen: string };
  payment?: ResolvedPayment;
}

/** A payment: its request as recorded, and its events so far (request, decision, settlement). */
export interface ResolvedPayment {
  request: DisbursementRequested['data'];
  events: EvidenceEvent[];
}

export type FindingView = FindingRaised['data'] &
  Pick<FindingWorkflowView, 'status' | 'assignee' | 'disposition' | 'history'> & {
    evidence: {
      subject: ResolvedEntry;
      related: ResolvedEntry[];
      registryRows: { snapshotId: string; row: RegistryRow }[];
    };
  };

export interface RuleStats {
  ruleId: string;
  ruleVersion?: number;
  divisionCode: string;
  hits: number;
  open: number;
  byStatus: Record<FindingStatus, number>;
  disposed: number;
  dispositions: Record<FindingDisposition, number>;
  /** Disposed findings found right: confirmed, rectified or recovered. */
  confirmed: number;
  /** confirmed / disposed; null while nothing is disposed. */
  precision: number | null;
}

function statusCondition(status: FindingStatusFilter): FieldCondition {
  if (status === 'open') return { in: openFindingStatuses };
  if (status === 'closed') return 'disposed';
  return status;
}

/** Reads of findings: lists from the `findings` read model, one finding from its stream. */
@Injectable()
export class FindingQueries {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(REGISTRY_ROWS) private readonly rows: RegistryRows,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLAIM_INDEX) private readonly claims: ClaimIndex,
  ) {}

  async list(filter: FindingFilter): Promise<FindingsPage> {
    const where: Record<string, FieldCondition> = { divisionCode: { prefix: filter.division } };
    if (filter.rule !== undefined) where.ruleId = filter.rule;
    if (filter.status !== undefined) where.status = statusCondition(filter.status);
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

  /**
   * How one rule's findings in a division were disposed, from the findings read model: the
   * findings it raised (hits), where they stand, the dispositions in force, and its measured
   * precision, the share of disposed findings that were found right (confirmed, rectified or
   * recovered); null while none is disposed. A reopened finding counts again once disposed again.
   */
  async ruleStats(ruleId: string, division: string, version?: number): Promise<RuleStats> {
    const scope: Record<string, FieldCondition> = {
      ruleId,
      divisionCode: { prefix: division },
      ...(version === undefined ? {} : { ruleVersion: version }),
    };
    const count = async (condition: Record<string, FieldCondition>): Promise<number> =>
      (
        await this.readStore.find<FindingDocument>(findingsProjectionName, findingsCollection, {
          where: { ...scope, ...condition },
          limit: 0,
        })
      ).total;
    const byStatus = Object.fromEntries(
      await Promise.all(
        findingStatuses.map(async (status) => [status, await count({ status })] as const),
      ),
    ) as Record<FindingStatus, number>;
    const dispositions = Object.fromEntries(
      await Promise.all(
        findingDispositions.map(
          async (disposition) =>
            [disposition, await count({ status: 'disposed', disposition })] as const,
        ),
      ),
    ) as Record<FindingDisposition, number>;
    const disposed = byStatus.disposed;
    const confirmed = confirmingDispositions.reduce((sum, name) => sum + dispositions[name], 0);
    return {
      ruleId,
      ...(version === undefined ? {} : { ruleVersion: version }),
      divisionCode: division,
      hits: findingStatuses.reduce((sum, status) => sum + byStatus[status], 0),
      open: openFindingStatuses.reduce((sum, status) => sum + byStatus[status], 0),
      byStatus,
      disposed,
      dispositions,
      confirmed,
      precision: disposed === 0 ? null : confirmed / disposed,
    };
  }

  /**
   * One finding with its evidence resolved to the registry rows, roster lines and payments it
   * names.
   */
  async get(findingId: string): Promise<FindingView> {
    const { state, view } = await readFindingWorkflow(this.store, findingId);
    // readFindingWorkflow answers only a raised finding.
    const raised = state.raised as FindingRaised['data'];
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
      status: view.status,
      assignee: view.assignee,
      disposition: view.disposition,
      history: view.history,
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
    if (id.startsWith(paymentSubjectPrefix)) {
      const payment = await this.payment(id, event.eventId);
      return payment === undefined ? { ref: subject } : { ref: subject, payment };
    }
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

  /**
   * The payment a subject `payment:<pool stream>/<transferId>` names. Each step of a transfer
   * holds a key of its own in the log's claims (its request, its decision, its settlement), so its
   * events are three lookups, however long its pool's stream. Returns (reversals, recoveries) are
   * transfers of their own and are not listed here.
   */
  private async payment(subjectId: string, requestEventId: string) {
    const name = subjectId.slice(paymentSubjectPrefix.length);
    const slash = name.lastIndexOf('/');
    const streamName = name.slice(0, slash);
    const transferId = name.slice(slash + 1);
    if (slash < 0 || transferId === '') return undefined;
    const request = await this.claims.holderOf(transferClaimKey(transferId));
    const requested = request === undefined ? undefined : poolEventOf(request);
    if (
      request === undefined ||
      requested?.type !== 'DisbursementRequested' ||
      request.streamName !== streamName ||
      request.eventId !== requestEventId
    )
      return undefined;
    const steps = await Promise.all(
      (['decision', 'settlement'] as const).map((step) =>
        this.claims.holderOf(transferClaimKey(transferId, step)),
      ),
    );
    const events = [request, ...steps].flatMap((recorded): EvidenceEvent[] =>
      recorded === undefined || recorded.streamName !== streamName ? [] : [evidenceOf(recorded)],
    );
    return { request: { ...requested.data }, events } satisfies ResolvedPayment;
  }
}

const paymentSubjectPrefix = 'payment:';

function evidenceOf(recorded: RecordedEvent): EvidenceEvent {
  return {
    eventId: recorded.eventId,
    position: recorded.position,
    streamName: recorded.streamName,
    type: recorded.type,
  };
}
