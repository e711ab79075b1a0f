// Proves, over random ledgers written by the real pool decider, that every dashboard balances (balance + in transit + pending + disbursed − returned = received, which at the province is Σ appropriations) and agrees with the pools, the funds, the beneficiaries and the payments.
import { loadDivisionRegistry } from '@sunlight/geo';
import fc from 'fast-check';
import { type Beneficiary, transferEntries } from '../domain';
import {
  dashboardCollections,
  type DashboardDocument,
  type DashboardFundDocument,
  dashboardsProjection,
} from './dashboards.projection';
import { dashboardFundsQuery, idleCutoff, idleSummary } from './dashboards.view';
import { distinctSize } from './distinct-count';
import { addFigures, type Figures, zeroFigures } from './figures';
import { beneficiaryIdentityOf } from './funds-events';
import {
  paymentsCollection,
  type PaymentDocument,
  paymentsProjection,
} from './payments.projection';
import type { PoolDocument } from './pool-account';
import { documentsOf, findDocuments, foldProjection } from './testing/fold';
import { TestLedger } from './testing/ledger';

const registry = loadDivisionRegistry();
const dashboards = dashboardsProjection(registry);
const tree = [
  '53',
  '5303',
  '530325',
  '530326',
  '530325102',
  '530326102',
  '530325102202',
  '530326102001',
];
const childrenOf = (code: string) =>
  tree.filter((candidate) => registry.isDirectChild(code, candidate));

const people: Beneficiary[] = [
  { kind: 'household', id: 'household-1', name: '张三', idNumber: '53032519800101001X' },
  { kind: 'person', id: 'person-2', name: '李四', idNumber: '530325197505050022' },
  { kind: 'person', id: 'person-3', name: '王五', idNumber: '530325196003030013' },
  // The same person as 张三, spelled with a lower-case x on another roster.
  { kind: 'person', id: 'person-4', name: '张三', idNumber: '53032519800101001x' },
  { kind: 'project', id: 'project-5', name: '富源县营上镇蔬菜大棚项目部' },
  { kind: 'household', id: 'household-6', name: '赵六', idNumber: '530326198802020044' },
];

type Op =
  | { kind: 'fund'; at: number; amountYuan: number }
  | { kind: 'send'; pick: number; child: number; permille: number }
  | { kind: 'receive'; pick: number }
  | { kind: 'request'; pick: number; person: number; permille: number }
  | { kind: 'approve' | 'reject' | 'reverse'; pick: number }
  | { kind: 'settle'; pick: number; paid: boolean }
  | { kind: 'recover'; pick: number; permille: number }
  | { kind: 'wait'; days: number };

const permille = fc.integer({ min: 1, max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('fund' as const),
      at: fc.nat(),
      amountYuan: fc.integer({ min: 1, max: 1_000_000 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      pick: fc.nat(),
      child: fc.nat(),
      permille,
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant('receive' as const), pick: fc.nat() }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      pick: fc.nat(),
      person: fc.nat(people.length - 1),
      permille,
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('approve' as const, 'reject' as const, 'reverse' as const),
      pick: fc.nat(),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      pick: fc.nat(),
      paid: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('recover' as const), pick: fc.nat(), permille }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      days: fc.integer({ min: 0, max: 20 }),
    }),
    weight: 2,
  },
);
/** Every ledger starts with a fund appropriated somewhere; the rest is random. */
const ledgerOps = fc
  .tuple(
    fc.record({
      kind: fc.constant('fund' as const),
      at: fc.nat(),
      amountYuan: fc.integer({ min: 1, max: 1_000_000 }),
    }),
    fc.array(op, { minLength: 5, maxLength: 80, size: 'max' }),
  )
  .map(([first, rest]): Op[] => [first, ...rest]);

interface Written {
  ledger: TestLedger;
  appropriatedFen: bigint;
  inTransit: Map<string, { fundId: string; amountFen: bigint }>;
  /** transfer key → who it pays. */
  beneficiaries: Map<string, Beneficiary>;
}

/** Plays the operations through the decider, choosing only what the ledger allows. */
function write(ops: readonly Op[]): Written {
  const ledger = new TestLedger(registry);
  const funds: string[] = [];
  const inTransit = new Map<string, { fundId: string; amountFen: bigint }>();
  const beneficiaries = new Map<string, Beneficiary>();
  let appropriatedFen = 0n;
  let day = 0;
  let transferCount = 0;
  const pick = <T>(items: readonly T[], n: number): T | undefined =>
    items[n % Math.max(items.length, 1)];
  const share = (fen: bigint, perMille: number) => {
    const part = (fen * BigInt(perMille)) / 1000n;
    return part > 0n ? part : 1n;
  };
  const pools = () =>
    funds.flatMap((fundId) =>
      tree.map((division) => ({ fundId, division, state: ledger.pool(fundId, division) })),
    );
  const disbursements = (status: string) =>
    pools().flatMap(({ fundId, division, state }) =>
      transferEntries(state.transfers)
        .filter(([, entry]) => entry.kind === 'disbursement' && entry.status === status)
        .map(([transferId, entry]) => ({ fundId, division, transferId, entry })),
    );

  for (const next of ops) {
    transferCount += 1;
    switch (next.kind) {
      case 'fund': {
        if (funds.length >= 3) break;
        const fundId = `F${funds.length + 1}`;
        const amountFen = BigInt(next.amountYuan) * 100n;
        ledger.createFund({
          fundId,
          divisionCode: pick(tree, next.at) ?? '53',
          amountFen,
          fiscalYear: 2023 + funds.length,
        });
        funds.push(fundId);
        appropriatedFen += amountFen;
        break;
      }
      case 'send': {
        const from = pick(
          pools().filter(
            (pool) => pool.state.balanceFen > 0n && childrenOf(pool.division).length > 0,
          ),
          next.pick,
        );
        if (from === undefined) break;
        const to = pick(childrenOf(from.division), next.child) ?? '';
        const amountFen = share(from.state.balanceFen, next.permille);
        const transferId = ledger.send(
          from.fundId,
          from.division,
          to,
          amountFen,
          `a${transferCount}`,
        );
        inTransit.set(transferId, { fundId: from.fundId, amountFen });
        break;
      }
      case 'receive': {
        const transferId = pick([...inTransit.keys()], next.pick);
        if (transferId === undefined) break;
        ledger.receive(inTransit.get(transferId)?.fundId ?? '', transferId);
        inTransit.delete(transferId);
        break;
      }
      case 'request': {
        const at = pick(
          pools().filter((pool) => pool.state.balanceFen > 0n),
          next.pick,
        );
        if (at === undefined) break;
        const person = people[next.person] ?? people[0]!;
        const transferId = `d${transferCount}`;
        ledger.request(
          at.fundId,
          at.division,
          transferId,
          person,
          share(at.state.balanceFen, next.permille),
        );
        beneficiaries.set(`${at.fundId}.${at.division}/${transferId}`, person);
        break;
      }
      case 'approve':
      case 'reject': {
        const chosen = pick(disbursements('requested'), next.pick);
        if (chosen === undefined) break;
        if (next.kind === 'approve')
          ledger.approve(chosen.fundId, chosen.division, chosen.transferId);
        else ledger.reject(chosen.fundId, chosen.division, chosen.transferId);
        break;
      }
      case 'settle': {
        const chosen = pick(disbursements('approved'), next.pick);
        if (chosen === undefined) break;
        if (next.paid) ledger.pay(chosen.fundId, chosen.division, chosen.transferId);
        else ledger.fail(chosen.fundId, chosen.division, chosen.transferId);
        break;
      }
      case 'reverse': {
        const chosen = pick(disbursements('paid'), next.pick);
        if (chosen === undefined) break;
        ledger.reverse(chosen.fundId, chosen.division, `rv${transferCount}`, chosen.transferId);
        break;
      }
      case 'recover': {
        const chosen = pick(disbursements('paid'), next.pick);
        if (chosen === undefined || chosen.entry.kind !== 'disbursement') break;
        const outstandingFen = chosen.entry.amountFen - chosen.entry.returnedFen;
        ledger.recover(
          chosen.fundId,
          chosen.division,
          `rc${transferCount}`,
          chosen.transferId,
          share(outstandingFen, next.permille),
        );
        break;
      }
      case 'wait':
        day += next.days;
        ledger.at(day);
        break;
    }
  }
  return { ledger, appropriatedFen, inTransit, beneficiaries };
}

const fen = (text: string) => BigInt(text);
const sum = (values: readonly bigint[]) => values.reduce((total, value) => total + value, 0n);

describe('dashboards over random ledgers', () => {
  // The dashboards controller keeps a division's answers while the division's own dashboard
  // document is unchanged; that is sound only while this holds.
  it('routes every event that changes a document a division reads to the division dashboard and its ancestors', () => {
    fc.assert(
      fc.property(ledgerOps, (ops) => {
        for (const event of write(ops).ledger.events) {
          const keys = dashboards.keysOf(event);
          const dashboardCodes = new Set(
            keys
              .filter((key) => key.collection === dashboardCollections.dashboards)
              .map((key) => key.id),
          );
          const divisionsRead = keys.flatMap((key) => {
            if (key.collection === dashboardCollections.dashboardFunds)
              return [key.id.slice(0, key.id.indexOf('/'))];
            if (key.collection === dashboardCollections.pools)
              return [key.id.slice(key.id.lastIndexOf('.') + 1)];
            if (key.collection === dashboardCollections.dashboards)
              return registry.get(key.id)?.parentCode ?? [];
            return [];
          });
          for (const code of divisionsRead) expect(dashboardCodes).toContain(code);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('balance, in transit, pending and net disbursed add up to what came in, at every level and for every fund', () => {
    fc.assert(
      fc.property(ledgerOps, (ops) => {
        const { ledger, appropriatedFen, inTransit, beneficiaries } = write(ops);
        const documents = foldProjection(dashboards, ledger.events);
        const totals = documentsOf<DashboardDocument>(documents, dashboardCollections.dashboards);

        for (const doc of totals) {
          const { receivedFen, balanceFen, inTransitFen, pendingFen, disbursedFen, returnedFen } =
            doc.totals;
          expect(
            fen(balanceFen) +
              fen(inTransitFen) +
              fen(pendingFen) +
              fen(disbursedFen) -
              fen(returnedFen),
          ).toBe(fen(receivedFen));
          const funds = findDocuments<DashboardFundDocument>(
            documents,
            dashboardCollections.dashboardFunds,
            dashboardFundsQuery(doc.divisionCode),
          ).items;
          expect(
            funds.map((fund) => fund.figures).reduce<Figures>(addFigures, zeroFigures()),
          ).toEqual(doc.totals);
        }

        const states = ledger.poolStates();
        const province = totals.find((doc) => doc.divisionCode === '53');
        if (province === undefined) {
          expect(appropriatedFen).toBe(0n);
          return;
        }
        const { receivedFen, balanceFen, inTransitFen, pendingFen, disbursedFen, returnedFen } =
          province.totals;
        expect(
          fen(balanceFen) +
            fen(inTransitFen) +
            fen(pendingFen) +
            (fen(disbursedFen) - fen(returnedFen)),
        ).toBe(appropriatedFen);
        expect(fen(receivedFen)).toBe(appropriatedFen);
        expect(fen(balanceFen)).toBe(sum(states.map((state) => state.balanceFen)));
        expect(fen(pendingFen)).toBe(sum(states.map((state) => state.reservedFen)));
        expect(fen(disbursedFen)).toBe(sum(states.map((state) => state.disbursedFen)));
        expect(fen(returnedFen)).toBe(
          sum(states.map((state) => state.reversedFen + state.recoveredFen)),
        );
        expect(fen(inTransitFen)).toBe(sum([...inTransit.values()].map((move) => move.amountFen)));

        // Each pool document is its decider state, and its lots are its balance.
        for (const pool of documentsOf<PoolDocument>(documents, dashboardCollections.pools)) {
          const state = ledger.pool(pool.fundId, pool.divisionCode);
          expect([
            pool.figures.balanceFen,
            pool.figures.receivedFen,
            pool.figures.allocatedDownFen,
            pool.figures.pendingFen,
          ]).toEqual(
            [state.balanceFen, state.receivedFen, state.sentFen, state.reservedFen].map(String),
          );
          expect(sum(pool.lots.map(([, amountFen]) => fen(amountFen)))).toBe(state.balanceFen);
        }
        // Far enough ahead, all money still in a pool is idle.
        const idle = idleSummary(
          documentsOf<PoolDocument>(documents, dashboardCollections.pools),
          idleCutoff('2030-01-01T00:00:00.000Z', 1),
        );
        expect(idle.idleFen).toBe(fen(balanceFen));

        // Distinct beneficiaries of a fund under a division: the people of its approved disbursements.
        const payments = documentsOf<PaymentDocument>(
          foldProjection(paymentsProjection, ledger.events),
          paymentsCollection,
        );
        for (const fund of documentsOf<DashboardFundDocument>(
          documents,
          dashboardCollections.dashboardFunds,
        )) {
          const approved = payments.filter(
            (payment) =>
              payment.fundId === fund.fundId &&
              payment.divisionCode.startsWith(fund.divisionCode) &&
              payment.status !== 'requested' &&
              payment.status !== 'rejected',
          );
          const identities = new Set(
            approved.map((payment) => beneficiaryIdentityOf(beneficiaries.get(payment.id)!)),
          );
          expect(distinctSize(fund.beneficiaries)).toEqual({ value: identities.size, exact: true });
        }

        // The payments history agrees with the decider on every disbursement.
        for (const payment of payments) {
          const entry = transferEntries(
            ledger.pool(payment.fundId, payment.divisionCode).transfers,
          ).find(([id]) => id === payment.transferId)?.[1];
          expect(
            entry?.kind === 'disbursement' && [entry.status, String(entry.returnedFen)],
          ).toEqual([payment.status, payment.returnedFen]);
        }

        // A redelivered tail changes nothing.
        const cut = Math.floor(ledger.events.length / 2);
        expect(
          foldProjection(
            dashboards,
            ledger.events,
            foldProjection(dashboards, ledger.events.slice(0, cut)),
          ),
        ).toEqual(documents);
      }),
      { numRuns: 100 },
    );
  });
});
