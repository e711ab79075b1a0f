/*
 * Cell values as counties write them, normalised as docs/formats.md says: ID numbers (full-width
 * characters, spaces, a lowercase x), yuan amounts (`3,600.00`, `¥3600`), dates in four spellings,
 * bank account digits with spaces.
 */

const fullWidthOffset = 0xfee0;

/** Trim, drop inner spaces, full-width digits and letters to ASCII, lowercase `x` to `X`. */
export function normaliseRosterIdNumber(raw: string): string {
  let normalised = '';
  for (const char of raw) {
    const code = char.codePointAt(0) ?? 0;
    if (/[\s\u3000]/.test(char)) continue;
    // Full-width ASCII (U+FF01–U+FF5E) maps to ASCII by a fixed offset.
    const ascii =
      code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - fullWidthOffset) : char;
    normalised += ascii === 'x' ? 'X' : ascii;
  }
  return normalised;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const yuanPattern = /^(\d+)(?:\.(\d{1,2}))?$/;
const groupedYuanPattern = /^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$/;
/** A roster line above this many yuan is a typo or worse; refused rather than paid. */
export const rosterAmountFenMax = 100_000_000n * 100n;

/** Yuan with at most two decimals, as integer fen; zero or negative amounts are refused. */
export function parseYuanAmount(raw: string): Parsed<bigint> {
  let text = raw.trim().replace(/^[¥￥]\s*/, '');
  if (text.startsWith('-') || text.startsWith('−')) {
    return { ok: false, reason: 'must be a positive amount of yuan' };
  }
  if (groupedYuanPattern.test(text)) text = text.replace(/,/g, '');
  const match = yuanPattern.exec(text);
  if (match === null) {
    return {
      ok: false,
      reason: 'must be yuan with at most two decimals (3600, 3600.5, 3,600.00, ¥3600)',
    };
  }
  const fen = BigInt(match[1] ?? '0') * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  if (fen <= 0n) return { ok: false, reason: 'must be a positive amount of yuan' };
  if (fen > rosterAmountFenMax) return { ok: false, reason: 'is larger than 100,000,000 yuan' };
  return { ok: true, value: fen };
}

/** `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D` or `YYYY年M月D日`, as `YYYY-MM-DD`. */
export function parseRosterDate(raw: string): Parsed<string> {
  const match = /^(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?$/.exec(raw.trim());
  const fail = {
    ok: false as const,
    reason: 'must be a date: YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日',
  };
  if (match === null) return fail;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { ok: false, reason: `${raw.trim()} is not a day of the calendar` };
  }
  return { ok: true, value: date.toISOString().slice(0, 10) };
}

/** Account digits; spaces (and full-width spaces) between groups are ignored. */
export function parseBankAccount(raw: string): Parsed<string> {
  const digits = normaliseRosterIdNumber(raw);
  if (!/^\d{8,32}$/.test(digits))
    return { ok: false, reason: 'must be 8 to 32 digits (spaces ignored)' };
  return { ok: true, value: digits };
}

/** Text a spreadsheet would run as a formula when the value is exported again. */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/**
 * A value safe to write into a CSV a spreadsheet will open: a leading `'` makes a would-be
 * formula plain text (OWASP's CSV injection advice).
 */
export function spreadsheetSafe(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text;
}
