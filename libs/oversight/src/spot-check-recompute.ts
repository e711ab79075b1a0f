import type { ChainHashes, EventStore } from '@sunlight/event-store';
import {
  drawSpotCheckSample,
  spotCheckDrawAlgorithm,
  spotCheckItemsSha256,
  spotCheckStreamName,
  type SpotCheckDrawn,
  type SpotCheckRequest,
} from './domain';
import { toSpotCheckEvent } from './spot-check-stored-events';
import { logPosition, positionNumber, readSpotCheckPopulation } from './spot-check-population';

/*
 * The draw, made from the log: the app makes it this way, and `sunlight spot-check verify` makes it
 * again the same way from what the event recorded, then compares.
 */

export interface SpotCheckLog {
  readonly store: EventStore;
  readonly chainHashes: ChainHashes;
  readonly isWithin: (code: string, divisionCode: string) => boolean;
}

export type ComputedDraw = Omit<SpotCheckDrawn['data'], 'drawnBy'> & {
  /** The latest earlier draw of the population and period, which this one must follow. */
  readonly previousDrawId: string | undefined;
};

/** The chain hash at a position, or undefined when the log has no event there. */
export async function chainHashAt(
  log: SpotCheckLog,
  position: string,
): Promise<string | undefined> {
  const global = logPosition(position);
  return (await log.chainHashes.chainHashesOf([global])).get(global);
}

export async function computeSpotCheckDraw(
  log: SpotCheckLog,
  request: SpotCheckRequest,
  spotCheckId: string,
  seedHash: string,
  populationPosition: string,
): Promise<ComputedDraw> {
  const read = await readSpotCheckPopulation(log.store, {
    population: request.population,
    divisionCode: request.divisionCode,
    period: request.period,
    atPosition: logPosition(populationPosition),
    isWithin: log.isWithin,
    ignoreSpotCheckId: spotCheckId,
  });
  const sample = drawSpotCheckSample({
    seedHash,
    spotCheckId,
    population: read.population,
    excluded: read.excluded,
    perUnit: request.perUnit,
    ...(request.units === undefined ? {} : { units: request.units }),
  });
  return {
    spotCheckId,
    divisionCode: request.divisionCode,
    population: request.population,
    period: request.period,
    perUnit: request.perUnit,
    ...(request.units === undefined ? {} : { units: request.units }),
    seedPosition: positionNumber(request.seedPosition),
    algorithm: spotCheckDrawAlgorithm,
    seedHash,
    populationSnapshot: {
      position: positionNumber(populationPosition),
      size: read.population.length,
      units: new Set(read.population.map((item) => item.unit)).size,
      sha256: spotCheckItemsSha256(read.population),
    },
    excluded: {
      count: read.excluded.size,
      sha256: spotCheckItemsSha256(read.population.filter((item) => read.excluded.has(item.id))),
    },
    sample: { units: [...sample.units], items: sample.items.map((item) => ({ ...item })) },
    previousDrawId: read.previousDrawId,
  };
}

export type SpotCheckVerification =
  | {
      readonly status: 'match';
      readonly spotCheckId: string;
      readonly items: number;
      readonly summary: string;
    }
  | {
      readonly status: 'mismatch';
      readonly spotCheckId: string;
      readonly problems: readonly string[];
    }
  | { readonly status: 'not-found'; readonly spotCheckId: string };

/**
 * Re-reads the draw's event, checks its seed hash against the log at the seed position, reads the
 * population again at the recorded position and draws again: every difference is named.
 */
export async function verifySpotCheck(
  log: SpotCheckLog,
  spotCheckId: string,
): Promise<SpotCheckVerification> {
  let drawn: SpotCheckDrawn['data'] | undefined;
  let drawnAt: string | undefined;
  for await (const recorded of log.store.readStream(spotCheckStreamName(spotCheckId))) {
    const event = toSpotCheckEvent(recorded);
    if (event.type === 'SpotCheckDrawn') {
      drawn = event.data;
      drawnAt = recorded.position;
      break;
    }
  }
  if (drawn === undefined || drawnAt === undefined) return { status: 'not-found', spotCheckId };
  const problems: string[] = [];
  if (drawn.spotCheckId !== spotCheckId)
    problems.push(`the event names spot check ${drawn.spotCheckId}, not ${spotCheckId}`);
  if (drawn.algorithm !== spotCheckDrawAlgorithm)
    problems.push(
      `the draw used ${drawn.algorithm}; this verifier knows ${spotCheckDrawAlgorithm}`,
    );
  const seedPosition = BigInt(drawn.seedPosition);
  const populationPosition = BigInt(drawn.populationSnapshot.position);
  if (seedPosition > populationPosition || populationPosition >= BigInt(drawnAt))
    problems.push(
      `the seed position ${drawn.seedPosition} and population position ${drawn.populationSnapshot.position} ` +
        `must come before the draw itself (at ${positionNumber(drawnAt)}), the seed not after the population`,
    );
  const seedHash = await chainHashAt(log, drawn.seedPosition);
  if (seedHash === undefined)
    problems.push(`the log has no event at the seed position ${drawn.seedPosition}`);
  else if (seedHash !== drawn.seedHash)
    problems.push(
      `the seed hash recorded (${drawn.seedHash}) is not the log's chain hash at position ${drawn.seedPosition} (${seedHash})`,
    );
  if (problems.length > 0) return { status: 'mismatch', spotCheckId, problems };
  const again = await computeSpotCheckDraw(
    log,
    drawn,
    spotCheckId,
    seedHash as string,
    drawn.populationSnapshot.position,
  );
  const { size, sha256 } = again.populationSnapshot;
  if (size !== drawn.populationSnapshot.size || sha256 !== drawn.populationSnapshot.sha256)
    problems.push(
      `the population read again at position ${drawn.populationSnapshot.position} has ${size} items ` +
        `(sha256 ${sha256}); the draw recorded ${drawn.populationSnapshot.size} (sha256 ${drawn.populationSnapshot.sha256})`,
    );
  if (
    again.excluded.count !== drawn.excluded.count ||
    again.excluded.sha256 !== drawn.excluded.sha256
  )
    problems.push(
      `the items drawn before in the period are ${again.excluded.count} (sha256 ${again.excluded.sha256}); ` +
        `the draw recorded ${drawn.excluded.count} (sha256 ${drawn.excluded.sha256})`,
    );
  const recordedItems = drawn.sample.items.map((item) => `${item.id}@${item.unit}`);
  const drawnItems = again.sample.items.map((item) => `${item.id}@${item.unit}`);
  if (JSON.stringify(again.sample.units) !== JSON.stringify(drawn.sample.units))
    problems.push(
      `the units drawn again are [${again.sample.units.join(', ')}]; the draw recorded [${drawn.sample.units.join(', ')}]`,
    );
  if (JSON.stringify(recordedItems) !== JSON.stringify(drawnItems)) {
    const firstDifference = drawnItems.findIndex((item, index) => item !== recordedItems[index]);
    const at = firstDifference === -1 ? drawnItems.length : firstDifference;
    problems.push(
      `the sample drawn again differs from the recorded one at item ${at + 1}: ` +
        `${drawnItems[at] ?? '(none)'} drawn, ${recordedItems[at] ?? '(none)'} recorded ` +
        `(${drawnItems.length} drawn, ${recordedItems.length} recorded)`,
    );
  }
  if (problems.length > 0) return { status: 'mismatch', spotCheckId, problems };
  return {
    status: 'match',
    spotCheckId,
    items: drawnItems.length,
    summary:
      `spot check ${spotCheckId}: the draw of ${drawnItems.length} ${drawn.population} in ` +
      `${drawn.sample.units.length} units from ${size} (position ${drawn.populationSnapshot.position}, ` +
      `${again.excluded.count} drawn before in ${drawn.period} left out), seeded by the chain hash at ` +
      `position ${drawn.seedPosition}, matches the log`,
  };
}
