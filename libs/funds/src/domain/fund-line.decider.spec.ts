// Proves a fund line is created once with validated content, that an identical repeat is harmless and a different one is refused, and that its appropriation becomes an idempotent pool command.
import { FundAlreadyExistsError, InvalidAmountError, InvalidCommandError } from './funds.errors';
import {
  appropriateFundsFor,
  appropriationTransferId,
  type CreateFundLine,
  evolveFundLine,
  fundLineDecider,
  type FundLineCreated,
  fundStreamName,
  initialFundLineState,
} from './fund-line.decider';
import { poolDecider } from './pool';
import { deciderSpec } from '@sunlight/kernel/testing';
import { checker, county, fundId, maker, occurredAt } from './testing/pool.fixtures';

const { given } = deciderSpec(fundLineDecider);

const create: CreateFundLine = {
  type: 'CreateFundLine',
  fundId,
  name: '2024年中央财政衔接推进乡村振兴补助资金',
  fiscalYear: 2024,
  purposeCategory: '产业发展',
  source: '中央财政',
  appropriation: { divisionCode: county, amountFen: 18_000_000n },
  actor: maker,
  occurredAt,
};

const created: FundLineCreated = {
  type: 'FundLineCreated',
  data: {
    fundId,
    name: '2024年中央财政衔接推进乡村振兴补助资金',
    fiscalYear: 2024,
    purposeCategory: '产业发展',
    source: '中央财政',
    appropriation: { divisionCode: county, amountFen: '18000000' },
  },
};

describe('CreateFundLine', () => {
  it('creates the fund line with all its fields', () => {
    const state = given([]).when(create).then([created]);
    expect(state.line).toEqual(created.data);
  });

  it('returns nothing for an identical repeat, whoever sends it and whenever', () => {
    given([created])
      .when({ ...create, actor: checker, occurredAt: '2024-03-02T00:00:00Z' })
      .then([]);
  });

  it('refuses to create it again with different content', () => {
    given([created])
      .when({ ...create, name: '另一个名称' })
      .thenThrows(FundAlreadyExistsError, {
        fundId,
        code: 'FUNDS.FUND_ALREADY_EXISTS',
        httpStatus: 409,
      });
    given([created])
      .when({ ...create, appropriation: { divisionCode: county, amountFen: 18_000_001n } })
      .thenThrows(FundAlreadyExistsError);
  });

  it.each<[string, Partial<CreateFundLine>]>([
    ['fundId', { fundId: 'has.dot' }],
    ['name', { name: ' ' }],
    ['name', { name: '名'.repeat(201) }],
    ['fiscalYear', { fiscalYear: 1999 }],
    ['fiscalYear', { fiscalYear: 2024.5 }],
    ['purposeCategory', { purposeCategory: '旅游' as never }],
    ['source', { source: '乡级' as never }],
    ['appropriation', { appropriation: undefined as never }],
    ['appropriation.divisionCode', { appropriation: { divisionCode: '5303251', amountFen: 1n } }],
    ['occurredAt', { occurredAt: 'yesterday' }],
  ])('refuses a bad %s', (field, change) => {
    given([])
      .when({ ...create, ...change })
      .thenThrows(InvalidCommandError, { field });
  });

  it('refuses an appropriation that is not a positive amount', () => {
    given([])
      .when({ ...create, appropriation: { divisionCode: county, amountFen: 0n } })
      .thenThrows(InvalidAmountError, { field: 'appropriation.amountFen', reason: 'not_positive' });
  });

  it('crashes when replaying a second creation', () => {
    expect(() => evolveFundLine(evolveFundLine(initialFundLineState(), created), created)).toThrow(
      /^invariant:/,
    );
  });
});

describe('the fund line and its pool', () => {
  it('names its stream', () => {
    expect(fundStreamName(fundId)).toBe('fund-F2024-yn-001');
    expect(() => fundStreamName('')).toThrow(InvalidCommandError);
  });

  it('turns its appropriation into a pool command with a derived transferId', () => {
    const command = appropriateFundsFor(created, maker, occurredAt);
    expect(command).toEqual({
      type: 'AppropriateFunds',
      fundId,
      divisionCode: county,
      transferId: appropriationTransferId(fundId),
      amountFen: 18_000_000n,
      actor: maker,
      occurredAt,
    });
    const events = poolDecider.decide(command, poolDecider.initialState());
    expect(events).toEqual([
      {
        type: 'FundsAppropriated',
        data: {
          transferId: 'appropriation-F2024-yn-001',
          fundId,
          divisionCode: county,
          amountFen: '18000000',
        },
      },
    ]);
    const pool = events.reduce(poolDecider.evolve, poolDecider.initialState());
    expect(
      poolDecider.decide(appropriateFundsFor(created, maker, '2024-03-01T09:00:00Z'), pool),
    ).toEqual([]);
  });
});
