import type { RecordedEvent } from '@sunlight/event-store';
import type { DocumentKey, Projection, ReadDocument } from '@sunlight/read-store';
import { householdStreamCategory, type HouseholdEvent } from '../domain';
import { householdEventOf } from '../stored-events';

/*
 * The household figures of the four-level dashboards (看板), laid out like the funds dashboards:
 * one document per division (province, prefecture, county, township, village) covering itself
 * and everything below it, changed by every household event that moves a figure in each of the
 * village's ancestors. Every figure follows from one event alone (RiskEliminated repeats the
 * monitoring's type for that), so no document needs another's state:
 * - households registered, by attribute and by main cause (HouseholdRegistered);
 * - people registered: active members (MemberAdded − MemberRemoved);
 * - exits approved per year of approval (ExitApproved), returns to poverty (ReturnedToPoverty)
 *   per year of their date;
 * - monitored households now, by type (MonitoringStarted − RiskEliminated), monitorings
 *   started, and risks eliminated per year.
 */

export const householdDashboardsProjectionName = 'householdDashboards';
export const householdDashboardsProjectionVersion = 1;
export const householdDashboardsCollection = 'divisions';

/** Division code lengths from the province down to the village (GB/T 2260 and the village codes). */
const ancestorCodeLengths = [2, 4, 6, 9, 12] as const;

export type HouseholdDashboardDocument = HouseholdDashboardFigures & {
  id: string;
  lastPosition: string;
};

export type HouseholdDashboardFigures = {
  divisionCode: string;
  householdCount: number;
  peopleCount: number;
  byAttribute: Record<string, number>;
  byMainCause: Record<string, number>;
  /** Exits approved (县审批), by the year of the approval. */
  exitedByYear: Record<string, number>;
  /** Returns to poverty (返贫), by the year of their date. */
  returnedByYear: Record<string, number>;
  /** Households with an open monitoring, by type. */
  monitoredByType: Record<string, number>;
  monitoringsStarted: number;
  /** 风险消除, by the year of the elimination. */
  risksEliminatedByYear: Record<string, number>;
  updatedAt: string;
};

const countedTypes: ReadonlySet<HouseholdEvent['type']> = new Set([
  'HouseholdRegistered',
  'MemberAdded',
  'MemberRemoved',
  'ExitApproved',
  'ReturnedToPoverty',
  'MonitoringStarted',
  'RiskEliminated',
]);

/** The dashboard keys of a village: the village and each of its ancestors. */
export function householdDashboardKeys(villageCode: string): DocumentKey[] {
  return ancestorCodeLengths.map((length) => ({
    collection: householdDashboardsCollection,
    id: villageCode.slice(0, length),
  }));
}

function plus(counts: Record<string, number>, key: string, by: number): Record<string, number> {
  const next = { ...counts, [key]: (counts[key] ?? 0) + by };
  if (next[key] === 0) delete next[key];
  return next;
}

export function emptyHouseholdDashboard(divisionCode: string): HouseholdDashboardFigures {
  return {
    divisionCode,
    householdCount: 0,
    peopleCount: 0,
    byAttribute: {},
    byMainCause: {},
    exitedByYear: {},
    returnedByYear: {},
    monitoredByType: {},
    monitoringsStarted: 0,
    risksEliminatedByYear: {},
    updatedAt: '',
  };
}

export const householdDashboardsProjection: Projection = {
  name: householdDashboardsProjectionName,
  version: householdDashboardsProjectionVersion,
  filter: { on: 'streamName', prefixes: [`${householdStreamCategory}-`] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const household = householdEventOf(event);
    if (household === undefined || !countedTypes.has(household.type)) return [];
    return householdDashboardKeys(household.data.householdId.slice(3, 15));
  },

  apply(current, event, key): Omit<ReadDocument, 'lastPosition'> {
    const household = householdEventOf(event);
    if (household === undefined)
      throw new Error(`invariant: ${event.type} is not a household event`);
    const existing = current as HouseholdDashboardDocument | undefined;
    const doc: HouseholdDashboardFigures & { id: string } =
      existing === undefined
        ? { id: key.id, ...emptyHouseholdDashboard(key.id) }
        : (({ lastPosition: _last, ...rest }) => rest)(existing);
    const next = { ...doc, updatedAt: event.recordedAt.toISOString() };
    switch (household.type) {
      case 'HouseholdRegistered':
        return {
          ...next,
          householdCount: doc.householdCount + 1,
          byAttribute: plus(doc.byAttribute, household.data.attribute, 1),
          byMainCause: plus(doc.byMainCause, household.data.mainCause, 1),
        };
      case 'MemberAdded':
        return { ...next, peopleCount: doc.peopleCount + 1 };
      case 'MemberRemoved':
        return { ...next, peopleCount: doc.peopleCount - 1 };
      case 'ExitApproved':
        return {
          ...next,
          exitedByYear: plus(doc.exitedByYear, household.data.date.slice(0, 4), 1),
        };
      case 'ReturnedToPoverty':
        return {
          ...next,
          returnedByYear: plus(doc.returnedByYear, household.data.date.slice(0, 4), 1),
        };
      case 'MonitoringStarted':
        return {
          ...next,
          monitoredByType: plus(doc.monitoredByType, household.data.monitoringType, 1),
          monitoringsStarted: doc.monitoringsStarted + 1,
        };
      case 'RiskEliminated':
        return {
          ...next,
          monitoredByType: plus(doc.monitoredByType, household.data.monitoringType, -1),
          risksEliminatedByYear: plus(
            doc.risksEliminatedByYear,
            household.data.eliminatedOn.slice(0, 4),
            1,
          ),
        };
      default:
        throw new Error(`invariant: ${household.type} does not move a dashboard figure`);
    }
  },
};
