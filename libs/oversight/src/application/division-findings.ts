import { Inject, Injectable, Optional, type Provider } from '@nestjs/common';
import {
  DIVISION_FINDINGS,
  type DivisionFindings,
  type DivisionOpenFindings,
} from '@sunlight/funds';
import {
  findInValuesMax,
  positionOfToken,
  READ_MODEL_POSITIONS,
  READ_STORE,
  type ReadModelPositions,
  type ReadStore,
} from '@sunlight/read-store';
import {
  divisionFindingsCollection,
  findingsProjectionName,
  type DivisionFindingsDocument,
} from '../projections';

/**
 * The open findings the dashboards show (DIVISION_FINDINGS), from the per-division counts the
 * findings read model keeps: one document per division, read per request and never cached, so a
 * finding raised or disposed shows as soon as the read model has applied it.
 */
@Injectable()
export class DivisionFindingCounts implements DivisionFindings {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(READ_MODEL_POSITIONS) private readonly positions?: ReadModelPositions,
  ) {}

  async openFindingsOfDivision(divisionCode: string): Promise<DivisionOpenFindings> {
    // Before the document is read, so the counts reflect at least this position.
    const readModelPosition = await this.position();
    const doc = await this.readStore.get<DivisionFindingsDocument>(
      findingsProjectionName,
      divisionFindingsCollection,
      divisionCode,
    );
    const byRule = Object.entries(doc?.openByRule ?? {})
      .map(([ruleId, open]) => ({ ruleId, open }))
      .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
    return { total: doc?.openTotal ?? 0, byRule, readModelPosition };
  }

  async openFindingTotals(
    divisionCodes: readonly string[],
  ): Promise<{ totals: Map<string, number>; readModelPosition: string | null }> {
    const codes = [...new Set(divisionCodes)];
    if (codes.length > findInValuesMax)
      throw new RangeError(`at most ${findInValuesMax} divisions at once, not ${codes.length}`);
    const readModelPosition = await this.position();
    const totals = new Map(codes.map((code) => [code, 0]));
    if (codes.length === 0) return { totals, readModelPosition };
    const { items } = await this.readStore.find<DivisionFindingsDocument>(
      findingsProjectionName,
      divisionFindingsCollection,
      { where: { id: { in: codes } }, limit: codes.length },
    );
    for (const doc of items) totals.set(doc.divisionCode, doc.openTotal);
    return { totals, readModelPosition };
  }

  private async position(): Promise<string | null> {
    const token = await this.positions?.current(findingsProjectionName);
    return (token === undefined ? undefined : positionOfToken(token)) ?? null;
  }
}

export const divisionFindingsProviders: Provider[] = [
  DivisionFindingCounts,
  { provide: DIVISION_FINDINGS, useExisting: DivisionFindingCounts },
];
