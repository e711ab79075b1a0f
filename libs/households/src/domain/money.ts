import { InvalidHouseholdCommandError } from './households.errors';

/*
 * Money is an integer number of fen (分), carried in events as a string of canonical digits and
 * in the API as a yuan decimal string (docs/design.md §4). A household's income may be zero (a
 * correction to nothing) but never negative: a cost is its own income type.
 */

export const fenPerYuan = 100n;
/** No household earns a billion yuan a year; anything larger is a typing mistake. */
export const incomeYuanMax = 1_000_000_000n;

const yuanPattern = /^(\d{1,10})(?:\.(\d{1,2}))?$/;
const fenDigitsPattern = /^(?:0|[1-9]\d{0,20})$/;

/** A non-negative yuan amount ("3600", "3600.5", "3600.50") as fen; undefined when malformed. */
export function parseIncomeYuan(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const match = yuanPattern.exec(text);
  if (match === null) return undefined;
  const [, yuan = '0', fen = ''] = match;
  const amountFen = BigInt(yuan) * fenPerYuan + BigInt(fen.padEnd(2, '0'));
  return amountFen <= incomeYuanMax * fenPerYuan ? amountFen : undefined;
}

export function requireIncomeFen(field: string, text: unknown): bigint {
  const amountFen = parseIncomeYuan(text);
  if (amountFen === undefined) {
    throw new InvalidHouseholdCommandError(
      field,
      `must be a non-negative yuan amount with at most two decimals and at most ${incomeYuanMax} yuan, e.g. "3600.00"`,
    );
  }
  return amountFen;
}

export function fenToString(amountFen: bigint): string {
  return amountFen.toString();
}

export function fenFromString(text: string): bigint {
  if (!fenDigitsPattern.test(text))
    throw new Error(`invariant: ${JSON.stringify(text)} is not fen`);
  return BigInt(text);
}

/** Fen as yuan with two decimals; negative amounts (a net loss) keep their sign. */
export function formatYuan(amountFen: bigint): string {
  const negative = amountFen < 0n;
  const absolute = negative ? -amountFen : amountFen;
  const yuan = absolute / fenPerYuan;
  const fen = (absolute % fenPerYuan).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${fen}`;
}
