// Proves that a spot check's population is read from the log as documented, for each of households, projects and roster entries: only items in the division, only events up to the position named, rejected rosters left out, and the items earlier draws of the same population and period took (and only those) excluded, with the latest such draw named as the predecessor.
import type { EventStore, ReadAllOptions, RecordedEvent } from '@sunlight/event-store';
import { logPosition, readSpotCheckPopulation } from './spot-check-population';

function recorded(
  position: number,
  streamName: string,
  type: string,
  data: object = {},
): RecordedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    data: data as RecordedEvent['data'],
    metadata: {},
    streamName,
    revision: 0n,
    position: logPosition(position),
    recordedAt: new Date(0),
  };
}

/** The one call the reader makes: readAll in log order, filtered by type prefix as the store does. */
function logOf(events: readonly RecordedEvent[]): EventStore {
  return {
    async *readAll(options: ReadAllOptions = {}) {
      for (const event of events) {
        const filter = options.filter;
        if (
          filter?.on === 'eventType' &&
          !filter.prefixes.some((prefix) => event.type.startsWith(prefix))
        )
          continue;
        yield event;
      }
    },
    readStream: () => {
      throw new Error('not used');
    },
    appendToStream: () => {
      throw new Error('not used');
    },
    subscribeToAll: () => {
      throw new Error('not used');
    },
    close: async () => undefined,
  };
}

const isWithin = (code: string, division: string) => code.startsWith(division);
const drawn = (spotCheckId: string, population: string, period: string, ids: string[]) => ({
  spotCheckId,
  population,
  period,
  sample: { units: [], items: ids.map((id) => ({ id, unit: 'u' })) },
});

const log = logOf([
  recorded(1, 'household-hh-530325102201-1', 'HouseholdRegistered'),
  recorded(2, 'household-hh-530325102201-1', 'HouseholdMemberAdded'),
  recorded(3, 'household-hh-530325102202-1', 'HouseholdRegistered'),
  recorded(4, 'household-hh-530322100201-1', 'HouseholdRegistered'),
  recorded(5, 'project-prj-530325102-1', 'ProjectPlanned'),
  recorded(6, 'project-prj-530325102201-2', 'ProjectPlanned'),
  recorded(7, 'project-prj-530322100-1', 'ProjectPlanned'),
  recorded(8, 'roster-ro-530325102-0123456789ab', 'RosterEntryAccepted', { row: 1 }),
  recorded(9, 'roster-ro-530325102-0123456789ab', 'RosterEntryAccepted', { row: 2 }),
  recorded(10, 'roster-ro-530325-aaaaaaaaaaaa', 'RosterEntryAccepted', { row: 1 }),
  recorded(11, 'roster-ro-530325-aaaaaaaaaaaa', 'RosterRejected'),
  recorded(12, 'roster-ro-530322-bbbbbbbbbbbb', 'RosterEntryAccepted', { row: 1 }),
  recorded(
    13,
    'spotcheck-sc-530325-000000000001',
    'SpotCheckDrawn',
    drawn('sc-530325-000000000001', 'households', '2026', ['hh-530325102201-1']),
  ),
  recorded(
    14,
    'spotcheck-sc-530322-000000000002',
    'SpotCheckDrawn',
    drawn('sc-530322-000000000002', 'households', '2026', ['hh-530322100201-1']),
  ),
  recorded(
    15,
    'spotcheck-sc-530325-000000000003',
    'SpotCheckDrawn',
    drawn('sc-530325-000000000003', 'households', '2026-Q1', ['hh-530325102202-1']),
  ),
  recorded(
    16,
    'spotcheck-sc-530325-000000000004',
    'SpotCheckDrawn',
    drawn('sc-530325-000000000004', 'projects', '2026', ['prj-530325102-1']),
  ),
  recorded(17, 'household-hh-530325102203-1', 'HouseholdRegistered'),
]);

const read = (
  population: 'households' | 'projects' | 'roster-entries',
  atPosition: number,
  period = '2026',
  divisionCode = '530325',
) =>
  readSpotCheckPopulation(log, {
    population,
    divisionCode,
    period,
    atPosition: logPosition(atPosition),
    isWithin,
  });

describe('spot-check population read from the log', () => {
  it('given households in two counties, when read for one at a position, then only its registered households up to there, each in its village', async () => {
    const { population } = await read('households', 16);
    expect(population).toEqual([
      { id: 'hh-530325102201-1', unit: '530325102201' },
      { id: 'hh-530325102202-1', unit: '530325102202' },
    ]);
    expect((await read('households', 17)).population).toHaveLength(3);
    expect((await read('households', 1)).population).toHaveLength(1);
  });

  it('given draws of the period, when read, then their items in this population are excluded and the latest draw of the period is the predecessor', async () => {
    const households = await read('households', 17);
    expect([...households.excluded]).toEqual(['hh-530325102201-1']);
    expect(households.previousDrawId).toBe('sc-530322-000000000002');
    const quarter = await read('households', 17, '2026-Q1');
    expect([...quarter.excluded]).toEqual(['hh-530325102202-1']);
    expect(quarter.previousDrawId).toBe('sc-530325-000000000003');
    expect((await read('households', 12)).previousDrawId).toBeUndefined();
  });

  it('given projects at village and township level, when read, then each is in its own division as its unit', async () => {
    const projects = await read('projects', 17);
    expect(projects.population).toEqual([
      { id: 'prj-530325102-1', unit: '530325102' },
      { id: 'prj-530325102201-2', unit: '530325102201' },
    ]);
    expect([...projects.excluded]).toEqual(['prj-530325102-1']);
    expect((await read('projects', 17, '2026', '530325102201')).population).toEqual([
      { id: 'prj-530325102201-2', unit: '530325102201' },
    ]);
  });

  it('given rosters, when read, then accepted entries of the division’s rosters not rejected by then, each in its roster', async () => {
    expect((await read('roster-entries', 17)).population).toEqual([
      { id: 'ro-530325102-0123456789ab#1', unit: 'ro-530325102-0123456789ab' },
      { id: 'ro-530325102-0123456789ab#2', unit: 'ro-530325102-0123456789ab' },
    ]);
    // Before its rejection, the county roster's entry is still in the population.
    expect((await read('roster-entries', 10)).population).toHaveLength(3);
  });
});
