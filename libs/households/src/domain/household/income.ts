import { costIncomeTypes } from '../vocabulary';
import { fenFromString } from '../money';
import type { IncomeRecord } from './state';

/*
 * 年人均纯收入: the year's income of every type, minus 生产经营性支出, divided by the household's
 * members. A correction replaces the record it names, so only records that no later record
 * corrects count; the decider lets each record be corrected once (a second correction corrects
 * the first), so every chain of corrections ends in exactly one counted record.
 */

export interface IncomeSummary {
  readonly year: number;
  readonly grossFen: bigint;
  readonly costFen: bigint;
  readonly netFen: bigint;
  /** Net income per member, truncated towards zero to the fen; undefined without members. */
  readonly perCapitaNetFen: bigint | undefined;
  readonly memberCount: number;
  /** Income types with a counted record above zero (a cost is not a source). */
  readonly sources: readonly string[];
}

/** The ids of records some other record corrects. */
export function correctedRecordIds(records: Iterable<IncomeRecord>): Set<string> {
  const corrected = new Set<string>();
  for (const record of records) {
    if (record.correctsRecordId !== undefined) corrected.add(record.correctsRecordId);
  }
  return corrected;
}

export function incomeSummary(
  records: Iterable<IncomeRecord>,
  year: number,
  memberCount: number,
): IncomeSummary {
  const all = [...records];
  const corrected = correctedRecordIds(all);
  let grossFen = 0n;
  let costFen = 0n;
  const sources = new Set<string>();
  for (const record of all) {
    if (record.year !== year || corrected.has(record.recordId)) continue;
    const amountFen = fenFromString(record.amountFen);
    if (costIncomeTypes.has(record.incomeType)) {
      costFen += amountFen;
    } else {
      grossFen += amountFen;
      if (amountFen > 0n) sources.add(record.incomeType);
    }
  }
  const netFen = grossFen - costFen;
  return {
    year,
    grossFen,
    costFen,
    netFen,
    perCapitaNetFen: memberCount > 0 ? netFen / BigInt(memberCount) : undefined,
    memberCount,
    sources: [...sources].sort(),
  };
}
