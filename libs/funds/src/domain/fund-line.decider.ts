import {
  assertNever,
  invariant,
  validateCommandContext,
  type Actor,
  type CommandContext,
  type Decider,
  type DomainEvent,
} from '@sunlight/kernel';
import { FundAlreadyExistsError, InvalidCommandError } from './funds.errors';
import {
  divisionCodePattern,
  fundIdPattern,
  fundsFieldRules,
  nameLengthMax,
  requireOneOf,
  requirePattern,
  requireText,
} from './funds.validation';
import { assertAmountFen, fenFromString, fenToString } from './money';
import type { AppropriateFunds } from './pool';

/*
 * A fund line (资金项目) is a named appropriation of one fiscal year, for one purpose, from one
 * source, made to one division (stream `fund-<fundId>`). Its money lives in pools: the application
 * follows `FundLineCreated` with `AppropriateFunds` on the pool of that division, using
 * `appropriationTransferId` so that a retry after a crash between the two writes is a repeat.
 */

export const purposeCategories = [
  '产业发展',
  '危房改造',
  '基础设施',
  '教育',
  '医疗',
  '其他',
] as const;
export type PurposeCategory = (typeof purposeCategories)[number];

export const fundSources = ['中央财政', '省级财政', '市级财政', '县级财政', '社会捐赠'] as const;
export type FundSource = (typeof fundSources)[number];

export const fiscalYearMin = 2000;
export const fiscalYearMax = 2100;

export interface CreateFundLine extends CommandContext {
  readonly type: 'CreateFundLine';
  readonly fundId: string;
  readonly name: string;
  readonly fiscalYear: number;
  readonly purposeCategory: PurposeCategory;
  readonly source: FundSource;
  readonly appropriation: { readonly divisionCode: string; readonly amountFen: bigint };
}

export type FundLineCommand = CreateFundLine;

export type FundLineCreated = DomainEvent<
  'FundLineCreated',
  {
    readonly fundId: string;
    readonly name: string;
    readonly fiscalYear: number;
    readonly purposeCategory: PurposeCategory;
    readonly source: FundSource;
    readonly appropriation: { readonly divisionCode: string; readonly amountFen: string };
  }
>;

export type FundLineEvent = FundLineCreated;

export const fundLineEventTypes: readonly FundLineEvent['type'][] = ['FundLineCreated'];

export interface FundLineState {
  /** Null until the fund line is created. */
  readonly line: FundLineCreated['data'] | null;
}

export function initialFundLineState(): FundLineState {
  return { line: null };
}

export const fundStreamCategory = 'fund';

export function fundStreamName(fundId: string): string {
  requirePattern('fundId', fundId, fundIdPattern);
  return `${fundStreamCategory}-${fundId}`;
}

/** The transferId of a fund line's own appropriation: derived, so the application never invents it twice. */
export function appropriationTransferId(fundId: string): string {
  requirePattern('fundId', fundId, fundIdPattern);
  return `appropriation-${fundId}`;
}

/** The pool command that credits a new fund line's appropriation to its division's pool. */
export function appropriateFundsFor(
  created: FundLineCreated,
  actor: Actor,
  occurredAt: string,
): AppropriateFunds {
  return {
    type: 'AppropriateFunds',
    fundId: created.data.fundId,
    divisionCode: created.data.appropriation.divisionCode,
    transferId: appropriationTransferId(created.data.fundId),
    amountFen: fenFromString(created.data.appropriation.amountFen),
    actor,
    occurredAt,
  };
}

export function decideFundLine(command: FundLineCommand, state: FundLineState): FundLineEvent[] {
  switch (command.type) {
    case 'CreateFundLine':
      return createFundLine(command, state);
    default:
      return assertNever(command.type, 'fund line command');
  }
}

function createFundLine(command: CreateFundLine, state: FundLineState): FundLineEvent[] {
  validateCommandContext(command, fundsFieldRules);
  const data = validFundLine(command);
  if (state.line !== null) {
    // Who sent it and when are metadata; a retry of the same content is the same fund line.
    if (sameFundLine(state.line, data)) return [];
    throw new FundAlreadyExistsError(command.fundId);
  }
  return [{ type: 'FundLineCreated', data }];
}

function validFundLine(command: CreateFundLine): FundLineCreated['data'] {
  const fundId = requirePattern('fundId', command.fundId, fundIdPattern);
  const name = requireText('name', command.name, nameLengthMax);
  if (
    !Number.isSafeInteger(command.fiscalYear) ||
    command.fiscalYear < fiscalYearMin ||
    command.fiscalYear > fiscalYearMax
  ) {
    throw new InvalidCommandError(
      'fiscalYear',
      `must be an integer from ${fiscalYearMin} to ${fiscalYearMax}`,
    );
  }
  const purposeCategory = requireOneOf(
    'purposeCategory',
    command.purposeCategory,
    purposeCategories,
  );
  const source = requireOneOf('source', command.source, fundSources);
  const appropriation = command.appropriation as CreateFundLine['appropriation'] | undefined | null;
  if (appropriation === undefined || appropriation === null || typeof appropriation !== 'object') {
    throw new InvalidCommandError('appropriation', 'is required');
  }
  const divisionCode = requirePattern(
    'appropriation.divisionCode',
    appropriation.divisionCode,
    divisionCodePattern,
  );
  assertAmountFen(appropriation.amountFen, 'appropriation.amountFen');
  return {
    fundId,
    name,
    fiscalYear: command.fiscalYear,
    purposeCategory,
    source,
    appropriation: { divisionCode, amountFen: fenToString(appropriation.amountFen) },
  };
}

// Field by field, because stored JSON need not keep our key order.
function sameFundLine(a: FundLineCreated['data'], b: FundLineCreated['data']): boolean {
  return (
    a.fundId === b.fundId &&
    a.name === b.name &&
    a.fiscalYear === b.fiscalYear &&
    a.purposeCategory === b.purposeCategory &&
    a.source === b.source &&
    a.appropriation.divisionCode === b.appropriation.divisionCode &&
    a.appropriation.amountFen === b.appropriation.amountFen
  );
}

export function evolveFundLine(state: FundLineState, event: FundLineEvent): FundLineState {
  switch (event.type) {
    case 'FundLineCreated':
      invariant(state.line === null, `fund line ${event.data.fundId} created twice`);
      return { line: event.data };
    default:
      return assertNever(event.type, 'fund line event');
  }
}

export const fundLineDecider: Decider<FundLineState, FundLineCommand, FundLineEvent> = {
  initialState: initialFundLineState,
  decide: decideFundLine,
  evolve: evolveFundLine,
};
