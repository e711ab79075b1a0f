import { createHash } from 'node:crypto';
import { Inject, Injectable, type Provider } from '@nestjs/common';
import { assertWithinJurisdiction } from '@sunlight/auth';
import {
  CHAIN_HASHES,
  ClaimTakenError,
  commandMetadata,
  deciderHandler,
  EVENT_STORE,
  type ChainHashes,
  type CommandIds,
  type DeciderHandler,
  type EventStore,
  type EventStoreProbe,
} from '@sunlight/event-store';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  spotCheckCategory,
  spotCheckDecider,
  spotCheckIdOf,
  spotCheckSampleItemsMax,
  spotCheckStreamName,
  type SpotCheckCommand,
  type SpotCheckDrawn,
  type SpotCheckEvent,
  type SpotCheckRequest,
  type SpotCheckResult,
  type SpotCheckState,
} from '../domain';
import { SpotCheckDrawRefusedError, SpotCheckNotFoundError } from '../spot-check.errors';
import { toSpotCheckEvent } from '../spot-check-stored-events';
import { chainHashAt, computeSpotCheckDraw, type SpotCheckLog } from '../spot-check-recompute';
import { positionNumber } from '../spot-check-population';

export type SpotCheckCommands = DeciderHandler<SpotCheckState, SpotCheckCommand, SpotCheckEvent>;
export const SPOT_CHECK_COMMANDS = 'SPOT_CHECK_COMMANDS';

/**
 * Draws of one population and period follow one another: each claims "the successor of the
 * latest draw it read", so two made at once from the same reading cannot both be written (the
 * second reads again and draws again), and nothing is drawn twice in a period. The key holds a
 * hash of the predecessor's id, which may be another county's.
 */
export function spotCheckSuccessionKey(
  population: string,
  period: string,
  previousDrawId: string | undefined,
): string {
  const previous =
    previousDrawId === undefined
      ? 'first'
      : createHash('sha256').update(previousDrawId).digest('hex').slice(0, 32);
  return `spotcheck-after:${population}.${period}.${previous}`;
}

/** Draws made again after another draw of the period got in first. */
export const drawAttemptsMax = 5;

export function spotCheckCommands(store: EventStore): SpotCheckCommands {
  return deciderHandler(store, { decider: spotCheckDecider, toDomainEvent: toSpotCheckEvent });
}

export const spotCheckCommandProviders: Provider[] = [
  { provide: SPOT_CHECK_COMMANDS, inject: [EVENT_STORE], useFactory: spotCheckCommands },
];

export interface SpotCheckView {
  spotCheckId: string;
  divisionCode: string;
  population: string;
  period: string;
  perUnit: number;
  units?: number;
  seedPosition: string;
  seedHash: string;
  algorithm: string;
  populationSnapshot: { position: string; size: number; units: number; sha256: string };
  excluded: { count: number; sha256: string };
  sample: { units: string[]; items: { id: string; unit: string }[] };
  drawnBy: { id: string; role: string; division: string };
  visits: {
    item: string;
    result: string;
    remarks: string;
    visitedOn: string;
    visitor: { id: string; role: string; division: string };
  }[];
  /** Sampled items with no visit recorded yet. */
  pending: number;
}

export interface SpotCheckListEntry {
  spotCheckId: string;
  divisionCode: string;
  population: string;
  period: string;
  seedPosition: string;
  sampled: number;
  visited: number;
  drawnBy: { id: string; role: string; division: string };
}

/** Spot checks listed at once, newest first. */
export const spotChecksListedMax = 500;

@Injectable()
export class SpotChecks {
  private readonly log: SpotCheckLog;

  constructor(
    @Inject(SPOT_CHECK_COMMANDS) private readonly commands: SpotCheckCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore & EventStoreProbe,
    @Inject(CHAIN_HASHES) chainHashes: ChainHashes,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {
    this.log = {
      store,
      chainHashes,
      isWithin: (code, divisionCode) => divisions.isWithin(code, divisionCode),
    };
  }

  /** Checks the caller before anything is read; answers the draw, and whether it was made just now. */
  async draw(
    request: SpotCheckRequest,
    actor: Actor,
    ids: CommandIds,
  ): Promise<{ view: SpotCheckView; replayed: boolean }> {
    requireKnownDivision(this.divisions, request.divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, request.divisionCode, this.divisions);
    const spotCheckId = spotCheckIdOf(request);
    const streamName = spotCheckStreamName(spotCheckId);
    const existing = await this.commands.load(streamName);
    if (existing.state.drawn !== undefined)
      return { view: spotCheckView(existing.state), replayed: true };
    const seedHash = await chainHashAt(this.log, request.seedPosition);
    if (seedHash === undefined) {
      const head = await this.store.headPosition();
      throw new RequestFieldError(
        'seedPosition',
        `must name an event of the log (its head is at position ${head === undefined ? 0 : positionNumber(head)})`,
      );
    }
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.store.headPosition();
      // A seed position exists, so the log is not empty.
      const draw = await computeSpotCheckDraw(
        this.log,
        request,
        spotCheckId,
        seedHash,
        positionNumber(head as string),
      );
      if (draw.sample.items.length === 0)
        throw new SpotCheckDrawRefusedError(
          `nothing is left to draw: ${draw.populationSnapshot.size} ${request.population} in ${request.divisionCode}, ` +
            `${draw.excluded.count} of them drawn before in ${request.period}`,
        );
      if (draw.sample.items.length > spotCheckSampleItemsMax)
        throw new SpotCheckDrawRefusedError(
          `the draw would sample ${draw.sample.items.length} items, more than ${spotCheckSampleItemsMax}: ` +
            'name fewer units or fewer per unit',
        );
      const { previousDrawId, ...data } = draw;
      const command = {
        type: 'RecordSpotCheckDraw' as const,
        ...data,
        actor,
        occurredAt: new Date().toISOString(),
      };
      const metadata = {
        ...commandMetadata(command, ids),
        claims: [spotCheckSuccessionKey(request.population, request.period, previousDrawId)],
      };
      try {
        const result = await this.commands.handle(streamName, command, metadata);
        return { view: spotCheckView(result.state), replayed: result.events.length === 0 };
      } catch (error) {
        if (!(error instanceof ClaimTakenError) || attempt >= drawAttemptsMax) throw error;
      }
    }
  }

  async recordVisit(
    spotCheckId: string,
    visit: { item: string; result: SpotCheckResult; remarks: string; visitedOn: string },
    actor: Actor,
    ids: CommandIds,
  ): Promise<{ view: SpotCheckView; replayed: boolean }> {
    const command = {
      type: 'RecordSpotCheckVisit' as const,
      spotCheckId,
      ...visit,
      actor,
      occurredAt: new Date().toISOString(),
    };
    const result = await this.commands.handle(
      spotCheckStreamName(spotCheckId),
      command,
      commandMetadata(command, ids),
    );
    return { view: spotCheckView(result.state), replayed: result.events.length === 0 };
  }

  async get(spotCheckId: string): Promise<SpotCheckView> {
    const { state } = await this.commands.load(spotCheckStreamName(spotCheckId));
    if (state.drawn === undefined) throw new SpotCheckNotFoundError(spotCheckId);
    return spotCheckView(state);
  }

  /** The spot checks of a division and everything below it, newest first. */
  async list(divisionCode: string): Promise<SpotCheckListEntry[]> {
    const entries = new Map<string, SpotCheckListEntry>();
    for await (const recorded of this.store.readAll({
      filter: { on: 'streamName', prefixes: [`${spotCheckCategory}-`] },
    })) {
      const event = toSpotCheckEvent(recorded);
      if (event.type === 'SpotCheckDrawn') {
        const drawn = event.data;
        if (!this.divisions.isWithin(drawn.divisionCode, divisionCode)) continue;
        entries.set(drawn.spotCheckId, listEntry(drawn));
      } else {
        const entry = entries.get(event.data.spotCheckId);
        if (entry !== undefined) entry.visited += 1;
      }
    }
    return [...entries.values()].reverse().slice(0, spotChecksListedMax);
  }
}

function listEntry(drawn: SpotCheckDrawn['data']): SpotCheckListEntry {
  return {
    spotCheckId: drawn.spotCheckId,
    divisionCode: drawn.divisionCode,
    population: drawn.population,
    period: drawn.period,
    seedPosition: drawn.seedPosition,
    sampled: drawn.sample.items.length,
    visited: 0,
    drawnBy: { ...drawn.drawnBy },
  };
}

export function spotCheckView(state: SpotCheckState): SpotCheckView {
  const drawn = state.drawn;
  if (drawn === undefined) throw new Error('invariant: a spot check view needs its draw');
  const visits = [...state.visits.values()].map((visit) => ({
    item: visit.item,
    result: visit.result,
    remarks: visit.remarks,
    visitedOn: visit.visitedOn,
    visitor: { ...visit.visitor },
  }));
  return {
    spotCheckId: drawn.spotCheckId,
    divisionCode: drawn.divisionCode,
    population: drawn.population,
    period: drawn.period,
    perUnit: drawn.perUnit,
    ...(drawn.units === undefined ? {} : { units: drawn.units }),
    seedPosition: drawn.seedPosition,
    seedHash: drawn.seedHash,
    algorithm: drawn.algorithm,
    populationSnapshot: { ...drawn.populationSnapshot },
    excluded: { ...drawn.excluded },
    sample: {
      units: [...drawn.sample.units],
      items: drawn.sample.items.map((item) => ({ ...item })),
    },
    drawnBy: { ...drawn.drawnBy },
    visits,
    pending: drawn.sample.items.length - visits.length,
  };
}
