import type { EventStore, GlobalPosition, RecordedEvent } from '@sunlight/event-store';
import { parseHouseholdStreamName } from '@sunlight/households';
import { parseProjectStreamName } from '@sunlight/projects';
import { divisionOfRosterId } from '@sunlight/rosters';
import { toSpotCheckEvent } from './spot-check-stored-events';
import { spotCheckCategory, type SpotCheckItem, type SpotCheckPopulation } from './domain';

/*
 * What a spot check draws from, read straight from the log up to a position, so that the app
 * drawing and a verifier recomputing the draw later read exactly the same thing. Only the event
 * types that make or unmake an item are read (the log's type filter), never a read model: read
 * models may lag, and a verifier must not have to trust them.
 */

/** The PostgreSQL store's positions: integers written as 20 zero-padded digits. */
export function logPosition(position: bigint | number | string): GlobalPosition {
  return BigInt(position).toString().padStart(20, '0');
}

/** A position as the API and the events show it: the plain integer. */
export function positionNumber(position: GlobalPosition): string {
  return BigInt(position).toString();
}

export interface SpotCheckPopulationRead {
  readonly population: readonly SpotCheckItem[];
  /** Ids of this population drawn by earlier spot checks in the period. */
  readonly excluded: ReadonlySet<string>;
  /** The latest earlier draw of this population and period (anywhere), which a new draw follows. */
  readonly previousDrawId: string | undefined;
}

export interface SpotCheckPopulationQuery {
  readonly population: SpotCheckPopulation;
  readonly divisionCode: string;
  readonly period: string;
  /** Every event up to this position, inclusive, and none after it. */
  readonly atPosition: GlobalPosition;
  readonly isWithin: (code: string, divisionCode: string) => boolean;
  /** A draw that is not its own predecessor (the verifier reads up to the draw's own snapshot). */
  readonly ignoreSpotCheckId?: string;
}

const typesByPopulation: Record<SpotCheckPopulation, readonly string[]> = {
  households: ['HouseholdRegistered'],
  projects: ['ProjectPlanned'],
  'roster-entries': ['RosterEntryAccepted', 'RosterRejected'],
};

export async function readSpotCheckPopulation(
  store: EventStore,
  query: SpotCheckPopulationQuery,
): Promise<SpotCheckPopulationRead> {
  const types = new Set([...typesByPopulation[query.population], 'SpotCheckDrawn']);
  const items = new Map<string, SpotCheckItem>();
  const rejectedRosters = new Set<string>();
  const drawnInPeriod = new Set<string>();
  let previousDrawId: string | undefined;
  const inDivision = (code: string | undefined): code is string =>
    code !== undefined && /^\d+$/.test(code) && query.isWithin(code, query.divisionCode);
  for await (const event of store.readAll({ filter: { on: 'eventType', prefixes: [...types] } })) {
    if (event.position > query.atPosition) break;
    if (!types.has(event.type)) continue;
    if (event.type === 'SpotCheckDrawn') {
      if (!event.streamName.startsWith(`${spotCheckCategory}-`)) continue;
      const spotCheck = toSpotCheckEvent(event);
      if (spotCheck.type !== 'SpotCheckDrawn') continue;
      const drawn = spotCheck.data;
      if (drawn.spotCheckId === query.ignoreSpotCheckId) continue;
      if (drawn.population !== query.population || drawn.period !== query.period) continue;
      previousDrawId = drawn.spotCheckId;
      for (const item of drawn.sample.items) drawnInPeriod.add(item.id);
      continue;
    }
    const item = itemOf(event, query.population);
    if (item === 'rejected-roster') {
      rejectedRosters.add(rosterIdOf(event));
      continue;
    }
    if (item !== undefined && inDivision(item.division))
      items.set(item.id, { id: item.id, unit: item.unit });
  }
  const population = [...items.values()].filter(
    (item) => query.population !== 'roster-entries' || !rejectedRosters.has(item.unit),
  );
  const excluded = new Set(
    population.filter((item) => drawnInPeriod.has(item.id)).map((item) => item.id),
  );
  return { population, excluded, previousDrawId };
}

function rosterIdOf(event: RecordedEvent): string {
  return event.streamName.slice('roster-'.length);
}

type ReadItem = { id: string; unit: string; division: string | undefined };

/** The item an event makes: a household in its village, a project in its division, a roster entry in its roster. */
function itemOf(
  event: RecordedEvent,
  population: SpotCheckPopulation,
): ReadItem | 'rejected-roster' | undefined {
  switch (population) {
    case 'households': {
      const household = parseHouseholdStreamName(event.streamName);
      if (household === undefined) return undefined;
      const { householdId, villageCode } = household;
      return { id: householdId, unit: villageCode, division: villageCode };
    }
    case 'projects': {
      const project = parseProjectStreamName(event.streamName);
      if (project === undefined) return undefined;
      const { projectId, divisionCode } = project;
      return { id: projectId, unit: divisionCode, division: divisionCode };
    }
    case 'roster-entries': {
      const rosterId = rosterIdOf(event);
      const division = divisionOfRosterId(rosterId);
      if (!event.streamName.startsWith('roster-') || division === undefined) return undefined;
      if (event.type === 'RosterRejected') return 'rejected-roster';
      const row = (event.data as { row?: unknown }).row;
      if (typeof row !== 'number') return undefined;
      return { id: `${rosterId}#${row}`, unit: rosterId, division };
    }
  }
}
