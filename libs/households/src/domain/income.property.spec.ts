// Proves, for arbitrary sequences of income records and corrections, that the household's per-capita net income equals an independent fold of the income events: each chain of corrections counted once by its last record, costs subtracted, divided by the members and truncated towards zero.
import fc from 'fast-check';
import { householdDecider, incomeSummary, type HouseholdEvent } from './household';
import { incomeTypes, type IncomeType } from './vocabulary';

const householdId = 'hh-530325102001-1';
const registered: HouseholdEvent = {
  type: 'HouseholdRegistered',
  data: {
    householdId,
    villageCode: '530325102001',
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

interface Step {
  year: number;
  type: IncomeType;
  amountFen: number;
  /** Index into earlier records of the same year and type to correct; -1 for a new record. */
  corrects: number;
}

const step = fc.record({
  year: fc.constantFrom(2024, 2025),
  type: fc.constantFrom(...incomeTypes),
  amountFen: fc.integer({ min: 0, max: 50_000_000 }),
  corrects: fc.integer({ min: -1, max: 5 }),
});

describe('per-capita net income', () => {
  it('equals an independent fold of the income events', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }),
        fc.integer({ min: 1, max: 9 }),
        (steps: Step[], members) => {
          // Every record goes through decide, as a command would, then evolve.
          let state = householdDecider.evolve(householdDecider.initialState(), registered);
          // The model: the live amount of each chain of corrections, by its last record's id.
          const live = new Map<string, number>();
          const open: Map<string, string[]> = new Map();
          steps.forEach((s, index) => {
            const recordId = `r${index}`;
            const key = `${s.year}/${s.type}`;
            const candidates = open.get(key) ?? [];
            const target = s.corrects >= 0 ? candidates[s.corrects] : undefined;
            const decided = householdDecider.decide(
              {
                type: 'RecordIncome',
                householdId,
                actor: { id: 'clerk', role: 'village_staff', division: '530325102' },
                occurredAt: '2026-03-01T00:00:00Z',
                recordId,
                year: s.year,
                incomeType: s.type,
                amountFen: BigInt(s.amountFen),
                ...(target === undefined ? {} : { correctsRecordId: target }),
              },
              state,
            );
            state = decided.reduce(householdDecider.evolve, state);
            if (target !== undefined) {
              live.delete(target);
              candidates.splice(candidates.indexOf(target), 1);
            }
            live.set(recordId, s.amountFen);
            candidates.push(recordId);
            open.set(key, candidates);
          });
          for (const year of [2024, 2025]) {
            let net = 0n;
            for (const [recordId, amount] of live) {
              const s = steps[Number(recordId.slice(1))]!;
              if (s.year !== year) continue;
              net += s.type === '生产经营性支出' ? -BigInt(amount) : BigInt(amount);
            }
            const summary = incomeSummary(state.incomes.values(), year, members);
            expect(summary.netFen).toBe(net);
            expect(summary.perCapitaNetFen).toBe(net / BigInt(members));
          }
        },
      ),
    );
  });
});
