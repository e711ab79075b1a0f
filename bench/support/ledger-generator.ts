import { randomUUID } from 'node:crypto';
import { commandMetadata, type EventToAppend, type ExpectedRevision } from '@sunlight/event-store';
import type { Actor } from '@sunlight/kernel';
import {
  appropriateFundsFor,
  fundLineDecider,
  fundStreamName,
  poolCommandReason,
  poolDecider,
  poolStreamName,
  type Beneficiary,
  type CreateFundLine,
  type FundLineCreated,
  type FundSource,
  type PoolCommand,
  type PoolState,
  type PurposeCategory,
} from '@sunlight/funds';
import { makeIdNumber, type Division, type DivisionRegistry } from '@sunlight/geo';

/*
 * A synthetic but realistic funds ledger for Yunnan, written through the real deciders so every
 * event has exactly the shape production writes:
 *
 *   set-up  a few fund lines (FundLineCreated on fund-<id>) appropriated at the province (53),
 *           allocated down province → 16 prefectures → 129 counties → 1,461 townships:
 *           AllocationSent on the parent and AllocationReceived on the child, as the relay writes.
 *           Fund lines arrive through the year: the caller sets one up (`setupLevels(i)`), lets
 *           disbursements run for a while, then sets up the next, so any prefix of the log holds
 *           the whole mix;
 *   bulk    disbursements at township pools in the phases an office works in: a roster of
 *           requests, some appends later the approver's decisions (some rejected), later still
 *           the bank's settlements (some failed), and a few paid ones reversed (冲正) or recovered
 *           (追回) with a later roster. New rosters go to random idle pools (busy townships more
 *           often), so the phases of many pools interleave in the log as they do in real use.
 *
 * Randomness is seeded: the same flags give the same ledger (up to event ids and timestamps).
 */

/** One `appendToStream` call: events of one stream, with the exact expected revision. */
export interface PlannedAppend {
  streamName: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

interface FundPlan {
  fundId: string;
  name: string;
  fiscalYear: number;
  purposeCategory: PurposeCategory;
  source: FundSource;
  /** Share of the disbursements this fund pays. */
  share: number;
  /** What one disbursement pays, in yuan. */
  amountYuan: readonly [number, number];
  purpose: string;
  beneficiaryKind: 'household' | 'person' | 'project';
}

const funds: readonly FundPlan[] = [
  {
    fundId: 'yn2025-cyfz',
    name: '2025年中央财政衔接推进乡村振兴补助资金(产业发展)',
    fiscalYear: 2025,
    purposeCategory: '产业发展',
    source: '中央财政',
    share: 0.35,
    amountYuan: [1_000, 5_000],
    purpose: '产业奖补',
    beneficiaryKind: 'household',
  },
  {
    fundId: 'yn2024-cyfz',
    name: '2024年中央财政衔接推进乡村振兴补助资金(产业发展)',
    fiscalYear: 2024,
    purposeCategory: '产业发展',
    source: '中央财政',
    share: 0.2,
    amountYuan: [1_000, 5_000],
    purpose: '产业奖补',
    beneficiaryKind: 'household',
  },
  {
    fundId: 'yn2025-yljh',
    name: '2025年雨露计划职业教育补助',
    fiscalYear: 2025,
    purposeCategory: '教育',
    source: '省级财政',
    share: 0.2,
    amountYuan: [1_500, 3_000],
    purpose: '雨露计划补助',
    beneficiaryKind: 'person',
  },
  {
    fundId: 'yn2025-wfgz',
    name: '2025年农村危房改造补助资金',
    fiscalYear: 2025,
    purposeCategory: '危房改造',
    source: '中央财政',
    share: 0.1,
    amountYuan: [10_000, 40_000],
    purpose: '危房改造补助',
    beneficiaryKind: 'household',
  },
  {
    fundId: 'yn2026-jcss',
    name: '2026年乡村基础设施建设资金',
    fiscalYear: 2026,
    purposeCategory: '基础设施',
    source: '省级财政',
    share: 0.15,
    amountYuan: [20_000, 200_000],
    purpose: '基础设施工程款',
    beneficiaryKind: 'project',
  },
];

/** Outcome rates of the lifecycle. */
const rejectRate = 0.04;
const failRate = 0.025;
/** Paid disbursements later returned, and of those, how many by reversal rather than recovery. */
const returnRate = 0.015;
const reversalShare = 0.55;
/** Average events per disbursement (request, decision, settlement, sometimes a return): for budgets. */
const eventsPerDisbursement = 3;
/** A pool's next phase comes this many appends (of any pool) after its last one, at random. */
const followUpDelayMin = 20;
const followUpDelayMax = 400;

const provinceCode = '53';
const relayActor: Actor = { id: 'system:funds-processor', role: 'system', division: '' }; // as in funds.processor.ts
const provinceFinance: Actor = { id: 'fin-53-001', role: 'finance', division: provinceCode };
const bankActor: Actor = { id: 'system:bank-gateway', role: 'bank', division: provinceCode };

const surnames =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const givenNames = [
  '建华',
  '秀英',
  '桂兰',
  '玉兰',
  '志强',
  '国平',
  '海燕',
  '红梅',
  '德明',
  '正华',
  '丽华',
  '永福',
  '文学',
  '春花',
  '卫东',
  '金凤',
  '光荣',
  '家富',
  '美玲',
  '兴旺',
  '晓东',
  '云飞',
  '成林',
  '绍华',
];
const rejectReasons = [
  '花名册信息与档案不符',
  '非建档立卡监测对象',
  '重复申报',
  '补助标准计算有误',
];
const failReasons = ['账户已销户', '户名与账号不符', '账户冻结'];

/** Deterministic PRNG (mulberry32): fast, and a seed reproduces the ledger. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit integer hash, so a household's identity follows from its number without storing it. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Township {
  index: number;
  division: Division;
  countyCode: string;
  villages: string[];
  /** Relative activity: busy townships pay more often. */
  weight: number;
  households: number;
}

/** Bookkeeping of one township pool beyond the decider's state: what is waiting for which phase. */
interface TownshipPool {
  fund: FundPlan;
  township: Township;
  streamName: string;
  allocationRef: string;
  awaitingDecision: string[];
  awaitingSettlement: string[];
  /** True from a roster's requests until its last settlement: no new roster meanwhile. */
  busy: boolean;
  /** Paid disbursements picked to be returned later: transfer id and amount. */
  returnsDue: { transferId: string; amountFen: bigint }[];
  nextSequence: number;
}

export class LedgerGenerator {
  private readonly random: () => number;
  private readonly states = new Map<string, PoolState>();
  private readonly revisions = new Map<string, bigint>();
  private readonly townships: Township[];
  private readonly pools: TownshipPool[] = [];
  /** Cumulative pool weights, for picking a pool in O(log n). */
  private readonly cumulative: number[] = [];
  /** Budget of each division (township and above), in fen, by fund. */
  private readonly budgetsFen: Map<string, bigint>[] = [];
  /** Follow-up phases by the append count they fall due at (a ring of slots), and those due now. */
  private readonly followUps: TownshipPool[][] = Array.from(
    { length: followUpDelayMax + 1 },
    () => [],
  );
  private readonly due: TownshipPool[] = [];
  private appendCount = 0;
  /** Pools of the fund lines set up so far (a prefix of `pools`). */
  private activePools = 0;

  constructor(
    private readonly registry: DivisionRegistry,
    options: { seed: number; plannedEvents: number },
  ) {
    this.random = seededRandom(options.seed);
    this.townships = this.loadTownships();
    this.planPools(options.plannedEvents);
  }

  get fundCount(): number {
    return funds.length;
  }

  /**
   * The set-up of fund line `fundIndex`, level by level: every append of a level must be
   * committed before the next level's appends start (a child receives an allocation only after
   * its parent sent it). From then on `nextAppend` also disburses from this fund's pools.
   */
  setupLevels(fundIndex: number): PlannedAppend[][] {
    const fund = funds[fundIndex];
    const occurredAt = new Date().toISOString();
    const levels: PlannedAppend[][] = [[], [], [], [], []];
    const fundLine = this.createFundLine(fund, fundIndex, occurredAt);
    levels[0].push(fundLine.append);
    const appropriated = this.appropriation(fundLine.created, fundLine.eventId, occurredAt);
    const province = this.allocateBelow(
      fund,
      fundIndex,
      provinceCode,
      provinceFinance,
      occurredAt,
      appropriated,
    );
    levels[1].push(province.append);
    for (const sent of province.sent) {
      const prefecture = this.allocateBelow(
        fund,
        fundIndex,
        sent.to,
        financeOf(sent.to),
        occurredAt,
        this.receipt(fund, sent, occurredAt),
      );
      levels[2].push(prefecture.append);
      for (const toCounty of prefecture.sent) {
        const county = this.allocateBelow(
          fund,
          fundIndex,
          toCounty.to,
          financeOf(toCounty.to),
          occurredAt,
          this.receipt(fund, toCounty, occurredAt),
        );
        levels[3].push(county.append);
        for (const toTownship of county.sent)
          levels[4].push(this.finish(this.receipt(fund, toTownship, occurredAt)));
      }
    }
    // Pools are kept fund by fund, so the funds set up so far own a prefix of them.
    this.activePools = Math.max(this.activePools, (fundIndex + 1) * this.townships.length);
    return levels;
  }

  /**
   * The next append, at most `eventsMax` events: a pool's follow-up that fell due (its
   * approver's decisions, or later the bank's settlements), else a new roster of up to
   * `rosterMax` requests at a random idle pool (plus any returns that fell due there).
   */
  nextAppend(eventsMax: number, rosterMax: number): PlannedAppend {
    if (!(eventsMax >= 1)) throw new RangeError(`eventsMax must be at least 1, got ${eventsMax}`);
    this.appendCount += 1;
    const slot = this.followUps[this.appendCount % this.followUps.length];
    this.due.push(...slot.splice(0));
    // Follow-ups first, so rosters do not pile up undecided; a pool short of money writes
    // nothing for a roster this time, and another is tried.
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      const followUp = this.due.shift();
      const pool = followUp ?? this.pickIdlePool();
      const emitted = followUp
        ? this.followUp(pool, eventsMax)
        : this.roster(pool, eventsMax, rosterMax);
      if (emitted.length > 0) return this.finish(emitted);
    }
    throw new Error(
      'no township pool has money left: the budgets are too small for this many events',
    );
  }

  /** The pool's next phase: its decisions, else its settlements. What does not fit waits for the next turn. */
  private followUp(pool: TownshipPool, eventsMax: number): Emitted[] {
    const occurredAt = new Date().toISOString();
    const emitted: Emitted[] = [];
    if (pool.awaitingDecision.length > 0) {
      for (const transferId of pool.awaitingDecision.splice(0, eventsMax))
        emitted.push(...this.decide(pool, transferId, occurredAt));
    } else {
      for (const transferId of pool.awaitingSettlement.splice(0, eventsMax))
        emitted.push(...this.settle(pool, transferId, occurredAt));
    }
    this.scheduleFollowUp(pool);
    return emitted;
  }

  /** Returns that fell due, then a new roster of requests. */
  private roster(pool: TownshipPool, eventsMax: number, rosterMax: number): Emitted[] {
    const occurredAt = new Date().toISOString();
    const emitted: Emitted[] = [];
    for (const due of pool.returnsDue.splice(0, eventsMax - 1))
      emitted.push(...this.giveBack(pool, due, occurredAt));
    const size = Math.min(eventsMax - emitted.length, 1 + Math.floor(this.random() * rosterMax));
    for (let i = 0; i < size; i += 1) emitted.push(...this.request(pool, occurredAt));
    pool.busy = true;
    this.scheduleFollowUp(pool);
    return emitted;
  }

  private scheduleFollowUp(pool: TownshipPool): void {
    if (pool.awaitingDecision.length === 0 && pool.awaitingSettlement.length === 0) {
      pool.busy = false;
      return;
    }
    const delay =
      followUpDelayMin + Math.floor(this.random() * (followUpDelayMax - followUpDelayMin));
    this.followUps[(this.appendCount + delay) % this.followUps.length].push(pool);
  }

  // ---------------------------------------------------------------------------------------------
  // Set-up

  private loadTownships(): Township[] {
    const townships: Township[] = [];
    for (const prefecture of this.registry.childrenOf(provinceCode)) {
      for (const county of this.registry.childrenOf(prefecture.code)) {
        for (const division of this.registry.childrenOf(county.code)) {
          const weight = 0.25 + 1.5 * this.random();
          townships.push({
            index: townships.length,
            division,
            countyCode: county.code,
            villages: this.registry.childrenOf(division.code).map((village) => village.code),
            weight,
            households: 300 + Math.floor(900 * weight),
          });
        }
      }
    }
    return townships;
  }

  /**
   * Pools, their pick weights, and budgets: each township pool gets enough for what it is
   * expected to pay with a wide margin, and every level above keeps a little back, so there are
   * balances at every level, as there are in practice.
   */
  private planPools(plannedEvents: number): void {
    const townshipWeightTotal = this.townships.reduce((sum, township) => sum + township.weight, 0);
    const disbursements = plannedEvents / eventsPerDisbursement;
    let total = 0;
    for (const [fundIndex, fund] of funds.entries()) {
      const budgets = new Map<string, bigint>();
      const fundFraction = expectedFraction(fundIndex);
      for (const township of this.townships) {
        const expected = (disbursements * fundFraction * township.weight) / townshipWeightTotal;
        budgets.set(
          township.division.code,
          BigInt(Math.ceil((expected * 1.5 + 10) * fund.amountYuan[1])) * 100n,
        );
        this.pools.push({
          fund,
          township,
          streamName: poolStreamName(fund.fundId, township.division.code),
          allocationRef: allocationId(fund, township.division.code),
          awaitingDecision: [],
          awaitingSettlement: [],
          busy: false,
          returnsDue: [],
          nextSequence: 0,
        });
        total += fund.share * township.weight;
        this.cumulative.push(total);
      }
      // Each level above sends its children's budgets down and keeps 2 % back.
      for (const length of [6, 4, 2]) {
        const sums = new Map<string, bigint>();
        for (const [code, budget] of budgets) {
          if (code.length === length + (length === 6 ? 3 : 2))
            sums.set(code.slice(0, length), (sums.get(code.slice(0, length)) ?? 0n) + budget);
        }
        for (const [code, sum] of sums) budgets.set(code, sum + sum / 50n);
      }
      this.budgetsFen.push(budgets);
    }
  }

  private createFundLine(
    fund: FundPlan,
    fundIndex: number,
    occurredAt: string,
  ): { append: PlannedAppend; created: FundLineCreated; eventId: string } {
    const command: CreateFundLine = {
      type: 'CreateFundLine',
      fundId: fund.fundId,
      name: fund.name,
      fiscalYear: fund.fiscalYear,
      purposeCategory: fund.purposeCategory,
      source: fund.source,
      appropriation: {
        divisionCode: provinceCode,
        amountFen: this.budgetBelow(fundIndex, provinceCode),
      },
      actor: provinceFinance,
      occurredAt,
    };
    const [created] = fundLineDecider.decide(command, fundLineDecider.initialState());
    const event = {
      eventId: randomUUID(),
      type: created.type,
      data: { ...created.data },
      metadata: commandMetadata(command, newIds()),
    };
    const streamName = fundStreamName(fund.fundId);
    this.revisions.set(streamName, 0n);
    return {
      append: { streamName, events: [event], expectedRevision: 'no_stream' },
      created,
      eventId: event.eventId,
    };
  }

  /** What the fund-line runner does after `FundLineCreated`: the appropriation on the province's pool. */
  private appropriation(
    created: FundLineCreated,
    createdEventId: string,
    occurredAt: string,
  ): Emitted[] {
    return this.run(appropriateFundsFor(created, provinceFinance, occurredAt), {
      commandId: `appropriate/${createdEventId}`,
      correlationId: createdEventId,
      causationId: createdEventId,
    });
  }

  /** The pool at `code` sends each child its budget (plus whatever `before` holds, written first). */
  private allocateBelow(
    fund: FundPlan,
    fundIndex: number,
    code: string,
    actor: Actor,
    occurredAt: string,
    before: Emitted[],
  ): { append: PlannedAppend; sent: Sent[] } {
    const emitted = [...before];
    const sent: Sent[] = [];
    for (const child of this.registry.childrenOf(code)) {
      const amountFen = this.budgetBelow(fundIndex, child.code);
      const transferId = allocationId(fund, child.code);
      const events = this.run(
        {
          type: 'SendAllocation',
          fundId: fund.fundId,
          divisionCode: code,
          transferId,
          toDivisionCode: child.code,
          amountFen,
          targetIsDirectChild: true,
          actor,
          occurredAt,
        },
        newIds(),
      );
      emitted.push(...events);
      sent.push({ from: code, to: child.code, transferId, amountFen, event: events[0].event });
    }
    return { append: this.finish(emitted), sent };
  }

  /** What the relay writes for an `AllocationSent`: the child's `AllocationReceived`. */
  private receipt(fund: FundPlan, sent: Sent, occurredAt: string): Emitted[] {
    return this.run(
      {
        type: 'ReceiveAllocation',
        fundId: fund.fundId,
        divisionCode: sent.to,
        transferId: sent.transferId,
        fromDivisionCode: sent.from,
        amountFen: sent.amountFen,
        actor: relayActor,
        occurredAt,
      },
      {
        commandId: `relay/${sent.event.eventId}`,
        correlationId: sent.event.metadata['correlationId'] as string,
        causationId: sent.event.eventId,
      },
    );
  }

  /** A division's budget for a fund (see `planPools`). */
  private budgetBelow(fundIndex: number, code: string): bigint {
    const budget = this.budgetsFen[fundIndex].get(code);
    if (budget === undefined) throw new Error(`invariant: no budget for ${code}`);
    return budget;
  }

  // ---------------------------------------------------------------------------------------------
  // Disbursements

  /**
   * A random pool with no roster in progress, busy townships more often. Should every pool
   * tried be busy, one gets a second roster: its follow-ups then simply handle more.
   */
  private pickIdlePool(): TownshipPool {
    let pool = this.pickPool();
    for (let attempt = 0; pool.busy && attempt < 100; attempt += 1) pool = this.pickPool();
    return pool;
  }

  private pickPool(): TownshipPool {
    if (this.activePools === 0) throw new Error('no fund line is set up yet');
    const target = this.random() * this.cumulative[this.activePools - 1];
    let low = 0;
    let high = this.activePools - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return this.pools[low];
  }

  private request(pool: TownshipPool, occurredAt: string): Emitted[] {
    const [minYuan, maxYuan] = pool.fund.amountYuan;
    // Subsidies are whole hundreds of yuan.
    const amountFen =
      BigInt(Math.round((minYuan + this.random() * (maxYuan - minYuan)) / 100) * 100) * 100n;
    const state = this.states.get(pool.streamName);
    if (state === undefined || state.balanceFen < amountFen) return [];
    pool.nextSequence += 1;
    const code = pool.township.division.code;
    const transferId = `ds-${pool.fund.fundId}-${code}-${String(pool.nextSequence).padStart(5, '0')}`;
    const events = this.run(
      {
        type: 'RequestDisbursement',
        fundId: pool.fund.fundId,
        divisionCode: code,
        transferId,
        beneficiary: this.beneficiary(pool),
        amountFen,
        allocationRef: pool.allocationRef,
        purpose: pool.fund.purpose,
        actor: financeOf(code),
        occurredAt,
      },
      newIds(),
    );
    pool.awaitingDecision.push(transferId);
    return events;
  }

  private decide(pool: TownshipPool, transferId: string, occurredAt: string): Emitted[] {
    const base = {
      fundId: pool.fund.fundId,
      divisionCode: pool.township.division.code,
      transferId,
      actor: approverOf(pool.township.division.code),
      occurredAt,
    };
    if (this.random() < rejectRate) {
      return this.run(
        { type: 'RejectDisbursement', ...base, reason: this.pick(rejectReasons) },
        newIds(),
      );
    }
    pool.awaitingSettlement.push(transferId);
    return this.run({ type: 'ApproveDisbursement', ...base }, newIds());
  }

  private settle(pool: TownshipPool, transferId: string, occurredAt: string): Emitted[] {
    const base = {
      type: 'SettleDisbursement' as const,
      fundId: pool.fund.fundId,
      divisionCode: pool.township.division.code,
      transferId,
      actor: bankActor,
      occurredAt,
    };
    if (this.random() < failRate)
      return this.run(
        { ...base, outcome: 'failed', failureReason: this.pick(failReasons) },
        newIds(),
      );
    const events = this.run(
      {
        ...base,
        outcome: 'paid',
        bankReference: `BK${transferId.slice(-14).replace(/-/g, '')}${mix(pool.nextSequence) % 10_000}`,
      },
      newIds(),
    );
    if (this.random() < returnRate)
      pool.returnsDue.push({
        transferId,
        amountFen: BigInt(events[0].event.data['amountFen'] as string),
      });
    return events;
  }

  /** A reversal (the bank sent the money back) or a recovery (追回, half or all of it). */
  private giveBack(
    pool: TownshipPool,
    due: { transferId: string; amountFen: bigint },
    occurredAt: string,
  ): Emitted[] {
    const code = pool.township.division.code;
    const base = {
      fundId: pool.fund.fundId,
      divisionCode: code,
      originalTransferId: due.transferId,
      occurredAt,
    };
    if (this.random() < reversalShare) {
      return this.run(
        {
          type: 'ReverseTransfer',
          ...base,
          transferId: `rv-${due.transferId}`,
          reason: '银行退回',
          actor: financeOf(code),
        },
        newIds(),
      );
    }
    const amountFen = this.random() < 0.5 ? due.amountFen : due.amountFen / 2n;
    const commission: Actor = {
      id: `jw-${pool.township.countyCode}-01`,
      role: 'commission',
      division: pool.township.countyCode,
    };
    return this.run(
      {
        type: 'RecoverFunds',
        ...base,
        transferId: `rc-${due.transferId}`,
        amountFen,
        reason: '冒领追回',
        actor: commission,
      },
      newIds(),
    );
  }

  /** A household (or student, or project) of the township; the same ones are paid again and again. */
  private beneficiary(pool: TownshipPool): Beneficiary {
    const township = pool.township;
    const number = Math.floor(this.random() * township.households);
    const hash = mix(township.index * 100_003 + number);
    const village =
      township.villages.length > 0
        ? township.villages[number % township.villages.length]
        : township.division.code;
    const name = `${surnames[hash % surnames.length]}${givenNames[(hash >>> 8) % givenNames.length]}`;
    if (pool.fund.beneficiaryKind === 'project') {
      return {
        kind: 'project',
        id: `pj-${township.division.code}-${String(number % 40).padStart(2, '0')}`,
        name: `${township.division.name}第${(number % 40) + 1}号村道硬化工程`,
      };
    }
    // Students are young; heads of households are adults. Days stop at 28 so every date exists.
    const year = pool.fund.beneficiaryKind === 'person' ? 2004 + (hash % 6) : 1945 + (hash % 60);
    const birth = `${year}${String(1 + ((hash >>> 4) % 12)).padStart(2, '0')}${String(1 + ((hash >>> 10) % 28)).padStart(2, '0')}`;
    const idNumber = makeIdNumber(
      township.countyCode,
      birth,
      String((hash >>> 16) % 1000).padStart(3, '0'),
    );
    const prefix = pool.fund.beneficiaryKind === 'person' ? 'st' : 'hh';
    return {
      kind: pool.fund.beneficiaryKind,
      id: `${prefix}-${village}-${String(number).padStart(4, '0')}`,
      name,
      idNumber,
      bankAccount: `6217${String(hash).padStart(10, '0')}${String(number).padStart(5, '0')}`,
    };
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)];
  }

  // ---------------------------------------------------------------------------------------------
  // Deciding and recording

  /** Decides against the pool's state and folds the events in, as the command runner does; a refusal throws. */
  private run(
    command: PoolCommand,
    ids: { commandId: string; correlationId: string; causationId?: string },
  ): Emitted[] {
    const streamName = poolStreamName(command.fundId, command.divisionCode);
    let state = this.states.get(streamName) ?? poolDecider.initialState();
    const metadata = commandMetadata(command, ids, poolCommandReason(command));
    const emitted = poolDecider.decide(command, state).map((event) => {
      state = poolDecider.evolve(state, event);
      return {
        streamName,
        event: {
          eventId: randomUUID(),
          type: event.type,
          data: { ...event.data },
          metadata,
        },
      };
    });
    this.states.set(streamName, state);
    return emitted;
  }

  /** One append of events of one stream, with the revision the stream had before them. */
  private finish(emitted: Emitted[]): PlannedAppend {
    const streamName = emitted[0].streamName;
    const previous = this.revisions.get(streamName);
    this.revisions.set(streamName, (previous ?? -1n) + BigInt(emitted.length));
    return {
      streamName,
      events: emitted.map((item) => item.event),
      expectedRevision: previous ?? 'no_stream',
    };
  }
}

interface Emitted {
  streamName: string;
  event: EventToAppend;
}

interface Sent {
  from: string;
  to: string;
  transferId: string;
  amountFen: bigint;
  event: EventToAppend;
}

/**
 * The fraction of all disbursements fund `k` pays when the bulk is spread evenly over the
 * periods after each fund line's set-up, each period's picks shared by the funds set up so far.
 */
function expectedFraction(k: number): number {
  let fraction = 0;
  for (let period = k; period < funds.length; period += 1) {
    const activeShare = funds.slice(0, period + 1).reduce((sum, fund) => sum + fund.share, 0);
    fraction += funds[k].share / activeShare / funds.length;
  }
  return fraction;
}

function newIds(): { commandId: string; correlationId: string } {
  const id = randomUUID();
  return { commandId: id, correlationId: id };
}

function allocationId(fund: FundPlan, toCode: string): string {
  return `al-${fund.fundId}-${toCode}`;
}

function financeOf(code: string): Actor {
  return { id: `fin-${code}-01`, role: 'finance', division: code };
}

function approverOf(code: string): Actor {
  return { id: `apr-${code}-01`, role: 'approver', division: code };
}
