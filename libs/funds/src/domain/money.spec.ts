// Proves that yuan text, fen bigints and event digit strings convert exactly, and that every malformed or out-of-range amount is refused with its reason.
import fc from 'fast-check';
import { InvalidAmountError } from './funds.errors';
import {
  amountFenMax,
  amountYuanMax,
  fenFromString,
  fenToString,
  formatYuan,
  parseYuan,
} from './money';

describe('parseYuan', () => {
  it.each([
    ['180000.00', 18_000_000n],
    ['180000', 18_000_000n],
    ['0.5', 50n],
    ['0.05', 5n],
    ['0.01', 1n],
    ['12.3', 1230n],
    ['007.10', 710n],
    ['1000000000000', amountFenMax],
    ['1000000000000.00', amountFenMax],
  ])('reads %j as %p fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each([
    ['', 'malformed'],
    [' 1.00', 'malformed'],
    ['1.00 ', 'malformed'],
    ['+1', 'malformed'],
    ['-1', 'malformed'],
    ['1e3', 'malformed'],
    ['1,000.00', 'malformed'],
    ['.5', 'malformed'],
    ['5.', 'malformed'],
    ['１２', 'malformed'],
    ['NaN', 'malformed'],
    ['12345678901234', 'malformed'],
    ['1'.repeat(40), 'malformed'],
    ['1.005', 'too_many_decimals'],
    ['0.001', 'too_many_decimals'],
    ['0', 'not_positive'],
    ['0.00', 'not_positive'],
    ['1000000000000.01', 'too_large'],
    ['9999999999999', 'too_large'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(() => parseYuan(text)).toThrow(InvalidAmountError);
    expect(() => parseYuan(text, 'amount')).toThrow(
      expect.objectContaining({ reason, field: 'amount', code: 'FUNDS.INVALID_AMOUNT' }),
    );
  });

  it('refuses what is not a string', () => {
    expect(() => parseYuan(12 as unknown as string)).toThrow(InvalidAmountError);
  });

  it('names the limit it enforces', () => {
    expect(amountYuanMax).toBe(10n ** 12n);
    expect(amountFenMax).toBe(10n ** 14n);
  });
});

describe('formatYuan', () => {
  it.each([
    [18_000_000n, '180000.00'],
    [0n, '0.00'],
    [1n, '0.01'],
    [50n, '0.50'],
    [-1234n, '-12.34'],
  ])('writes %p fen as %j', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('is the inverse of parseYuan for every allowed amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: amountFenMax }), (fen) => {
        expect(parseYuan(formatYuan(fen))).toBe(fen);
      }),
    );
  });
});

describe('event payload amounts', () => {
  it('round-trip as canonical digit strings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (fen) => {
        const text = fenToString(fen);
        expect(text).toMatch(/^(0|[1-9]\d*)$/);
        expect(fenFromString(text)).toBe(fen);
      }),
    );
  });

  it.each(['', '-1', '+1', '01', '1.0', '1e3', ' 1', '0x10', '1'.repeat(31)])(
    'refuses %j',
    (text) => {
      expect(() => fenFromString(text)).toThrow(InvalidAmountError);
    },
  );

  it('refuses to write a negative amount', () => {
    expect(() => fenToString(-1n)).toThrow(RangeError);
  });
});
