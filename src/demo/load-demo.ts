import { CommandBus } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  type CommandIds,
  type CommandOutcome,
  type EventStore,
  type EventStoreProbe,
} from '@sunlight/event-store';
import { CreateFundLineCommand, RunPoolCommand } from '@sunlight/funds/funds-application.module';
import {
  EXIT_CRITERIA,
  MONITORING_RULES,
  RunHouseholdCommand,
} from '@sunlight/households/households-application.module';
import {
  criteriaFor,
  monitoringRulesFor,
  type ExitCriteria,
  type ExitStep,
  type HouseholdCommand,
  type MonitoringRules,
} from '@sunlight/households';
import { parseYuanToFen } from './money';
import { AppError, type Actor } from '@sunlight/kernel';
import type { INestApplicationContext } from '@nestjs/common';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  demoCounty,
  demoIncomeYear,
  demoLaterIncomeYear,
  planDemoHouseholds,
  type DemoHousehold,
} from './demo-county';

/** Plans `count` households of the county from the app's division registry. */
export function planDemo(
  app: INestApplicationContext,
  count: number,
  seed: number,
): DemoHousehold[] {
  return planDemoHouseholds(app.get<DivisionRegistry>(DIVISION_REGISTRY), count, seed);
}

/*
 * Writes the demo county through the app's command bus, as the routes would: a fund line
 * appropriated at the province and allocated down the four levels (省 → 市 → 县 → 乡镇), the
 * households with their members, incomes, housing, helper, policies and industry projects,
 * the exit evaluation and procedure of those that meet the criteria, a few returns to poverty
 * and monitorings, and an industry subsidy requested, approved and paid to every household.
 */

export const demoFundId = 'yn-2018-cyfz-demo';
const province = '53';
const prefecture = '5303';
/** Households written at once; each household's own commands go in order. */
const householdsInFlight = 12;
/** How long a pool may wait for the funds processor to relay money sent to it. */
const relayWaitMs = 60_000;

export class DemoStoreNotEmptyError extends Error {
  override readonly name = 'DemoStoreNotEmptyError';
}

export interface DemoProgress {
  (done: number, total: number): void;
}

export interface DemoSummary {
  households: number;
  people: number;
  exited: number;
  paidYuan: string;
  commands: number;
}

const actors = {
  admin: { id: 'demo-admin', role: 'admin', division: province },
  county: { id: 'demo-county-finance', role: 'finance', division: demoCounty },
  approver: { id: 'demo-county-approver', role: 'approver', division: demoCounty },
  bank: { id: 'demo-bank', role: 'bank', division: demoCounty },
} satisfies Record<string, Actor>;
const villageClerk = (village: string): Actor => ({
  id: `demo-clerk-${village}`,
  role: 'village_staff',
  division: village,
});
const townshipClerk = (township: string): Actor => ({
  id: `demo-clerk-${township}`,
  role: 'village_staff',
  division: township,
});

export async function assertEmptyStore(app: INestApplicationContext): Promise<void> {
  const head = await app.get<EventStore & EventStoreProbe>(EVENT_STORE).headPosition();
  if (head !== undefined) {
    throw new DemoStoreNotEmptyError(
      `sunlight demo loads only into an empty event store, and this one already holds events (head at position ${head}); point DATABASE_URL at a new database`,
    );
  }
}

export async function loadDemo(
  app: INestApplicationContext,
  households: readonly DemoHousehold[],
  progress: DemoProgress = () => undefined,
): Promise<DemoSummary> {
  const bus = app.get(CommandBus);
  const exitCriteria: ExitCriteria | undefined = criteriaFor(
    app.get<ExitCriteria[]>(EXIT_CRITERIA),
    province,
    demoIncomeYear,
  );
  const monitoringRules: MonitoringRules | undefined = monitoringRulesFor(
    app.get<MonitoringRules[]>(MONITORING_RULES),
    province,
    demoLaterIncomeYear,
  );
  let sequence = 0;
  const ids = (key: string): CommandIds => {
    sequence += 1;
    return { commandId: `demo/${key}`, correlationId: `demo/${key}` };
  };
  const now = () => new Date().toISOString();

  const totalFen = households.reduce(
    (sum, household) => sum + parseYuanToFen(household.payment),
    0n,
  );
  await bus.execute(
    new CreateFundLineCommand(
      {
        type: 'CreateFundLine',
        fundId: demoFundId,
        name: '2018年财政专项扶贫资金（产业发展）',
        fiscalYear: demoIncomeYear,
        purposeCategory: '产业发展',
        source: '中央财政',
        appropriation: { divisionCode: province, amountFen: totalFen },
        actor: actors.admin,
        occurredAt: now(),
      },
      ids('fund-line'),
    ),
  );
  const send = async (from: string, to: string, amountFen: bigint): Promise<void> => {
    await untilRelayed(() =>
      bus.execute(
        new RunPoolCommand(
          {
            type: 'SendAllocation',
            fundId: demoFundId,
            divisionCode: from,
            transferId: `alloc-${to}`,
            toDivisionCode: to,
            amountFen,
            targetIsDirectChild: true,
            actor: { ...actors.admin, division: from },
            occurredAt: now(),
          },
          ids(`alloc-${to}`),
        ),
      ),
    );
  };
  await send(province, prefecture, totalFen);
  await send(prefecture, demoCounty, totalFen);
  const byTownship = new Map<string, bigint>();
  for (const household of households) {
    byTownship.set(
      household.townshipCode,
      (byTownship.get(household.townshipCode) ?? 0n) + parseYuanToFen(household.payment),
    );
  }
  for (const [township, amountFen] of byTownship) await send(demoCounty, township, amountFen);

  let done = 0;
  let exited = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < households.length) {
      const household = households[next] as DemoHousehold;
      next += 1;
      if (await writeHousehold(household)) exited += 1;
      done += 1;
      progress(done, households.length);
    }
  };

  const run = (command: HouseholdCommand, key: string): Promise<CommandOutcome> =>
    bus.execute(new RunHouseholdCommand(command, ids(`${command.householdId}/${key}`)));

  async function writeHousehold(household: DemoHousehold): Promise<boolean> {
    const { householdId } = household;
    const clerk = villageClerk(household.villageCode);
    const base = { householdId, actor: clerk, occurredAt: now() };
    await run(
      {
        ...base,
        type: 'RegisterHousehold',
        villageCode: household.villageCode,
        headName: household.headName,
        address: household.address,
        identificationStandard: '国家',
        attribute: household.attribute as never,
        mainCause: household.mainCause as never,
        otherCauses: household.otherCauses as never,
        bankName: '富源县农村信用合作联社',
        bankAccount: household.bankAccount,
        phone: household.phone,
        identifiedYear: household.identifiedYear,
        villageExists: true,
        villageGroupExists: true,
      },
      'register',
    );
    for (const member of household.members) {
      await run(
        { ...base, type: 'AddMember', ...member } as HouseholdCommand,
        `member-${member.idNumber}`,
      );
    }
    for (const [index, income] of household.incomes.entries()) {
      await run(
        {
          ...base,
          type: 'RecordIncome',
          recordId: `${demoIncomeYear}-${index}`,
          year: demoIncomeYear,
          incomeType: income.incomeType as never,
          amountFen: parseYuanToFen(income.amount),
        },
        `income-${index}`,
      );
    }
    await run(
      {
        ...base,
        type: 'RecordIncome',
        recordId: `${demoLaterIncomeYear}-w`,
        year: demoLaterIncomeYear,
        incomeType: '工资性',
        amountFen: parseYuanToFen(household.laterIncome) * BigInt(household.members.length),
      },
      'income-later',
    );
    await run(
      {
        ...base,
        type: 'AssessHousing',
        safety: household.housing,
        assessor: '县住建局 李工',
        assessedOn: '2018-05-20',
      },
      'housing',
    );
    await run({ ...base, type: 'AssignHelper', ...household.helper }, 'helper');
    if (household.medicalPolicy) {
      await run(
        {
          ...base,
          type: 'RecordPolicy',
          policy: '医疗',
          year: demoIncomeYear,
          description: '城乡居民基本医疗保险',
        },
        'policy-medical',
      );
    }
    if (household.industryProject !== undefined) {
      await run(
        {
          ...base,
          type: 'JoinIndustryProject',
          projectId: household.industryProject,
          joinedOn: '2018-03-15',
        },
        'project',
      );
    }
    const evaluation = await run(
      {
        ...base,
        type: 'EvaluateExit',
        evaluationId: `exit-${demoIncomeYear}`,
        year: demoIncomeYear,
        criteria: exitCriteria,
      },
      'evaluate',
    );
    const met = (evaluation.event.data as { met?: unknown }).met === true;
    if (met) {
      const township = townshipClerk(household.townshipCode);
      const steps: [ExitStep, Actor, { date: string; endDate?: string; evaluationId?: string }][] =
        [
          ['申请', clerk, { date: '2018-10-08', evaluationId: `exit-${demoIncomeYear}` }],
          ['村评议', clerk, { date: '2018-10-12' }],
          ['乡镇审核', township, { date: '2018-10-20' }],
          ['公示', clerk, { date: '2018-10-22', endDate: '2018-10-29' }],
          ['县审批', actors.county, { date: '2018-11-05' }],
        ];
      for (const [step, actor, fields] of steps) {
        await run(
          {
            ...base,
            actor,
            type: 'RecordExitStep',
            step: step as never,
            ...fields,
          } as HouseholdCommand,
          `step-${step}`,
        );
      }
      if (household.returns) {
        await run(
          {
            ...base,
            type: 'ReturnToPoverty',
            cause: household.mainCause as never,
            date: '2020-06-10',
          },
          'return',
        );
      }
    }
    if (household.monitoring !== undefined) {
      const exitedNow = met && !household.returns;
      await run(
        {
          ...base,
          type: 'StartMonitoring',
          monitoringId: `mon-${demoLaterIncomeYear}`,
          monitoringType: exitedNow ? '脱贫不稳定户' : '边缘易致贫户',
          riskTypes: [household.monitoring.riskType as never],
          measures: exitedNow ? ['产业帮扶', '就业帮扶'] : ['综合保障'],
          identifiedOn: `${demoLaterIncomeYear}-03-10`,
        },
        'monitoring',
      );
      if (household.monitoring.eliminated) {
        await run(
          {
            ...base,
            type: 'EliminateRisk',
            monitoringId: `mon-${demoLaterIncomeYear}`,
            eliminatedOn: `${demoLaterIncomeYear}-10-10`,
            rules: monitoringRules,
          },
          'risk-eliminated',
        );
      }
    }
    await pay(household);
    return met;
  }

  async function pay(household: DemoHousehold): Promise<void> {
    const transferId = `sub-${household.householdId}`;
    const pool = { fundId: demoFundId, divisionCode: household.townshipCode, transferId };
    await bus.execute(
      new RunPoolCommand(
        {
          ...pool,
          type: 'RequestDisbursement',
          beneficiary: {
            kind: 'household',
            id: household.householdId,
            name: household.headName,
            bankAccount: household.bankAccount,
          },
          amountFen: parseYuanToFen(household.payment),
          purpose: '产业扶持补助',
          actor: townshipClerk(household.townshipCode),
          occurredAt: now(),
        },
        ids(`${transferId}/request`),
      ),
    );
    await bus.execute(
      new RunPoolCommand(
        { ...pool, type: 'ApproveDisbursement', actor: actors.approver, occurredAt: now() },
        ids(`${transferId}/approve`),
      ),
    );
    await bus.execute(
      new RunPoolCommand(
        {
          ...pool,
          type: 'SettleDisbursement',
          outcome: 'paid',
          bankReference: `BR${household.bankAccount.slice(-8)}`,
          actor: actors.bank,
          occurredAt: now(),
        },
        ids(`${transferId}/settle`),
      ),
    );
  }

  await Promise.all(Array.from({ length: householdsInFlight }, worker));
  return {
    households: households.length,
    people: households.reduce((sum, household) => sum + household.members.length, 0),
    exited,
    paidYuan: formatFen(totalFen),
    commands: sequence,
  };
}

function formatFen(fen: bigint): string {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

/** Retries a command refused for want of money the funds processor has not relayed yet. */
async function untilRelayed(command: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + relayWaitMs;
  for (;;) {
    try {
      await command();
      return;
    } catch (error) {
      if (
        !(error instanceof AppError) ||
        error.code !== 'FUNDS.INSUFFICIENT_FUNDS' ||
        Date.now() > deadline
      ) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
