// Proves the findings read model counts, for a finding's village and each division above it (township, county, prefecture, province), the open findings by rule from the events alone: a raise adds one, an assignment moves nothing, a disposal takes one off and a reopening puts it back; a finding elsewhere moves only the shared ancestors; the same events applied twice change nothing, and a replay that finds the finding's document already ahead of the counts (MongoDB after a crash) still counts right.
import type { RecordedEvent } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { applyEvents, type ReadDocument } from '@sunlight/read-store';
import type { FindingEvent } from '../domain';
import {
  divisionFindingsCollection,
  findingsCollection,
  findingsProjection,
  type DivisionFindingsDocument,
  type FindingDocument,
} from './findings.projection';

const village = '530325102202';
const sameTownship = '530325102203';
const otherCounty = '530322100201';
const commission: Actor = { id: 'jw-530325', role: 'commission', division: '530325' };
const assignee = { id: 'jw-530325-01', role: 'commission' as const, division: '530325' };

let position = 0;
function recorded(event: FindingEvent): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    type: event.type,
    data: event.data as never,
    metadata: { occurredAt: '2026-01-01T01:00:00Z' },
    streamName: `finding-${event.data.findingId}`,
    revision: 0n,
    position: String(position).padStart(6, '0'),
    recordedAt: new Date('2026-01-01T01:00:00Z'),
  };
}

/** A finding's id and the four steps its events take, as recorded events at the next positions. */
function finding(divisionCode: string, ruleId: string, n: number) {
  const findingId = `fd-${divisionCode}-${n.toString(16).padStart(24, '0')}`;
  return {
    findingId,
    raised: () =>
      recorded({
        type: 'FindingRaised',
        data: {
          findingId,
          ruleId,
          ruleVersion: 1,
          divisionCode,
          subject: {
            id: `${findingId}-subject`,
            event: { streamName: 'roster-r1', position: '1', eventId: 'e0' },
            rosterId: 'r1',
            row: n + 1,
            kind: 'roster-entry',
            name: '张三',
            idNumber: makeIdNumber('530325', '19800101', String(n).padStart(3, '0')),
            villageCode: divisionCode,
            fundId: 'fund-1',
            purpose: '危房改造',
            period: '2019年',
            referenceDate: '2019-03-01',
            amountFen: '2000000',
          },
          related: [],
          registryRows: [],
          parameters: {},
          explanation: { zh: '名下有车', en: 'owns a vehicle' },
          checkId: 'check-1',
          raisedBy: commission,
        },
      }),
    assigned: () =>
      recorded({
        type: 'FindingAssigned',
        data: { findingId, assignee, assignedBy: commission },
      }),
    disposed: () =>
      recorded({
        type: 'FindingDisposed',
        data: {
          findingId,
          disposition: 'dismissed',
          reason: '车辆已转让',
          assignee,
          disposedBy: assignee,
        },
      }),
    reopened: () =>
      recorded({
        type: 'FindingReopened',
        data: {
          findingId,
          reason: '复查',
          disposition: 'dismissed',
          disposedBy: assignee,
          reopenedBy: { id: 'jw-5303', role: 'commission', division: '5303' },
        },
      }),
  };
}

/** The events applied as the runner applies them, documents passing through JSON as a store keeps them. */
function fold(documents: Map<string, ReadDocument>, events: readonly RecordedEvent[]): string[] {
  const changed = applyEvents(
    findingsProjection,
    documents,
    events.map((event) => ({ event, keys: findingsProjection.keysOf(event) })),
  );
  for (const key of changed.keys())
    documents.set(key, JSON.parse(JSON.stringify(documents.get(key))) as ReadDocument);
  return [...changed.keys()].sort();
}

type Counts = Record<string, Record<string, number>>;

/** Open findings by rule of each division that has a count document; a total that disagrees fails. */
function countsOf(documents: ReadonlyMap<string, ReadDocument>): Counts {
  const counts: Counts = {};
  for (const [key, document] of documents) {
    if (!key.startsWith(`${divisionFindingsCollection}/`)) continue;
    const doc = document as DivisionFindingsDocument;
    expect(doc.openTotal).toBe(Object.values(doc.openByRule).reduce((sum, n) => sum + n, 0));
    counts[doc.divisionCode] = doc.openByRule;
  }
  return counts;
}

/** The village `code` and each division above it, all with the same counts. */
const upFrom = (code: string, byRule: Record<string, number>): Counts =>
  Object.fromEntries([2, 4, 6, 9, 12].map((length) => [code.slice(0, length), byRule]));

function given(...history: RecordedEvent[]) {
  const documents = new Map<string, ReadDocument>();
  fold(documents, history);
  return {
    documents,
    when(...events: RecordedEvent[]) {
      const changed = fold(documents, events);
      return {
        then(expected: Counts) {
          expect(countsOf(documents)).toEqual(expected);
        },
        /** The keys the events changed. */
        changed: () => changed,
      };
    },
  };
}

describe('findings projection: open findings by division and rule', () => {
  it('counts a raise at the village and every division above it', () => {
    const a = finding(village, 'vehicle-owner', 1);
    given()
      .when(a.raised())
      .then(upFrom(village, { 'vehicle-owner': 1 }));
  });

  it('adds findings of several rules and villages, a finding elsewhere moving only the shared ancestors', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const b = finding(village, 'vehicle-owner', 2);
    const c = finding(sameTownship, 'deceased', 3);
    const d = finding(otherCounty, 'vehicle-owner', 4);
    given(a.raised(), b.raised())
      .when(c.raised(), d.raised())
      .then({
        '53': { 'vehicle-owner': 3, deceased: 1 },
        '5303': { 'vehicle-owner': 3, deceased: 1 },
        '530325': { 'vehicle-owner': 2, deceased: 1 },
        '530325102': { 'vehicle-owner': 2, deceased: 1 },
        [village]: { 'vehicle-owner': 2 },
        [sameTownship]: { deceased: 1 },
        '530322': { 'vehicle-owner': 1 },
        '530322100': { 'vehicle-owner': 1 },
        [otherCounty]: { 'vehicle-owner': 1 },
      });
  });

  it('moves no count on an assignment, and touches only the finding', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const scenario = given(a.raised()).when(a.assigned());
    scenario.then(upFrom(village, { 'vehicle-owner': 1 }));
    expect(scenario.changed()).toEqual([`${findingsCollection}/${a.findingId}`]);
  });

  it('takes a disposed finding off every level, leaving out a rule with none open', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const b = finding(village, 'deceased', 2);
    given(a.raised(), b.raised(), a.assigned())
      .when(a.disposed())
      .then(upFrom(village, { deceased: 1 }));
    const c = finding(sameTownship, 'vehicle-owner', 3);
    const both = given(a.raised(), c.raised(), a.assigned(), c.assigned());
    both.when(a.disposed()).then({
      ...upFrom(sameTownship, { 'vehicle-owner': 1 }),
      [village]: {},
    });
    const doc = both.documents.get(`${divisionFindingsCollection}/${village}`);
    expect(doc).toMatchObject({ openTotal: 0, openByRule: {} });
  });

  it('counts a reopened finding again, and its second disposal off again', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const scenario = given(a.raised(), a.assigned(), a.disposed());
    scenario.when(a.reopened()).then(upFrom(village, { 'vehicle-owner': 1 }));
    scenario.when(a.assigned(), a.disposed()).then(upFrom(village, {}));
    const doc = scenario.documents.get(`${findingsCollection}/${a.findingId}`) as FindingDocument;
    expect(doc.status).toBe('disposed');
  });

  it('changes nothing when the same events are applied again', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const b = finding(sameTownship, 'deceased', 2);
    const events = [a.raised(), b.raised(), a.assigned(), a.disposed(), a.reopened(), b.assigned()];
    const scenario = given(...events);
    const once = JSON.stringify([...scenario.documents.entries()]);
    const replay = scenario.when(...events);
    replay.then({
      ...upFrom(village, { 'vehicle-owner': 1 }),
      ...upFrom(sameTownship, { 'vehicle-owner': 1, deceased: 1 }),
      [sameTownship]: { deceased: 1 },
    });
    expect(replay.changed()).toEqual([]);
    expect(JSON.stringify([...scenario.documents.entries()])).toBe(once);
  });

  it('counts a disposal the finding already holds while the counts do not (a replay after a crash)', () => {
    const a = finding(village, 'vehicle-owner', 1);
    const raised = a.raised();
    const assigned = a.assigned();
    const disposed = a.disposed();
    const scenario = given(raised, assigned, disposed);
    const ahead = scenario.documents.get(`${findingsCollection}/${a.findingId}`) as ReadDocument;
    // The counts as they were before the disposal, the finding's document after it.
    const crashed = given(raised, assigned);
    crashed.documents.set(`${findingsCollection}/${a.findingId}`, ahead);
    crashed.when(disposed).then(upFrom(village, {}));
  });
});
