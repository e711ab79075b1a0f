import type { RecordedEvent } from '@sunlight/event-store';
import { invariant } from '@sunlight/kernel';
import { type Beneficiary, fenFromString, fenToString, type PoolEvent } from '../domain';

export { fundLineEventOf, poolEventOf } from '../stored-events';

/*
 * What the funds projections share: document keys, and fen arithmetic on the digit strings that
 * documents hold (JSON has no bigint). Stored events become funds events in `../stored-events`.
 */

/** The id of a pool document: the pool stream's name without its category. */
export function poolIdOf(fundId: string, divisionCode: string): string {
  return `${fundId}.${divisionCode}`;
}

/**
 * A transfer id is unique within its pool (the decider guarantees it); across pools only the
 * application checks it, and two racing requests can both win. Keys of disbursements therefore
 * name the pool, so such a race can never merge two payments into one document.
 */
export function transferKeyOf(fundId: string, divisionCode: string, transferId: string): string {
  return `${poolIdOf(fundId, divisionCode)}/${transferId}`;
}

/**
 * Who a beneficiary is, for distinct counts: the ID number when there is one (a person is one
 * person in every fund and village), otherwise the kind and the registry id.
 */
export function beneficiaryIdentityOf(beneficiary: Beneficiary): string {
  const idNumber = normalisedIdNumber(beneficiary.idNumber);
  return idNumber === null ? `${beneficiary.kind}:${beneficiary.id}` : `id:${idNumber}`;
}

/** Upper-case `X` and no surrounding blanks, so a lookup finds every spelling of one number. */
export function normalisedIdNumber(idNumber: string | undefined): string | null {
  if (idNumber === undefined) return null;
  const normalised = idNumber.trim().toUpperCase();
  return normalised === '' ? null : normalised;
}

export function amountOf(event: PoolEvent): bigint {
  return fenFromString(event.data.amountFen);
}

/**
 * Adds a signed amount to a stored total; a total below zero is a bug in the projection. `what`
 * and `which` name the total in that error (joined only then: this runs a dozen times an event).
 */
export function addFen(total: string, deltaFen: bigint, what: string, which?: string): string {
  // Every event adds to a dozen totals. While both sides are below 10^15 fen (ten trillion
  // yuan) their sum is exact in a double, which is cheaper than BigInt and its pattern check
  // (docs/performance.md); the same digits come out either way.
  if (
    total.length <= 15 &&
    deltaFen < exactDoubleFen &&
    deltaFen > minusExactDoubleFen &&
    plainDigits.test(total)
  ) {
    const sum = Number(total) + Number(deltaFen);
    if (sum < 0) negativeTotal(what, which, total, deltaFen);
    return String(sum);
  }
  const sum = fenFromString(total) + deltaFen;
  if (sum < 0n) negativeTotal(what, which, total, deltaFen);
  return fenToString(sum);
}

function negativeTotal(
  what: string,
  which: string | undefined,
  total: string,
  deltaFen: bigint,
): never {
  const name = which === undefined ? what : `${what} ${which}`;
  invariant(false, `${name} would become negative (${total} + ${deltaFen})`);
}

const exactDoubleFen = 10n ** 15n;
const minusExactDoubleFen = -exactDoubleFen;
const plainDigits = /^(?:0|[1-9][0-9]*)$/;

export function recordedAtOf(event: RecordedEvent): string {
  if (event !== lastRecordedAt.of)
    lastRecordedAt = { of: event, iso: event.recordedAt.toISOString() };
  return lastRecordedAt.iso;
}

let lastRecordedAt: { of: RecordedEvent | undefined; iso: string } = { of: undefined, iso: '' };
