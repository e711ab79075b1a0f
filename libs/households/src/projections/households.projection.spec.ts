// Proves the households projection keeps each household's record and each person's household from the events alone: members join with the day they were added, a removal moves a member to the former members and closes the person's stay, a move to another household opens a new stay, and events of other streams touch nothing.
import type { RecordedEvent } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import { applyEvents, type ReadDocument } from '@sunlight/read-store';
import type { HouseholdEvent } from '../domain';
import {
  householdsCollections,
  householdsProjection,
  type HouseholdDocument,
  type PersonDocument,
} from './households.projection';

const person = makeIdNumber('530325', '19900101', '011');
let position = 0;

function recorded(householdId: string, event: HouseholdEvent, occurredAt: string): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    type: event.type,
    data: event.data as never,
    metadata: { actor: { id: 'clerk', role: 'village_staff', division: '530325102' }, occurredAt },
    streamName: `household-${householdId}`,
    revision: 0n,
    position: String(position).padStart(6, '0'),
    recordedAt: new Date(occurredAt),
  };
}

function registered(householdId: string, villageCode: string): HouseholdEvent {
  return {
    type: 'HouseholdRegistered',
    data: {
      householdId,
      villageCode,
      headName: '张三',
      address: '营上村',
      identificationStandard: '国家',
      attribute: '一般贫困户',
      mainCause: '因病',
      otherCauses: [],
      bankName: '信用社',
      bankAccount: '12345678',
      phone: '13800000000',
      identifiedYear: 2016,
    },
  };
}

const memberAdded = (householdId: string): HouseholdEvent => ({
  type: 'MemberAdded',
  data: {
    householdId,
    idNumber: person,
    name: '李四',
    relation: '户主',
    sex: '男',
    birthDate: '1990-01-01',
    health: '健康',
    schooling: '初中',
    labour: '普通劳动力',
  },
});

describe('households projection', () => {
  it('follows a member from one household to another', () => {
    const a = 'hh-530325102202-1';
    const b = 'hh-530325102203-1';
    const events = [
      recorded(a, registered(a, '530325102202'), '2026-01-01T01:00:00Z'),
      recorded(b, registered(b, '530325102203'), '2026-01-01T01:00:00Z'),
      // 20:00 UTC is the next morning in China: the day recorded is China's.
      recorded(a, memberAdded(a), '2026-01-01T20:00:00Z'),
      recorded(
        a,
        {
          type: 'MemberRemoved',
          data: {
            householdId: a,
            idNumber: person,
            name: '李四',
            reason: '迁出',
            date: '2026-02-01',
          },
        },
        '2026-02-01T01:00:00Z',
      ),
      recorded(b, memberAdded(b), '2026-02-03T01:00:00Z'),
      {
        ...recorded(a, registered(a, '530325102202'), '2026-02-04T01:00:00Z'),
        streamName: 'pool-x.53',
      },
    ];
    const documents = new Map<string, ReadDocument>();
    applyEvents(
      householdsProjection,
      documents,
      events.map((event) => ({ event, keys: householdsProjection.keysOf(event) })),
    );
    const first = documents.get(`${householdsCollections.households}/${a}`) as HouseholdDocument;
    expect(first).toMatchObject({
      memberCount: 0,
      members: [],
      status: 'registered',
      villageGroupCode: null,
    });
    expect(first.formerMembers).toEqual([
      { idNumber: person, name: '李四', reason: '迁出', date: '2026-02-01', since: '2026-01-02' },
    ]);
    const second = documents.get(`${householdsCollections.households}/${b}`) as HouseholdDocument;
    expect(second.members).toEqual([
      expect.objectContaining({ idNumber: person, since: '2026-02-03' }),
    ]);
    const personDoc = documents.get(`${householdsCollections.people}/${person}`) as PersonDocument;
    expect(personDoc).toMatchObject({
      householdId: b,
      villageCode: '530325102203',
      active: true,
      since: '2026-02-03',
      until: null,
    });
    expect(personDoc.stays).toEqual([
      { householdId: a, since: '2026-01-02', until: '2026-02-01', reason: '迁出' },
      { householdId: b, since: '2026-02-03', until: null, reason: null },
    ]);
    expect(documents.size).toBe(3);
  });
});
