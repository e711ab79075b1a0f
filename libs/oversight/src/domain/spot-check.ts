import { createHash } from 'node:crypto';
import {
  evolveWith,
  sameJson,
  type Actor,
  type CommandContext,
  type Decider,
} from '@sunlight/kernel';
import { OversightStateError } from '../oversight.errors';
import { SpotCheckItemNotSampledError, SpotCheckNotFoundError } from '../spot-check.errors';
import type { SpotCheckItem } from './spot-check-draw';

/*
 * A spot check (抽查, stream `spotcheck-<spotCheckId>`): a commission draws a random sample of the
 * households, projects or roster entries in its jurisdiction, seeded by the log's chain hash at a
 * position it names, then visits each sampled item and records what it found. The draw records
 * everything needed to recompute it (`sunlight spot-check verify`).
 */

export const spotCheckCategory = 'spotcheck';

export const spotCheckPopulations = ['households', 'projects', 'roster-entries'] as const;
export type SpotCheckPopulation = (typeof spotCheckPopulations)[number];

/** 属实 accurate, 不属实 inaccurate, 部分属实 partly accurate, 无法核实 could not be verified. */
export const spotCheckResults = [
  'accurate',
  'inaccurate',
  'partly-accurate',
  'unverifiable',
] as const;
export type SpotCheckResult = (typeof spotCheckResults)[number];

/** A year, a half (2026-H1), a quarter (2026-Q2) or a month (2026-05). */
export const spotCheckPeriodPattern = /^\d{4}(?:-(?:H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;
export const spotCheckPeriodFormat = 'YYYY, YYYY-H1/H2, YYYY-Q1…Q4 or YYYY-MM';

/** `sc-<division code>-<12 hex digits>`. */
export const spotCheckIdPattern = /^sc-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})-([0-9a-f]{12})$/;

/** Limits on one draw, so its event stays small and a visit plan stays something people can do. */
export const spotCheckPerUnitMax = 500;
export const spotCheckUnitsMax = 1_000;
export const spotCheckSampleItemsMax = 5_000;
export const spotCheckRemarksLengthMax = 2_000;

export function spotCheckStreamName(spotCheckId: string): string {
  return `${spotCheckCategory}-${spotCheckId}`;
}

/** The division a spot-check id names (checked against the caller before anything is read). */
export function divisionOfSpotCheckId(spotCheckId: string): string | undefined {
  return spotCheckIdPattern.exec(spotCheckId)?.[1];
}

export interface SpotCheckRequest {
  readonly divisionCode: string;
  readonly population: SpotCheckPopulation;
  readonly period: string;
  readonly perUnit: number;
  readonly units?: number;
  /** The log position whose chain hash seeds the draw. */
  readonly seedPosition: string;
}

/**
 * The id of a draw follows from what was asked, so the same request answers the same draw and an
 * id cannot be chosen (tried again and again) for a convenient sample; another draw in the same
 * period names another seed position.
 */
export function spotCheckIdOf(request: SpotCheckRequest): string {
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        request.divisionCode,
        request.population,
        request.period,
        request.perUnit,
        request.units ?? null,
        request.seedPosition,
      ]),
    )
    .digest('hex');
  return `sc-${request.divisionCode}-${fingerprint.slice(0, 12)}`;
}

export interface SpotCheckDrawn {
  readonly type: 'SpotCheckDrawn';
  readonly data: SpotCheckRequest & {
    readonly spotCheckId: string;
    readonly algorithm: string;
    readonly seedHash: string;
    /** What was drawn from: read from the log at `position` (every event up to it, inclusive). */
    readonly populationSnapshot: {
      readonly position: string;
      readonly size: number;
      readonly units: number;
      readonly sha256: string;
    };
    /** Items of that population drawn by earlier spot checks of the period, left out. */
    readonly excluded: { readonly count: number; readonly sha256: string };
    readonly sample: {
      readonly units: readonly string[];
      readonly items: readonly SpotCheckItem[];
    };
    readonly drawnBy: Actor;
  };
}

export interface SpotCheckVisitRecorded {
  readonly type: 'SpotCheckVisitRecorded';
  readonly data: {
    readonly spotCheckId: string;
    readonly item: string;
    readonly result: SpotCheckResult;
    readonly remarks: string;
    readonly visitedOn: string;
    readonly visitor: Actor;
  };
}

export type SpotCheckEvent = SpotCheckDrawn | SpotCheckVisitRecorded;
export const spotCheckEventTypes = [
  'SpotCheckDrawn',
  'SpotCheckVisitRecorded',
] as const satisfies readonly SpotCheckEvent['type'][];

export type RecordSpotCheckDraw = CommandContext & {
  readonly type: 'RecordSpotCheckDraw';
} & Omit<SpotCheckDrawn['data'], 'drawnBy'>;

export type RecordSpotCheckVisit = CommandContext & {
  readonly type: 'RecordSpotCheckVisit';
} & Omit<SpotCheckVisitRecorded['data'], 'visitor'>;

export type SpotCheckCommand = RecordSpotCheckDraw | RecordSpotCheckVisit;

export interface SpotCheckState {
  readonly drawn?: SpotCheckDrawn['data'];
  readonly visits: ReadonlyMap<string, SpotCheckVisitRecorded['data']>;
}

export const spotCheckDecider: Decider<SpotCheckState, SpotCheckCommand, SpotCheckEvent> = {
  initialState: () => ({ visits: new Map() }),
  decide(command, state) {
    switch (command.type) {
      case 'RecordSpotCheckDraw': {
        // A draw is made once; the same request again answers it (the caller reads it back).
        if (state.drawn !== undefined) return [];
        const { type: _type, actor, occurredAt: _at, ...data } = command;
        return [{ type: 'SpotCheckDrawn', data: { ...data, drawnBy: actor } }];
      }
      case 'RecordSpotCheckVisit': {
        const drawn = state.drawn;
        if (drawn === undefined) throw new SpotCheckNotFoundError(command.spotCheckId);
        if (!drawn.sample.items.some((item) => item.id === command.item))
          throw new SpotCheckItemNotSampledError(command.spotCheckId, command.item);
        const { type: _type, actor, occurredAt: _at, ...data } = command;
        const earlier = state.visits.get(command.item);
        if (earlier !== undefined) {
          const { visitor: _visitor, ...earlierData } = earlier;
          if (sameJson(earlierData, data)) return [];
          throw new OversightStateError(
            `the visit to ${command.item} is recorded already, with another result or remarks`,
          );
        }
        return [{ type: 'SpotCheckVisitRecorded', data: { ...data, visitor: actor } }];
      }
    }
  },
  evolve: evolveWith<SpotCheckState, SpotCheckEvent>(
    {
      SpotCheckDrawn: (state, event) => ({ ...state, drawn: event.data }),
      SpotCheckVisitRecorded: (state, event) => ({
        ...state,
        visits: new Map([...state.visits, [event.data.item, event.data]]),
      }),
    },
    'spot check',
  ),
};
