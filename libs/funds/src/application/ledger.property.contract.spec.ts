// Proves, on a real PostgreSQL with the allocation relay running, that random, partly concurrent and repeated ledger commands through the application layer never drive a pool negative, conserve the appropriation, pair every AllocationSent with exactly one AllocationReceived, are refused only with expected domain errors that write nothing, and leave a log whose hash chain verifies.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { PostgresEventStore, verifyPostgresLog } from '@sunlight/event-store/postgres';
import { type CommandIds, type RecordedEvent } from '@sunlight/event-store';
import { AppError, type Actor } from '@sunlight/kernel';
import { loadDivisionRegistry } from '@sunlight/geo';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database';
import {
  appropriationTransferId,
  emptyTransferBook,
  InsufficientFundsError,
  InvalidTransferStateError,
  NotADirectChildError,
  RecoveryExceedsOutstandingError,
  SelfApprovalError,
  TransferConflictError,
  TransferIdTakenError,
  TransferKindMismatchError,
  TransferNotFoundError,
  transferEntries,
  type Beneficiary,
  type DisbursementStatus,
  type PoolCommand,
  type PoolState,
  type TransferEntry,
} from '../domain';
import { booksOf } from '../testing';
import { allocationRelayActor } from './funds.processor';
import { startFundsApplication, type FundsApplication } from './testing/funds-application';

const runCount = 40;
const stepsMin = 10;
const stepsMax = 40;
const batchSizeMax = 5;
/** How long the relay may take to deliver everything a run sent, once the run's commands are done. */
const relayCatchUpMsMax = 20_000;
const propertyTimeMsMax = 240_000;
const testTimeoutMs = propertyTimeMsMax + 60_000;

// A small real tree: 53 → 5303 → 530325 → two townships, and 53 → 5301 → one county.
const province = '53';
const tree = ['53', '5303', '5301', '530325', '530102', '530325001', '530325102'] as const;
const occurredAt = '2024-03-01T08:00:00+08:00';

const people: readonly Actor[] = [
  { id: 'u-maker-li', role: 'county_finance', division: '530325' },
  { id: 'u-maker-wang', role: 'county_finance', division: '530325' },
  { id: 'u-checker-zhao', role: 'county_finance', division: '530325' },
];
const bank: Actor = { id: 'system:bank-gateway', role: 'system', division: '' };
const beneficiaries: readonly Beneficiary[] = [
  {
    kind: 'household',
    id: 'household-5303251000010001',
    name: '张三',
    bankAccount: '6228480000000000001',
  },
  { kind: 'person', id: 'person-5303251000010002', name: '李四', idNumber: '53032519800101001X' },
  { kind: 'project', id: 'project-fy-road-01', name: '富源县村道硬化一期' },
];

/** Refusals the domain is allowed to give these commands; anything else, domain error or not, fails the run. */
const expectedRefusals = [
  InsufficientFundsError,
  SelfApprovalError,
  InvalidTransferStateError,
  TransferConflictError,
  NotADirectChildError,
  RecoveryExceedsOutstandingError,
  TransferNotFoundError,
  TransferKindMismatchError,
  TransferIdTakenError,
] as const;
type RefusalClass = (typeof expectedRefusals)[number];

/**
 * A transfer id reused with other content is refused as a conflict by the pool's decider, or, when
 * the id also lives in another pool (an allocation's receiving side), before it reaches the pool.
 */
function refusedAs(error: unknown, refusal: RefusalClass): boolean {
  if (error instanceof refusal) return true;
  return refusal === TransferConflictError && error instanceof TransferIdTakenError;
}

// ---------------------------------------------------------------------------------------------
// What is generated: abstract operations, resolved against the pools' states just before the step
// so that most of them name real transfers and real balances.

/** `funded` prefers a pool that has money; `n` picks among the candidates. */
interface PoolPick {
  readonly funded: boolean;
  readonly n: number;
}
/** `anyStatus` picks a disbursement whatever its status, so that invalid transitions are tried too. */
interface DisbursementPick {
  readonly n: number;
  readonly anyStatus: boolean;
}

type Op =
  | {
      readonly kind: 'allocate';
      readonly from: PoolPick;
      readonly toChild: boolean;
      readonly to: number;
      readonly sharePermille: number;
      readonly overdraw: boolean;
    }
  | {
      readonly kind: 'request';
      readonly at: PoolPick;
      readonly sharePermille: number;
      readonly overdraw: boolean;
      readonly requester: number;
      readonly beneficiary: number;
      readonly linked: boolean;
    }
  | {
      readonly kind: 'approve';
      readonly target: DisbursementPick;
      readonly byRequester: boolean;
      readonly approver: number;
    }
  | { readonly kind: 'reject'; readonly target: DisbursementPick; readonly rejecter: number }
  | {
      readonly kind: 'settle';
      readonly target: DisbursementPick;
      readonly outcome: 'paid' | 'failed';
    }
  | { readonly kind: 'reverse'; readonly target: DisbursementPick }
  | {
      readonly kind: 'recover';
      readonly target: DisbursementPick;
      readonly sharePermille: number;
      readonly exceed: boolean;
    }
  | { readonly kind: 'resend'; readonly n: number; readonly sameCommandId: boolean }
  | { readonly kind: 'conflict'; readonly n: number; readonly otherKind: boolean };

/** In a batch, `twin` runs a copy of the batch's previous command at the same time as it. */
type BatchOp = Op | { readonly kind: 'twin'; readonly sameCommandId: boolean };

interface Batched {
  readonly op: BatchOp;
  /** Acts on the batch's focus pool, so that concurrent commands meet on the same streams. */
  readonly onFocus: boolean;
}

type Step =
  | { readonly mode: 'one'; readonly op: Op }
  | { readonly mode: 'batch'; readonly focus: PoolPick; readonly ops: readonly Batched[] };

/** True once in `outOf` draws. */
const oneIn = (outOf: number) =>
  fc.oneof(
    { weight: outOf - 1, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  );
const mostly = (outOf: number) => oneIn(outOf).map((rare) => !rare);
const kind = <K extends string>(name: K) => fc.constant(name);
const poolPick: fc.Arbitrary<PoolPick> = fc.record({ funded: mostly(5), n: fc.nat(99) });
const disbursementPick: fc.Arbitrary<DisbursementPick> = fc.record({
  n: fc.nat(99),
  anyStatus: oneIn(6),
});
const sharePermille = fc.integer({ min: 1, max: 1000 });
const person = fc.nat(people.length - 1);
const settlement = fc.oneof(
  { weight: 3, arbitrary: fc.constant('paid' as const) },
  { weight: 1, arbitrary: fc.constant('failed' as const) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: kind('allocate'),
      from: poolPick,
      toChild: mostly(8),
      to: fc.nat(99),
      sharePermille,
      overdraw: oneIn(8),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: kind('request'),
      at: poolPick,
      sharePermille,
      overdraw: oneIn(8),
      requester: person,
      beneficiary: fc.nat(beneficiaries.length - 1),
      linked: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: kind('approve'),
      target: disbursementPick,
      byRequester: oneIn(5),
      approver: person,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: kind('reject'), target: disbursementPick, rejecter: person }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: kind('settle'), target: disbursementPick, outcome: settlement }),
  },
  { weight: 2, arbitrary: fc.record({ kind: kind('reverse'), target: disbursementPick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: kind('recover'),
      target: disbursementPick,
      sharePermille,
      exceed: oneIn(5),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: kind('resend'), n: fc.nat(999), sameCommandId: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: kind('conflict'), n: fc.nat(999), otherKind: oneIn(3) }),
  },
);
const batchOp: fc.Arbitrary<BatchOp> = fc.oneof(
  { weight: 5, arbitrary: op },
  { weight: 1, arbitrary: fc.record({ kind: kind('twin'), sameCommandId: fc.boolean() }) },
);
// Steps do not shrink: a failure shrinks to a shorter list of whole steps, which is what a reader needs.
const step: fc.Arbitrary<Step> = fc.noShrink(
  fc.oneof(
    { weight: 3, arbitrary: op.map((one): Step => ({ mode: 'one', op: one })) },
    {
      weight: 1,
      arbitrary: fc.record({
        mode: kind('batch'),
        focus: poolPick,
        ops: fc.array(fc.record({ op: batchOp, onFocus: mostly(4) }), {
          minLength: 2,
          maxLength: batchSizeMax,
        }),
      }),
    },
  ),
);
const scenario = fc.record({
  appropriationFen: fc.bigInt({ min: 10_000n, max: 10_000_000_000n }),
  steps: fc.array(step, { minLength: stepsMin, maxLength: stepsMax }),
});

// ---------------------------------------------------------------------------------------------
// What is observed: each pool's state through the runner, and its events straight from the store.

interface PoolView {
  readonly division: string;
  readonly state: PoolState;
  readonly revision: bigint | undefined;
  /** The pool's events up to `revision`, so that state and events describe the same moment. */
  readonly events: readonly RecordedEvent[];
}

interface LedgerView {
  readonly pools: ReadonlyMap<string, PoolView>;
  /** Sent and not yet received, by transferId. */
  readonly inTransit: ReadonlyMap<string, { readonly to: string; readonly amountFen: bigint }>;
}

interface Planned {
  readonly command: PoolCommand;
  readonly ids: CommandIds;
  /** What must happen: a replay of an accepted command (same outcome event), or one refusal. */
  readonly expect?: { readonly replayOf: string } | { readonly refusal: RefusalClass };
  readonly twinOf?: number;
}

type Outcome =
  | { readonly accepted: true; readonly replayed: boolean; readonly eventId: string }
  | { readonly accepted: false; readonly error: AppError };

interface HistoryEntry {
  readonly command: PoolCommand;
  readonly ids: CommandIds;
  readonly outcome: Outcome;
}

/** Commands that start a new transfer, whose transferId a conflict may reuse. */
const newTransferTypes = [
  'AppropriateFunds',
  'SendAllocation',
  'RequestDisbursement',
  'ReverseTransfer',
  'RecoverFunds',
] as const;
type NewTransferCommand = Extract<PoolCommand, { type: (typeof newTransferTypes)[number] }>;

function isNewTransfer(command: PoolCommand): command is NewTransferCommand {
  return (newTransferTypes as readonly string[]).includes(command.type);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const fen = (text: unknown): bigint => BigInt(text as string);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the funds ledger on PostgreSQL under random, concurrent and repeated commands', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let funds: FundsApplication;
  const children = new Map<string, string[]>();
  let runNumber = 0;

  beforeAll(async () => {
    const registry = loadDivisionRegistry();
    for (const parent of tree)
      children.set(
        parent,
        tree.filter((child) => registry.isDirectChild(parent, child)),
      );
    // The shape the generator relies on; a change to the registry data should fail here, not as noise below.
    expect(Object.fromEntries(children)).toEqual({
      '53': ['5303', '5301'],
      '5303': ['530325'],
      '5301': ['530102'],
      '530325': ['530325001', '530325102'],
      '530102': [],
      '530325001': [],
      '530325102': [],
    });
    databaseUrl = await createTestDatabase(process.env.SUNLIGHT_TEST_PG_ADMIN_URL!, 'ledger_prop');
    store = await PostgresEventStore.open({ connectionString: databaseUrl, pollIntervalMs: 100 });
    funds = await startFundsApplication(store);
  });

  afterAll(async () => {
    await funds?.close();
    await store?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  /** One pool at one moment: the runner's state, and the stream's events up to the same revision. */
  async function viewPool(fundId: string, division: string): Promise<PoolView> {
    const { state, revision } = await funds.poolState(fundId, division);
    const streamName = `pool-${fundId}.${division}`;
    const events =
      revision === undefined
        ? []
        : await collect(store.readStream(streamName, { maxCount: Number(revision) + 1 }));
    return { division, state, revision, events };
  }

  /**
   * Folds every pool of the fund and checks invariants 1 and 2. Only the relay may be writing
   * meanwhile, and it only moves money from in transit into a child's balance, so each pool's
   * state and its own received events, taken together, see that move on one side or the other.
   */
  async function observe(
    fundId: string,
    appropriationFen: bigint,
    where: string,
  ): Promise<LedgerView> {
    const pools = new Map<string, PoolView>();
    for (const view of await Promise.all(tree.map((division) => viewPool(fundId, division))))
      pools.set(view.division, view);

    const sent = new Map<string, { from: string; to: string; amountFen: bigint }>();
    const received = new Map<string, { from: string; to: string; amountFen: bigint }>();
    let heldFen = 0n;
    for (const view of pools.values()) {
      const { state } = view;
      // 1. No pool is ever negative.
      if (state.balanceFen < 0n || state.reservedFen < 0n) {
        throw new Error(
          `${where}: pool ${view.division} is negative: balance ${state.balanceFen}, reserved ${state.reservedFen}`,
        );
      }
      // The runner's state (cache, snapshot and tail) must be the fold of what the log holds.
      const totals = totalsOf(view.events);
      const fromState = {
        receivedFen: state.receivedFen,
        sentFen: state.sentFen,
        reservedFen: state.reservedFen,
        disbursedFen: state.disbursedFen,
        reversedFen: state.reversedFen,
        recoveredFen: state.recoveredFen,
        balanceFen: state.balanceFen,
      };
      if (
        Object.entries(totals).some(
          ([key, value]) => fromState[key as keyof typeof fromState] !== value,
        )
      ) {
        throw new Error(
          `${where}: pool ${view.division} state ${show(fromState)} disagrees with its events ${show(totals)}`,
        );
      }
      for (const event of view.events) {
        const { transferId, toDivisionCode, fromDivisionCode, amountFen } = event.data;
        if (event.type === 'AllocationSent') {
          sent.set(transferId as string, {
            from: view.division,
            to: toDivisionCode as string,
            amountFen: fen(amountFen),
          });
        } else if (event.type === 'AllocationReceived') {
          received.set(transferId as string, {
            from: fromDivisionCode as string,
            to: view.division,
            amountFen: fen(amountFen),
          });
        }
      }
      heldFen +=
        state.balanceFen +
        state.reservedFen +
        state.disbursedFen -
        state.reversedFen -
        state.recoveredFen;
    }
    for (const [transferId, arrival] of received) {
      const departure = sent.get(transferId);
      const matches =
        departure !== undefined &&
        departure.from === arrival.from &&
        departure.to === arrival.to &&
        departure.amountFen === arrival.amountFen;
      if (!matches) {
        throw new Error(
          `${where}: AllocationReceived ${transferId} ${show(arrival)} matches no AllocationSent (${show(departure)})`,
        );
      }
    }
    const inTransit = new Map<string, { to: string; amountFen: bigint }>();
    let inTransitFen = 0n;
    for (const [transferId, departure] of sent) {
      if (received.has(transferId)) continue;
      inTransit.set(transferId, departure);
      inTransitFen += departure.amountFen;
    }
    // 2. Money is conserved: what the pools hold, what was paid out net of returns, and what is on its way.
    if (heldFen + inTransitFen !== appropriationFen) {
      throw new Error(
        `${where}: pools hold ${heldFen} fen (with what was paid out, net) + ${inTransitFen} in transit` +
          ` != appropriation ${appropriationFen}`,
      );
    }
    return { pools, inTransit };
  }

  /** Waits until the relay has received everything the fund sent, then checks conservation with nothing in transit. */
  async function awaitRelay(fundId: string, appropriationFen: bigint): Promise<void> {
    const deadline = Date.now() + relayCatchUpMsMax;
    for (;;) {
      const view = await observe(fundId, appropriationFen, 'after the run');
      if (view.inTransit.size === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the relay did not deliver ${[...view.inTransit.keys()].join(', ')} within ${relayCatchUpMsMax} ms`,
        );
      }
      await sleep(50);
    }
  }

  /** Invariant 3 over the whole log, plus maker-checker and "a transferId is one transfer per pool". */
  async function checkWholeLog(fundId: string): Promise<void> {
    const all = await collect(store.readAll());
    const sent: RecordedEvent[] = [];
    const received: RecordedEvent[] = [];
    const onePerPool = new Set<string>();
    for (const event of all) {
      if (event.type === 'AllocationSent') sent.push(event);
      if (event.type === 'AllocationReceived') received.push(event);
      if (
        event.type === 'DisbursementApproved' &&
        event.data.approvedBy === event.data.requestedBy
      ) {
        throw new Error(
          `${event.data.requestedBy} approved their own disbursement ${event.data.transferId as string}`,
        );
      }
      if (event.streamName.startsWith('pool-')) {
        // Every event type records at most one fact per transfer in its pool, however often it was asked for.
        const key = `${event.streamName}|${event.type}|${event.data.transferId as string}`;
        if (onePerPool.has(key)) {
          throw new Error(
            `${event.type} ${event.data.transferId as string} written twice in ${event.streamName}`,
          );
        }
        onePerPool.add(key);
      }
    }
    const sameTransfer = (s: RecordedEvent, r: RecordedEvent) =>
      s.data.transferId === r.data.transferId &&
      s.data.fundId === r.data.fundId &&
      s.data.amountFen === r.data.amountFen &&
      s.data.divisionCode === r.data.fromDivisionCode &&
      s.data.toDivisionCode === r.data.divisionCode;
    for (const r of received) {
      const matches = sent.filter((s) => sameTransfer(s, r));
      if (
        matches.length !== 1 ||
        r.streamName !== `pool-${r.data.fundId as string}.${r.data.divisionCode as string}`
      ) {
        throw new Error(
          `AllocationReceived at ${r.position} in ${r.streamName} matches ${matches.length} AllocationSent`,
        );
      }
      if (!writtenByRelay(r))
        throw new Error(`AllocationReceived at ${r.position} was not written by the relay`);
    }
    for (const s of sent.filter((event) => event.data.fundId === fundId)) {
      const matches = received.filter((r) => sameTransfer(s, r));
      if (matches.length !== 1)
        throw new Error(`AllocationSent at ${s.position} has ${matches.length} AllocationReceived`);
    }
    const appropriations = all.filter(
      (event) => event.type === 'FundsAppropriated' && event.data.fundId === fundId,
    );
    if (appropriations.length !== 1)
      throw new Error(`fund ${fundId} was appropriated ${appropriations.length} times`);
  }

  async function runScenario({
    appropriationFen,
    steps,
  }: {
    appropriationFen: bigint;
    steps: readonly Step[];
  }): Promise<void> {
    runNumber += 1;
    const fundId = `ledger-${runNumber}-${randomBytes(3).toString('hex')}`;
    let commandCount = 0;
    let transferCount = 0;
    const nextIds = (): CommandIds => {
      commandCount += 1;
      const commandId = `${fundId}/c${commandCount}`;
      return { commandId, correlationId: commandId };
    };
    // Transfer ids are unique across the whole log, so each run's ids carry its fund id.
    const nextTransferId = (prefix: string) => `${fundId}.${prefix}${(transferCount += 1)}`;
    const history: HistoryEntry[] = [];
    const newTransfers: NewTransferCommand[] = [
      {
        type: 'AppropriateFunds',
        fundId,
        divisionCode: province,
        transferId: appropriationTransferId(fundId),
        amountFen: appropriationFen,
        actor: people[0],
        occurredAt,
      },
    ];

    await funds.createFundLine(
      {
        type: 'CreateFundLine',
        fundId,
        name: '产业发展资金（属性测试）',
        fiscalYear: 2024,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: province, amountFen: appropriationFen },
        actor: people[0],
        occurredAt,
      },
      nextIds(),
    );
    let view = await observe(fundId, appropriationFen, 'after the appropriation');

    const base = (division: string, actor: Actor, transferId: string) => ({
      fundId,
      divisionCode: division,
      transferId,
      actor,
      occurredAt,
    });

    function choosePool(pick: PoolPick, among: readonly string[] = tree): string {
      const funded = among.filter(
        (division) => (view.pools.get(division)?.state.balanceFen ?? 0n) > 0n,
      );
      const candidates = pick.funded && funded.length > 0 ? funded : among;
      return candidates[pick.n % candidates.length];
    }

    function amountOf(balanceFen: bigint, permille: number, overdraw: boolean): bigint {
      if (overdraw) return balanceFen + 1n + BigInt(permille);
      const share = (balanceFen * BigInt(permille)) / 1000n;
      return share > 0n ? share : 1n;
    }

    const actionable: Record<
      'approve' | 'reject' | 'settle' | 'reverse' | 'recover',
      DisbursementStatus
    > = {
      approve: 'requested',
      reject: 'requested',
      settle: 'approved',
      reverse: 'paid',
      recover: 'paid',
    };

    function chooseDisbursement(
      kind: keyof typeof actionable,
      pick: DisbursementPick,
      focus: string | undefined,
    ) {
      const all: {
        division: string;
        transferId: string;
        entry: Extract<TransferEntry, { kind: 'disbursement' }>;
      }[] = [];
      for (const pool of view.pools.values()) {
        for (const [transferId, entry] of transferEntries(pool.state.transfers)) {
          if (entry.kind === 'disbursement')
            all.push({ division: pool.division, transferId, entry });
        }
      }
      const fitting = pick.anyStatus
        ? all
        : all.filter((candidate) => candidate.entry.status === actionable[kind]);
      const focused = fitting.filter((candidate) => candidate.division === focus);
      const candidates = focused.length > 0 ? focused : fitting;
      return candidates.length === 0 ? undefined : candidates[pick.n % candidates.length];
    }

    /** Turns an abstract operation into a concrete command, or nothing when there is nothing for it to act on. */
    function plan(next: Op, sequential: boolean, focus: string | undefined): Planned | undefined {
      switch (next.kind) {
        case 'allocate': {
          const from =
            focus ??
            choosePool(
              next.from,
              tree.filter((division) => (children.get(division) ?? []).length > 0),
            );
          const directChildren = children.get(from) ?? [];
          const others = tree.filter((division) => !directChildren.includes(division));
          const toChild = next.toChild && directChildren.length > 0;
          const to = toChild
            ? directChildren[next.to % directChildren.length]
            : others[next.to % others.length];
          const balanceFen = view.pools.get(from)?.state.balanceFen ?? 0n;
          const command: PoolCommand = {
            type: 'SendAllocation',
            ...base(from, people[0], nextTransferId('a')),
            toDivisionCode: to,
            amountFen: amountOf(balanceFen, next.sharePermille, next.overdraw),
            targetIsDirectChild: children.get(from)?.includes(to) ?? false,
          };
          if (!toChild)
            return { command, ids: nextIds(), expect: { refusal: NotADirectChildError } };
          const noneIncoming = ![...view.inTransit.values()].some((move) => move.to === from);
          return {
            command,
            ids: nextIds(),
            ...(sequential && next.overdraw && noneIncoming
              ? { expect: { refusal: InsufficientFundsError } }
              : {}),
          };
        }
        case 'request': {
          const at = focus ?? choosePool(next.at);
          const pool = view.pools.get(at);
          const sources = transferEntries(
            pool?.state.transfers ?? emptyTransferBook<TransferEntry>(),
          ).filter(
            ([, entry]) => entry.kind === 'allocationReceived' || entry.kind === 'appropriation',
          );
          const allocationRef =
            next.linked && sources.length > 0
              ? sources[next.beneficiary % sources.length][0]
              : undefined;
          const command: PoolCommand = {
            type: 'RequestDisbursement',
            ...base(at, people[next.requester], nextTransferId('d')),
            beneficiary: beneficiaries[next.beneficiary],
            amountFen: amountOf(pool?.state.balanceFen ?? 0n, next.sharePermille, next.overdraw),
            ...(allocationRef === undefined ? {} : { allocationRef }),
            purpose: '产业奖补',
          };
          const noneIncoming = ![...view.inTransit.values()].some((move) => move.to === at);
          return {
            command,
            ids: nextIds(),
            ...(sequential && next.overdraw && noneIncoming
              ? { expect: { refusal: InsufficientFundsError } }
              : {}),
          };
        }
        case 'approve':
        case 'reject':
        case 'settle':
        case 'reverse':
        case 'recover': {
          const chosen = chooseDisbursement(next.kind, next.target, focus);
          if (chosen === undefined) return undefined;
          const { division, transferId, entry } = chosen;
          const requester = people.find((candidate) => candidate.id === entry.requestedBy);
          if (next.kind === 'approve') {
            const selfApproval = next.byRequester && requester !== undefined;
            const others = people.filter((candidate) => candidate.id !== entry.requestedBy);
            const approver = selfApproval ? requester : others[next.approver % others.length];
            return {
              command: { type: 'ApproveDisbursement', ...base(division, approver, transferId) },
              ids: nextIds(),
              // Nothing but this command touches the disbursement in a sequential step.
              ...(selfApproval && sequential ? { expect: { refusal: SelfApprovalError } } : {}),
            };
          }
          if (next.kind === 'reject') {
            return {
              command: {
                type: 'RejectDisbursement',
                ...base(division, people[next.rejecter], transferId),
                reason: '花名册信息与档案不符',
              },
              ids: nextIds(),
            };
          }
          if (next.kind === 'settle') {
            return {
              command: {
                type: 'SettleDisbursement',
                ...base(division, bank, transferId),
                ...(next.outcome === 'paid'
                  ? { outcome: 'paid', bankReference: `BK-${transferId}` }
                  : { outcome: 'failed', failureReason: '账户已销户' }),
              },
              ids: nextIds(),
            };
          }
          if (next.kind === 'reverse') {
            return {
              command: {
                type: 'ReverseTransfer',
                ...base(division, people[0], nextTransferId('rv')),
                originalTransferId: transferId,
                reason: '银行退回',
              },
              ids: nextIds(),
            };
          }
          const outstandingFen = entry.amountFen - entry.returnedFen;
          const exceed = next.exceed && entry.status === 'paid';
          const amountFen = exceed
            ? outstandingFen + BigInt(next.sharePermille)
            : amountOf(outstandingFen, next.sharePermille, false);
          return {
            command: {
              type: 'RecoverFunds',
              ...base(division, people[1], nextTransferId('rc')),
              originalTransferId: transferId,
              amountFen,
              reason: '冒领追回',
            },
            ids: nextIds(),
            ...(exceed && sequential
              ? { expect: { refusal: RecoveryExceedsOutstandingError } }
              : {}),
          };
        }
        case 'resend': {
          if (history.length === 0) return undefined;
          const original = history[next.n % history.length];
          return {
            command: original.command,
            ids: next.sameCommandId ? original.ids : nextIds(),
            ...(original.outcome.accepted
              ? { expect: { replayOf: original.outcome.eventId } }
              : {}),
          };
        }
        case 'conflict': {
          const original = newTransfers[next.n % newTransfers.length];
          return {
            command: conflicting(original, next.otherKind),
            ids: nextIds(),
            expect: { refusal: TransferConflictError },
          };
        }
      }
    }

    /** The same transferId in the same pool with other content: another amount, reason or kind. */
    function conflicting(original: NewTransferCommand, otherKind: boolean): PoolCommand {
      if (otherKind || original.type === 'AppropriateFunds') {
        const kind =
          original.type === 'RequestDisbursement' ? 'SendAllocation' : 'RequestDisbursement';
        if (kind === 'RequestDisbursement') {
          return {
            type: 'RequestDisbursement',
            ...base(original.divisionCode, people[2], original.transferId),
            beneficiary: beneficiaries[0],
            amountFen: 1n,
          };
        }
        const to = children.get(original.divisionCode)?.[0] ?? tree[0];
        return {
          type: 'SendAllocation',
          ...base(original.divisionCode, people[0], original.transferId),
          toDivisionCode: to,
          amountFen: 1n,
          targetIsDirectChild: true,
        };
      }
      switch (original.type) {
        case 'SendAllocation':
        case 'RequestDisbursement':
        case 'RecoverFunds':
          return { ...original, amountFen: original.amountFen + 1n };
        case 'ReverseTransfer':
          return { ...original, reason: `${original.reason}（重复）` };
      }
    }

    async function execute(planned: Planned): Promise<Outcome> {
      try {
        const outcome = await funds.run(planned.command, planned.ids);
        return { accepted: true, replayed: outcome.replayed, eventId: outcome.event.eventId };
      } catch (error) {
        if (
          error instanceof AppError &&
          expectedRefusals.some((refusal) => error instanceof refusal)
        ) {
          return { accepted: false, error };
        }
        const { type, transferId } = planned.command;
        throw new Error(`${type} ${transferId} failed unexpectedly: ${String(error)}`, {
          cause: error,
        });
      }
    }

    function record(planned: Planned, outcome: Outcome): void {
      history.push({ command: planned.command, ids: planned.ids, outcome });
      const { command } = planned;
      if (outcome.accepted && isNewTransfer(command)) newTransfers.push(command);
      const expectation = planned.expect;
      if (expectation === undefined) return;
      const label = `${command.type} ${command.divisionCode}/${command.transferId}`;
      if ('replayOf' in expectation) {
        if (!outcome.accepted || !outcome.replayed || outcome.eventId !== expectation.replayOf) {
          throw new Error(
            `resent ${label} was not a replay of ${expectation.replayOf}: ${describeOutcome(outcome)}`,
          );
        }
      } else if (outcome.accepted || !refusedAs(outcome.error, expectation.refusal)) {
        throw new Error(
          `${label} should have been refused with ${expectation.refusal.name}: ${describeOutcome(outcome)}`,
        );
      }
    }

    /** A refused or replayed command writes nothing: whatever its pool gained meanwhile came from the relay. */
    async function assertWroteNothing(
      planned: Planned,
      revisionBefore: bigint | undefined,
    ): Promise<void> {
      const { fundId: fund, divisionCode } = planned.command;
      const fromRevision = revisionBefore === undefined ? 0n : revisionBefore + 1n;
      const later = await collect(
        store.readStream(`pool-${fund}.${divisionCode}`, { fromRevision }),
      );
      const foreign = later.filter(
        (event) => event.type !== 'AllocationReceived' || !writtenByRelay(event),
      );
      if (foreign.length > 0) {
        const { type, transferId } = planned.command;
        throw new Error(
          `${type} ${transferId} wrote nothing by its answer, yet ${foreign.map((e) => e.type).join(', ')} appeared`,
        );
      }
    }

    for (const [index, current] of steps.entries()) {
      const where = `step ${index + 1}/${steps.length} (${current.mode})`;
      if (current.mode === 'one') {
        const planned = plan(current.op, true, undefined);
        if (planned !== undefined) {
          const [before] = await collect(
            store.readStream(`pool-${fundId}.${planned.command.divisionCode}`, {
              direction: 'backwards',
              maxCount: 1,
            }),
          );
          const outcome = await execute(planned);
          record(planned, outcome);
          if (!outcome.accepted || outcome.replayed)
            await assertWroteNothing(planned, before?.revision);
        }
      } else {
        const focus = choosePool(current.focus);
        const batch: Planned[] = [];
        for (const { op: next, onFocus } of current.ops) {
          if (next.kind === 'twin') {
            const previous = batch[batch.length - 1];
            if (previous === undefined) continue;
            batch.push({
              command: previous.command,
              ids: next.sameCommandId ? previous.ids : nextIds(),
              twinOf: batch.length - 1,
            });
            continue;
          }
          const planned = plan(next, false, onFocus ? focus : undefined);
          if (planned !== undefined) batch.push(planned);
        }
        const outcomes = await Promise.all(batch.map(execute));
        batch.forEach((planned, i) => record(planned, outcomes[i]));
        const acceptedCommandIds = new Set(
          batch.filter((_, i) => outcomes[i].accepted).map((planned) => planned.ids.commandId),
        );
        const written = new Set(
          [
            ...(
              await Promise.all(
                tree.map((division) => collect(store.readStream(`pool-${fundId}.${division}`))),
              )
            ).flat(),
          ].map((event) => event.metadata.commandId as string),
        );
        batch.forEach((planned, i) => {
          const outcome = outcomes[i];
          if (
            !outcome.accepted &&
            !acceptedCommandIds.has(planned.ids.commandId) &&
            written.has(planned.ids.commandId)
          ) {
            throw new Error(
              `${where}: refused ${planned.command.type} ${planned.command.transferId} wrote events nonetheless`,
            );
          }
          const twin = planned.twinOf === undefined ? undefined : outcomes[planned.twinOf];
          if (twin?.accepted && outcome.accepted && twin.eventId !== outcome.eventId) {
            const { type, transferId } = planned.command;
            throw new Error(
              `${where}: concurrent twins of ${type} ${transferId} answered with different events`,
            );
          }
        });
      }
      view = await observe(fundId, appropriationFen, where);
    }

    await awaitRelay(fundId, appropriationFen);
    await checkWholeLog(fundId);
    // 4. The hash chain over the whole log, relay writes and all, still verifies.
    const verification = await verifyPostgresLog({ connectionString: databaseUrl });
    if (!verification.ok)
      throw new Error(`the log does not verify: ${show(verification.firstBreak)}`);
  }

  it(
    'keeps pools non-negative, conserves the appropriation, pairs every allocation and verifies',
    async () => {
      await fc.assert(fc.asyncProperty(scenario, runScenario), {
        numRuns: runCount,
        interruptAfterTimeLimit: propertyTimeMsMax,
      });
    },
    testTimeoutMs,
  );
});

/** The reference books of a pool's events, in the shape the invariants compare. */
function totalsOf(events: readonly RecordedEvent[]) {
  const books = booksOf(events);
  return {
    receivedFen: books.receivedFen,
    sentFen: books.sentFen,
    reservedFen: books.reservedFen,
    disbursedFen: books.disbursedFen,
    reversedFen: books.reversedFen,
    recoveredFen: books.recoveredFen,
    balanceFen: books.balanceFen,
  };
}

function writtenByRelay(event: RecordedEvent): boolean {
  return (event.metadata.actor as Actor | undefined)?.id === allocationRelayActor.id;
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

function describeOutcome(outcome: Outcome): string {
  return outcome.accepted
    ? `accepted (replayed ${outcome.replayed}, event ${outcome.eventId})`
    : `refused with ${outcome.error.name}`;
}
