// Proves the one masking of personal data (names, ID numbers, bank accounts, phones) for readers without the personal-data scope: each rule on its own, then for every event type of every context (funds, geo, households, rosters, projects) that it is either described with its personal fields — and those come out masked while every other field is unchanged — or listed as carrying none, so a new event type cannot reach a feed unmasked by being forgotten; an event type nobody described is withheld whole.
import { fundLineEventTypes, poolEventTypes } from '@sunlight/funds';
import { villageGroupRegisteredType } from '@sunlight/geo';
import { householdEventTypes } from '@sunlight/households';
import {
  findingEventTypes,
  registrySnapshotEventTypes,
  spotCheckEventTypes,
} from '@sunlight/oversight';
import { projectEventTypes } from '@sunlight/projects';
import { rosterEventTypes } from '@sunlight/rosters';
import {
  eventTypesWithoutPersonalData,
  maskBankAccount,
  maskEventData,
  maskEventMetadata,
  maskIdNumber,
  maskName,
  maskPhone,
  personalDataRules,
} from './personal-data';

const idNumber = '53032519800101001X';
const maskedIdNumber = '530325********001X';

describe('masking rules', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧*'],
    ['  李四 ', '李*'],
    ['', ''],
  ])('name %j → %j', (name, masked) => expect(maskName(name)).toBe(masked));

  it.each([
    [idNumber, maskedIdNumber],
    ['530325800101001', '530325*****1001'],
    ['12345', '*****'],
  ])('ID number %j → %j', (value, masked) => expect(maskIdNumber(value)).toBe(masked));

  it.each([
    ['6228480000000000001', '***************0001'],
    ['1234', '****'],
  ])('bank account %j → %j', (value, masked) => expect(maskBankAccount(value)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['0874-4612345', '087*****2345'],
    ['4612345', '***2345'],
  ])('phone %j → %j', (value, masked) => expect(maskPhone(value)).toBe(masked));
});

/** For each event type that carries personal data: data as written, and as a masked reader sees it. */
const samples: Record<string, { data: Record<string, unknown>; masked: Record<string, unknown> }> =
  {
    DisbursementRequested: {
      data: {
        transferId: 't-1',
        fundId: 'f-1',
        divisionCode: '530325',
        beneficiary: {
          kind: 'person',
          id: 'p-1',
          name: '张三',
          idNumber,
          bankAccount: '6228480000000000001',
        },
        amountFen: '100',
        requestedBy: 'u-finance',
      },
      masked: {
        transferId: 't-1',
        fundId: 'f-1',
        divisionCode: '530325',
        beneficiary: {
          kind: 'person',
          id: 'p-1',
          name: '张*',
          idNumber: maskedIdNumber,
          bankAccount: '***************0001',
        },
        amountFen: '100',
        requestedBy: 'u-finance',
      },
    },
    HouseholdRegistered: {
      data: {
        householdId: 'hh-1',
        villageCode: '530325102201',
        headName: '王小明',
        address: '一组',
        bankName: '农村信用社',
        bankAccount: '6228480000000000002',
        phone: '13812345678',
        identifiedYear: 2016,
      },
      masked: {
        householdId: 'hh-1',
        villageCode: '530325102201',
        headName: '王*',
        address: '一组',
        bankName: '农村信用社',
        bankAccount: '***************0002',
        phone: '138****5678',
        identifiedYear: 2016,
      },
    },
    MemberAdded: {
      data: { householdId: 'hh-1', idNumber, name: '王小红', relation: '之女', sex: '女' },
      masked: {
        householdId: 'hh-1',
        idNumber: maskedIdNumber,
        name: '王*',
        relation: '之女',
        sex: '女',
      },
    },
    MemberRemoved: {
      data: { householdId: 'hh-1', idNumber, name: '王小红', reason: '死亡', date: '2026-01-01' },
      masked: {
        householdId: 'hh-1',
        idNumber: maskedIdNumber,
        name: '王*',
        reason: '死亡',
        date: '2026-01-01',
      },
    },
    HousingAssessed: {
      data: { householdId: 'hh-1', safety: 'A级', assessor: '赵工', assessedOn: '2026-01-01' },
      masked: { householdId: 'hh-1', safety: 'A级', assessor: '赵*', assessedOn: '2026-01-01' },
    },
    HelperAssigned: {
      data: { householdId: 'hh-1', name: '李帮扶', unit: '县财政局', phone: '0874-4612345' },
      masked: { householdId: 'hh-1', name: '李*', unit: '县财政局', phone: '087*****2345' },
    },
    RosterEntryAccepted: {
      data: {
        rosterId: 'r-1',
        row: 2,
        name: '张三',
        idNumber,
        villageGroup: '一组',
        bankAccount: '6228480000000000001',
        amountFen: '50000',
        phone: '13812345678',
        extra: { 开户行: '信用社', 空: '' },
      },
      masked: {
        rosterId: 'r-1',
        row: 2,
        name: '张*',
        idNumber: maskedIdNumber,
        villageGroup: '一组',
        bankAccount: '***************0001',
        amountFen: '50000',
        phone: '138****5678',
        extra: { 开户行: '*', 空: '' },
      },
    },
    RosterEntryRejected: {
      data: {
        rosterId: 'r-1',
        row: 3,
        field: 'amount',
        reason: 'is not a yuan amount',
        values: {
          name: '张三',
          id_number: idNumber,
          bank_account: '6228480000000000001',
          phone: '13812345678',
          amount: 'abc',
          village_group: '一组',
          note: '替李四代领',
        },
      },
      masked: {
        rosterId: 'r-1',
        row: 3,
        field: 'amount',
        reason: 'is not a yuan amount',
        values: {
          name: '张*',
          id_number: maskedIdNumber,
          bank_account: '***************0001',
          phone: '138****5678',
          amount: 'abc',
          village_group: '一组',
          note: '*',
        },
      },
    },
    ProjectPlanned: {
      data: {
        projectId: 'prj-530325-1',
        name: '产业路',
        implementer: { name: '某建设公司' },
        responsiblePerson: { name: '周工', phone: '13812345678' },
        beneficiaries: { householdIds: ['hh-1'], idNumbers: [idNumber] },
      },
      masked: {
        projectId: 'prj-530325-1',
        name: '产业路',
        implementer: { name: '某建设公司' },
        responsiblePerson: { name: '周*', phone: '138****5678' },
        beneficiaries: { householdIds: ['hh-1'], idNumbers: [maskedIdNumber] },
      },
    },
    RegistrySnapshotImported: {
      data: {
        snapshotId: 'rg-deaths-530325-000000000001',
        rows: 1,
        rejectedRows: 1,
        rejections: [{ row: 2, field: 'died', reason: '2018-02-30 is not a day of the calendar' }],
      },
      masked: {
        snapshotId: 'rg-deaths-530325-000000000001',
        rows: 1,
        rejectedRows: 1,
        rejections: [{ row: 2, field: 'died', reason: '*' }],
      },
    },
    FindingRaised: {
      data: {
        findingId: 'fd-530325102201-000000000000000000000001',
        subject: { id: 'roster-entry:ro-530325-000000000001#2', name: '张三丰', idNumber },
        explanation: { zh: `张三丰（${idNumber}）已于2018-12-01死亡。`, en: 'died' },
      },
      masked: {
        findingId: 'fd-530325102201-000000000000000000000001',
        subject: {
          id: 'roster-entry:ro-530325-000000000001#2',
          name: '张*',
          idNumber: maskedIdNumber,
        },
        explanation: { zh: '*', en: '*' },
      },
    },
    SpotCheckVisitRecorded: {
      data: {
        spotCheckId: 'sc-530325-000000000001',
        item: 'hh-530325102201-1',
        result: 'inaccurate',
        remarks: '张三丰家实际住在县城',
        visitedOn: '2026-03-15',
      },
      masked: {
        spotCheckId: 'sc-530325-000000000001',
        item: 'hh-530325102201-1',
        result: 'inaccurate',
        remarks: '*',
        visitedOn: '2026-03-15',
      },
    },
    FindingAssigned: {
      data: { findingId: 'fd-530325102201-0', assignee: { id: 'jw-1' }, note: '核实张三丰的车辆' },
      masked: { findingId: 'fd-530325102201-0', assignee: { id: 'jw-1' }, note: '*' },
    },
    FindingDisposed: {
      data: { findingId: 'fd-530325102201-0', disposition: 'dismissed', reason: '张三丰已卖车' },
      masked: { findingId: 'fd-530325102201-0', disposition: 'dismissed', reason: '*' },
    },
    FindingReopened: {
      data: { findingId: 'fd-530325102201-0', disposition: 'dismissed', reason: '张三丰仍有车' },
      masked: { findingId: 'fd-530325102201-0', disposition: 'dismissed', reason: '*' },
    },
    ProjectAccepted: {
      data: {
        projectId: 'p',
        acceptedBy: '钱验收',
        result: '合格',
        remarks: '',
        date: '2026-01-01',
      },
      masked: {
        projectId: 'p',
        acceptedBy: '钱*',
        result: '合格',
        remarks: '',
        date: '2026-01-01',
      },
    },
  };

const everyEventType: readonly string[] = [
  ...fundLineEventTypes,
  ...poolEventTypes,
  villageGroupRegisteredType,
  ...householdEventTypes,
  ...registrySnapshotEventTypes,
  ...findingEventTypes,
  ...spotCheckEventTypes,
  ...rosterEventTypes,
  ...projectEventTypes,
];

describe('masking per event type', () => {
  it('knows every event type of every context, each exactly once', () => {
    const described = [...Object.keys(personalDataRules), ...eventTypesWithoutPersonalData];
    expect(new Set(described).size).toBe(described.length);
    expect([...everyEventType].sort()).toEqual([...described].sort());
  });

  it.each(Object.keys(personalDataRules))(
    'given %s with personal data, when masked, then those fields are masked and the rest kept',
    (type) => {
      const sample = samples[type];
      expect(sample).toBeDefined();
      const before = structuredClone(sample!.data);

      expect(maskEventData(type, sample!.data)).toEqual(sample!.masked);
      expect(sample!.data).toEqual(before);
    },
  );

  it.each(eventTypesWithoutPersonalData)(
    'given %s, which carries no personal data, when masked, then it is unchanged',
    (type) => {
      const data = { transferId: 't-1', name: '产业发展资金', amountFen: '1' };
      expect(maskEventData(type, data)).toBe(data);
    },
  );

  it('given an event type nobody described, when masked, then its data is withheld whole', () => {
    expect(maskEventData('SomethingNew', { name: '张三', idNumber })).toEqual({});
  });

  it('given optional personal fields that are absent, when masked, then nothing is added', () => {
    const data = { beneficiary: { kind: 'project', id: 'prj-1', name: '产业路' }, amountFen: '1' };
    expect(maskEventData('DisbursementRequested', data)).toEqual({
      beneficiary: { kind: 'project', id: 'prj-1', name: '产*' },
      amountFen: '1',
    });
  });

  it('given metadata claiming a person by ID number, when masked, then the ID number is masked', () => {
    const metadata = {
      claims: [`person:${idNumber}`, 'transfer:t-1'],
      releases: [`person:${idNumber}`],
    };
    expect(maskEventMetadata(metadata)).toEqual({
      claims: [`person:${maskedIdNumber}`, 'transfer:t-1'],
      releases: [`person:${maskedIdNumber}`],
    });
  });
});
