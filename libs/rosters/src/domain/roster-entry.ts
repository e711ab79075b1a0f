import { validateIdNumber } from '@sunlight/geo';
import { humanTextProblem } from '@sunlight/kernel';
import type { RosterField } from './roster-columns';
import {
  looksLikeFormula,
  normaliseRosterIdNumber,
  parseBankAccount,
  parseRosterDate,
  parseYuanAmount,
} from './roster-values';

/*
 * One roster line checked against the rules of docs/formats.md and issue 15: every line becomes
 * an accepted entry or a rejection naming the first field that is wrong and why. A bad line never
 * stops the good ones.
 */

/** A line of the file: its row number (the header is row 1) and its cells by field. */
export interface RosterLine {
  readonly row: number;
  readonly cells: Partial<Record<RosterField, string>>;
  /** Unknown columns, kept as written under their header. */
  readonly extra: Readonly<Record<string, string>>;
  /** Set when the line could not be read at all (too many columns, a broken quote). */
  readonly unreadable?: string;
}

export interface AcceptedEntry {
  readonly row: number;
  readonly name: string;
  readonly idNumber: string;
  readonly villageGroup: string;
  readonly bankAccount: string;
  readonly amountFen: bigint;
  readonly householdId?: string;
  readonly appliedOn?: string;
  readonly phone?: string;
  readonly note?: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export interface RejectedEntry {
  readonly row: number;
  readonly field: RosterField | 'row';
  readonly reason: string;
  /** The line as written (evidence), each value cut at `cellLengthMax`. */
  readonly values: Readonly<Record<string, string>>;
}

export type CheckedEntry =
  | { readonly accepted: true; readonly entry: AcceptedEntry }
  | { readonly accepted: false; readonly entry: RejectedEntry };

export interface EntryRules {
  /** Why `code` (a village or village group) cannot be on this roster, if it cannot. */
  placeProblem(code: string): string | undefined;
  readonly perPersonCapFen?: bigint;
  /** Business day of the upload, `YYYY-MM-DD`: birth dates and application dates are before it. */
  readonly today: string;
}

export const cellLengthMax = 500;
const nameLengthMax = 64;
const noteLengthMax = 500;
const householdIdPattern = /^hh-[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const phonePattern = /^\+?[0-9][0-9 -]{5,19}$/;

/**
 * Checks one line. `seenIdNumbers` holds the rows of ID numbers already accepted in this file, so
 * a second line for the same person is rejected as a duplicate naming the first.
 */
export function checkRosterLine(
  line: RosterLine,
  rules: EntryRules,
  seenIdNumbers: Map<string, number>,
): CheckedEntry {
  const reject = (field: RejectedEntry['field'], reason: string): CheckedEntry => ({
    accepted: false,
    entry: { row: line.row, field, reason, values: evidence(line) },
  });
  if (line.unreadable !== undefined) return reject('row', line.unreadable);
  const cell = (field: RosterField): string => (line.cells[field] ?? '').trim();

  const name = cell('name');
  if (name === '') return reject('name', 'is required');
  if (looksLikeFormula(name)) return reject('name', 'looks like a spreadsheet formula, not a name');
  const nameProblem = humanTextProblem(name, nameLengthMax);
  if (nameProblem !== undefined) return reject('name', nameProblem);

  const idNumber = normaliseRosterIdNumber(cell('id_number'));
  if (idNumber === '') return reject('id_number', 'is required');
  const id = validateIdNumber(idNumber, { today: rules.today });
  if (!id.ok) return reject('id_number', id.message);
  const firstRow = seenIdNumbers.get(idNumber);
  if (firstRow !== undefined) return reject('id_number', `is the same person as row ${firstRow}`);

  const villageGroup = cell('village_group');
  if (villageGroup === '') return reject('village_group', 'is required');
  const placeProblem = rules.placeProblem(villageGroup);
  if (placeProblem !== undefined) return reject('village_group', placeProblem);

  const bankAccount = parseBankAccount(cell('bank_account'));
  if (!bankAccount.ok) return reject('bank_account', bankAccount.reason);

  const amount = parseYuanAmount(cell('amount'));
  if (!amount.ok) return reject('amount', amount.reason);
  if (rules.perPersonCapFen !== undefined && amount.value > rules.perPersonCapFen) {
    return reject(
      'amount',
      `is over the roster's per-person cap of ${yuan(rules.perPersonCapFen)} yuan`,
    );
  }

  const optional = checkOptional(line, rules);
  if ('field' in optional) return reject(optional.field, optional.reason);
  seenIdNumbers.set(idNumber, line.row);
  return {
    accepted: true,
    entry: {
      row: line.row,
      name,
      idNumber,
      villageGroup,
      bankAccount: bankAccount.value,
      amountFen: amount.value,
      ...optional.values,
      ...(Object.keys(line.extra).length === 0 ? {} : { extra: clip(line.extra) }),
    },
  };
}

type OptionalValues = Pick<AcceptedEntry, 'householdId' | 'appliedOn' | 'phone' | 'note'>;

function checkOptional(
  line: RosterLine,
  rules: EntryRules,
): { values: OptionalValues } | { field: RosterField; reason: string } {
  const values: { -readonly [K in keyof OptionalValues]: OptionalValues[K] } = {};
  const householdId = (line.cells.household_id ?? '').trim();
  if (householdId !== '') {
    if (!householdIdPattern.test(householdId)) {
      return { field: 'household_id', reason: 'must be a Sunlight household id (hh-…)' };
    }
    values.householdId = householdId;
  }
  const appliedOn = (line.cells.applied_on ?? '').trim();
  if (appliedOn !== '') {
    const date = parseRosterDate(appliedOn);
    if (!date.ok) return { field: 'applied_on', reason: date.reason };
    if (date.value > rules.today) return { field: 'applied_on', reason: 'is after the upload' };
    values.appliedOn = date.value;
  }
  const phone = (line.cells.phone ?? '').trim();
  if (phone !== '') {
    if (!phonePattern.test(phone)) return { field: 'phone', reason: 'must be a phone number' };
    values.phone = phone;
  }
  // A note is free text and kept as written, a would-be formula included: it is data, never run.
  const note = (line.cells.note ?? '').trim();
  if (note !== '') {
    const problem = humanTextProblem(note, noteLengthMax);
    if (problem !== undefined) return { field: 'note', reason: problem };
    values.note = note;
  }
  return { values };
}

function evidence(line: RosterLine): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [field, value] of Object.entries(line.cells)) {
    if (value !== undefined && value !== '') values[field] = value.slice(0, cellLengthMax);
  }
  return { ...values, ...clip(line.extra) };
}

function clip(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key.slice(0, 100),
      value.slice(0, cellLengthMax),
    ]),
  );
}

function yuan(fen: bigint): string {
  return `${fen / 100n}.${(fen % 100n).toString().padStart(2, '0')}`;
}
