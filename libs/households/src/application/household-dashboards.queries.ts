import { Inject, Injectable, Optional } from '@nestjs/common';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  READ_MODEL_POSITIONS,
  READ_STORE,
  positionOfToken,
  type ReadModelPositions,
  type ReadStore,
} from '@sunlight/read-store';
import { householdAttributes, monitoringTypes, povertyCauses } from '../domain';
import {
  emptyHouseholdDashboard,
  householdDashboardsCollection,
  householdDashboardsProjectionName,
  type HouseholdDashboardDocument,
  type HouseholdDashboardFigures,
} from '../projections';

export interface HouseholdDashboardAnswer {
  divisionCode: string;
  divisionName: string;
  level: string;
  /** The year `exitedThisYear`, `returnedThisYear` and `risksEliminatedThisYear` count. */
  year: number;
  households: number;
  people: number;
  /** Every attribute, with 0 for none. */
  byAttribute: Record<string, number>;
  /** Every main poverty cause, with 0 for none. */
  byMainCause: Record<string, number>;
  exitedThisYear: number;
  exitedTotal: number;
  returnedThisYear: number;
  returnedTotal: number;
  /** Households monitored now, by each monitoring type (0 for none). */
  monitoredByType: Record<string, number>;
  monitoredTotal: number;
  monitoringsStarted: number;
  risksEliminatedThisYear: number;
  risksEliminatedTotal: number;
  /** The log position the read model had applied when the answer was read; null before any. */
  readModelPosition: string | null;
  /** The position of the last event that changed this division's figures; null for none. */
  lastPosition: string | null;
}

const sum = (counts: Record<string, number>): number =>
  Object.values(counts).reduce((total, count) => total + count, 0);

const everyKey = (keys: readonly string[], counts: Record<string, number>) =>
  Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0]));

/** The dashboard answer of one division's document (or of none: every figure 0). */
export function householdDashboardView(
  division: { code: string; name: string; level: string },
  figures: HouseholdDashboardFigures,
  year: number,
  readModelPosition: string | null,
  lastPosition: string | null,
): HouseholdDashboardAnswer {
  const thisYear = String(year);
  return {
    divisionCode: division.code,
    divisionName: division.name,
    level: division.level,
    year,
    households: figures.householdCount,
    people: figures.peopleCount,
    byAttribute: everyKey(householdAttributes, figures.byAttribute),
    byMainCause: everyKey(povertyCauses, figures.byMainCause),
    exitedThisYear: figures.exitedByYear[thisYear] ?? 0,
    exitedTotal: sum(figures.exitedByYear),
    returnedThisYear: figures.returnedByYear[thisYear] ?? 0,
    returnedTotal: sum(figures.returnedByYear),
    monitoredByType: everyKey(monitoringTypes, figures.monitoredByType),
    monitoredTotal: sum(figures.monitoredByType),
    monitoringsStarted: figures.monitoringsStarted,
    risksEliminatedThisYear: figures.risksEliminatedByYear[thisYear] ?? 0,
    risksEliminatedTotal: sum(figures.risksEliminatedByYear),
    readModelPosition,
    lastPosition,
  };
}

/**
 * The household figures of a division's dashboard, from the `householdDashboards` read model:
 * one document read per answer. Callers check the division exists and lies in the caller's
 * jurisdiction.
 */
@Injectable()
export class HouseholdDashboardsQueries {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Optional() @Inject(READ_MODEL_POSITIONS) private readonly positions?: ReadModelPositions,
  ) {}

  async division(divisionCode: string, year: number): Promise<HouseholdDashboardAnswer> {
    // Before the document is read, so the answer reflects at least this position.
    const token = await this.positions?.current(householdDashboardsProjectionName);
    const doc = await this.readStore.get<HouseholdDashboardDocument>(
      householdDashboardsProjectionName,
      householdDashboardsCollection,
      divisionCode,
    );
    const division = this.divisions.require(divisionCode);
    return householdDashboardView(
      { code: divisionCode, name: division.name, level: division.level },
      doc ?? emptyHouseholdDashboard(divisionCode),
      year,
      (token === undefined ? undefined : positionOfToken(token)) ?? null,
      doc?.lastPosition ?? null,
    );
  }
}
