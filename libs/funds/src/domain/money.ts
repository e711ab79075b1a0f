import { InvalidAmountError } from './funds.errors';

/**
 * Money is an integer number of fen (分) held as `bigint`. Events carry it as a string of digits,
 * the API as a yuan decimal string. No floats anywhere.
 */
export const fenPerYuan = 100n;

/** No single movement is larger than a trillion yuan; anything bigger is a typing mistake. */
export const amountYuanMax = 1_000_000_000_000n;
export const amountFenMax = amountYuanMax * fenPerYuan;

// 13 integer digits admit everything up to amountYuanMax; the bound itself is checked numerically.
const yuanPattern = /^(\d{1,13})(?:\.(\d{1,2}))?$/;
const tooManyDecimalsPattern = /^\d{1,13}\.\d{3,}$/;
const yuanTextLengthMax = 32;

// Canonical digits only: no sign, no leading zeros, so one amount has exactly one spelling in the log.
const fenDigitsPattern = /^(?:0|[1-9]\d{0,29})$/;

/** Parses a positive yuan decimal such as "180000.00" or "0.5" into fen. */
export function parseYuan(text: string, field = 'amount'): bigint {
  if (typeof text !== 'string' || text.length > yuanTextLengthMax) {
    throw new InvalidAmountError(field, 'malformed', String(text));
  }
  const match = yuanPattern.exec(text);
  if (match === null) {
    throw new InvalidAmountError(
      field,
      tooManyDecimalsPattern.test(text) ? 'too_many_decimals' : 'malformed',
      text,
    );
  }
  const [, yuanDigits = '0', fenDigits = ''] = match;
  const fen = BigInt(yuanDigits) * fenPerYuan + BigInt(fenDigits.padEnd(2, '0'));
  assertAmountFen(fen, field, text);
  return fen;
}

/** Formats fen as a yuan decimal with exactly two decimals: 18000000n → "180000.00". */
export function formatYuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const magnitude = fen < 0n ? -fen : fen;
  const fenPart = (magnitude % fenPerYuan).toString().padStart(2, '0');
  return `${sign}${magnitude / fenPerYuan}.${fenPart}`;
}

/** The event-payload spelling of an amount or a total: digits only. */
export function fenToString(fen: bigint): string {
  if (fen < 0n) throw new RangeError(`fenToString: negative amount ${fen}`);
  return fen.toString();
}

/** Reads an event-payload amount; refuses signs, decimals, leading zeros and anything not a string. */
export function fenFromString(text: string, field = 'amountFen'): bigint {
  if (typeof text !== 'string' || !fenDigitsPattern.test(text)) {
    throw new InvalidAmountError(field, 'malformed', String(text));
  }
  return BigInt(text);
}

/** A movement is at least one fen and at most `amountFenMax`. */
export function assertAmountFen(
  fen: bigint,
  field = 'amountFen',
  input: string = String(fen),
): void {
  if (typeof fen !== 'bigint') throw new InvalidAmountError(field, 'malformed', String(input));
  if (fen <= 0n) throw new InvalidAmountError(field, 'not_positive', input);
  if (fen > amountFenMax) throw new InvalidAmountError(field, 'too_large', input);
}
