// Proves the household dashboards hold, for a village and every division above it, the households and people registered, by attribute and main cause, exits approved and returns by year, monitored households by type (an elimination takes its household off its type) and risks eliminated by year — from the events alone; a household in another township moves only the shared ancestors, and events that move no figure touch no document.
import type { RecordedEvent } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import { applyEvents, type ReadDocument } from '@sunlight/read-store';
import type { HouseholdEvent } from '../domain';
import {
  householdDashboardsCollection,
  householdDashboardsProjection,
  type HouseholdDashboardDocument,
} from './household-dashboards.projection';

let position = 0;
function recorded(event: HouseholdEvent): RecordedEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    type: event.type,
    data: event.data as never,
    metadata: { occurredAt: '2026-01-01T01:00:00Z' },
    streamName: `household-${event.data.householdId}`,
    revision: 0n,
    position: String(position).padStart(6, '0'),
    recordedAt: new Date('2026-01-01T01:00:00Z'),
  };
}

const registered = (householdId: string, attribute: string, mainCause: string): HouseholdEvent =>
  ({
    type: 'HouseholdRegistered',
    data: {
      householdId,
      villageCode: householdId.slice(3, 15),
      headName: '张三',
      address: '村',
      identificationStandard: '国家',
      attribute,
      mainCause,
      otherCauses: [],
      bankName: '信用社',
      bankAccount: '12345678',
      phone: '13800000000',
      identifiedYear: 2016,
    },
  }) as HouseholdEvent;
const member = (householdId: string, sequence: string): HouseholdEvent => ({
  type: 'MemberAdded',
  data: {
    householdId,
    idNumber: makeIdNumber('530325', '19800101', sequence),
    name: '成员',
    relation: sequence === '011' ? '户主' : '配偶',
    sex: '男',
    birthDate: '1980-01-01',
    health: '健康',
    schooling: '初中',
    labour: '普通劳动力',
  },
});

describe('household dashboards projection', () => {
  it('counts every figure at the village and each division above it', () => {
    const a = 'hh-530325102202-1';
    const b = 'hh-530325102202-2';
    const c = 'hh-530325103002-1';
    const events: HouseholdEvent[] = [
      registered(a, '一般贫困户', '因病'),
      registered(b, '低保贫困户', '因病'),
      registered(c, '一般贫困户', '缺资金'),
      member(a, '011'),
      member(a, '021'),
      member(b, '031'),
      member(c, '041'),
      {
        type: 'MemberRemoved',
        data: {
          householdId: a,
          idNumber: makeIdNumber('530325', '19800101', '021'),
          name: '成员',
          reason: '迁出',
          date: '2020-01-01',
        },
      },
      {
        type: 'HousingAssessed',
        data: { householdId: a, safety: '安全', assessor: '李工', assessedOn: '2019-01-01' },
      },
      { type: 'ExitApproved', data: { householdId: a, year: 2019, date: '2019-12-01' } },
      { type: 'ExitApproved', data: { householdId: c, year: 2019, date: '2020-01-05' } },
      { type: 'ReturnedToPoverty', data: { householdId: a, cause: '因病', date: '2021-03-01' } },
      {
        type: 'MonitoringStarted',
        data: {
          householdId: b,
          monitoringId: 'm1',
          monitoringType: '突发严重困难户',
          riskTypes: ['因灾'],
          measures: ['综合保障'],
          identifiedOn: '2023-01-01',
        },
      },
      {
        type: 'MonitoringStarted',
        data: {
          householdId: c,
          monitoringId: 'm1',
          monitoringType: '脱贫不稳定户',
          riskTypes: ['因病'],
          measures: ['健康帮扶'],
          identifiedOn: '2023-01-01',
        },
      },
      {
        type: 'RiskEliminated',
        data: {
          householdId: b,
          monitoringId: 'm1',
          monitoringType: '突发严重困难户',
          eliminatedOn: '2023-08-01',
          rulesVersion: 'v',
        },
      },
    ];
    const documents = new Map<string, ReadDocument>();
    const stored = events.map(recorded);
    applyEvents(
      householdDashboardsProjection,
      documents,
      stored.map((event) => ({ event, keys: householdDashboardsProjection.keysOf(event) })),
    );
    const doc = (code: string) =>
      documents.get(`${householdDashboardsCollection}/${code}`) as HouseholdDashboardDocument;

    expect(doc('530325102202')).toMatchObject({
      householdCount: 2,
      peopleCount: 2,
      byAttribute: { 一般贫困户: 1, 低保贫困户: 1 },
      byMainCause: { 因病: 2 },
      exitedByYear: { '2019': 1 },
      returnedByYear: { '2021': 1 },
      monitoredByType: {},
      monitoringsStarted: 1,
      risksEliminatedByYear: { '2023': 1 },
    });
    expect(doc('530325103')).toMatchObject({
      householdCount: 1,
      peopleCount: 1,
      byMainCause: { 缺资金: 1 },
      exitedByYear: { '2020': 1 },
      returnedByYear: {},
      monitoredByType: { 脱贫不稳定户: 1 },
      risksEliminatedByYear: {},
    });
    for (const code of ['530325', '5303', '53']) {
      expect(doc(code)).toMatchObject({
        householdCount: 3,
        peopleCount: 3,
        byAttribute: { 一般贫困户: 2, 低保贫困户: 1 },
        byMainCause: { 因病: 2, 缺资金: 1 },
        exitedByYear: { '2019': 1, '2020': 1 },
        returnedByYear: { '2021': 1 },
        monitoredByType: { 脱贫不稳定户: 1 },
        monitoringsStarted: 2,
        risksEliminatedByYear: { '2023': 1 },
      });
    }
    // Two villages, two townships, and the county, prefecture and province they share.
    expect(documents.size).toBe(7);
    const housing = stored.find((event) => event.type === 'HousingAssessed') as RecordedEvent;
    expect(householdDashboardsProjection.keysOf(housing)).toEqual([]);
  });
});
