import type { FlagSpec } from './bench-flags';

/*
 * Every benchmark's flags, in one place so that a unit test can check each one refuses what it
 * cannot run (test/bench-flags.spec.ts) without starting anything.
 */

const scaleWhy =
  'the full-scale counts times this; below the minimum a workload is too short to measure, above the maximum a run takes hours';

/** `npm run bench:append`: each workload's appends are its full-scale count times `--scale`. */
export const appendFlags = {
  workloads: { kind: 'list', default: ['a', 'b', 'c'], values: ['a', 'b', 'c'] },
  scale: { kind: 'number', default: 1, min: 0.01, max: 20, why: scaleWhy },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:baselines`: Sunlight's store and the reference designs, round after round. */
export const baselinesFlags = {
  workloads: { kind: 'list', default: ['b', 'c'], values: ['a', 'b', 'c'] },
  rounds: { kind: 'number', integer: true, default: 2, min: 1, max: 20 },
  scale: { kind: 'number', default: 1, min: 0.01, max: 20, why: scaleWhy },
  stores: {
    kind: 'list',
    default: ['sunlight', 'unchained', 'naive-chained'],
    values: ['sunlight', 'unchained', 'naive-chained'],
  },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:ledger`: commands through HTTP (beside the reference route) and the bus. */
export const ledgerFlags = {
  workloads: {
    kind: 'list',
    default: ['http-disbursements', 'bus-disbursements', 'long-pool'],
    values: ['http-disbursements', 'bus-disbursements', 'long-pool'],
  },
  scale: { kind: 'number', default: 1, min: 0.01, max: 20, why: scaleWhy },
  rounds: { kind: 'number', integer: true, default: 2, min: 1, max: 20 },
  'long-pool-events': {
    kind: 'number',
    integer: true,
    default: 100_000,
    min: 1_000,
    max: 10_000_000,
  },
  'with-projections': { kind: 'boolean' },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/**
 * Fewer events than this are the ledger's set-up alone (five fund lines allocated down to 1,461
 * townships take about 16,000), with hardly a disbursement to read or rebuild.
 */
export const projectionsEventsMin = 20_000;
export const projectionsEventsFullScale = 1_000_000;

/** `npm run bench:projections`: `--scale` sets the log's size (`--events` overrides it). */
export const projectionsFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: projectionsEventsMin / projectionsEventsFullScale,
    max: 20,
    why: `${projectionsEventsFullScale.toLocaleString('en')} events times this; fewer than ${projectionsEventsMin.toLocaleString('en')} are the ledger's set-up alone`,
  },
  events: {
    kind: 'number',
    integer: true,
    default: 0,
    min: projectionsEventsMin,
    max: 20_000_000,
    why: `fewer than ${projectionsEventsMin.toLocaleString('en')} are the ledger's set-up alone`,
  },
  adapters: { kind: 'list', default: ['postgres', 'mongodb'], values: ['postgres', 'mongodb'] },
  'mongodb-url': { kind: 'string' },
  'mongodb-events': { kind: 'number', integer: true, default: 0, min: 1, max: 20_000_000 },
  'batch-size': { kind: 'number', integer: true, default: 500, min: 1, max: 50_000 },
  'catch-up-batch-size': { kind: 'number', integer: true, default: 0, min: 1, max: 50_000 },
  concurrency: { kind: 'numbers', default: [4, 16], min: 1, max: 256 },
  rounds: { kind: 'number', integer: true, default: 2, min: 1, max: 20 },
  'load-seconds': { kind: 'number', default: 20, min: 0, max: 3_600 },
  'lag-seconds': { kind: 'number', default: 20, min: 0, max: 3_600 },
  'lag-rate': { kind: 'number', integer: true, default: 500, min: 0, max: 100_000 },
  'database-url': { kind: 'string' },
  seed: { kind: 'number', integer: true, default: 53, min: 0, max: 2 ** 31 },
  projections: { kind: 'list', default: [] },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:integrity`: the log's size is 1,000,000 events times `--scale`. */
export const integrityEventsFullScale = 1_000_000;
export const integrityFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 5,
    why: `${integrityEventsFullScale.toLocaleString('en')} events times this; below 10,000 the tree build is too short to time, above 5,000,000 the fill takes hours`,
  },
  /** Workload (c) of bench:append per measured run: its full-scale 100,000 events times this. */
  'append-scale': { kind: 'number', default: 1, min: 0.05, max: 10, why: scaleWhy },
  rounds: { kind: 'number', integer: true, default: 3, min: 1, max: 20 },
  'proof-seconds': { kind: 'number', default: 10, min: 1, max: 600 },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench`: every benchmark above at a small scale, then one table of ratios. */
export const allFlags = {
  scale: {
    kind: 'number',
    default: 0.05,
    min: projectionsEventsMin / projectionsEventsFullScale,
    max: 1,
    why: 'passed to every benchmark; the projections benchmark needs at least 20,000 events',
  },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:roster`: 10,000- and 100,000-line rosters times `--scale`. */
export const rosterFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 2,
    why: '10,000 and 100,000 lines times this; below 0.01 a roster is too short to measure, above 2 the XLSX no longer fits the upload limit',
  },
  formats: { kind: 'list', default: ['csv', 'xlsx'], values: ['csv', 'xlsx'] },
  'database-url': { kind: 'string' },
  'redis-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:households`: 100,000 households of 4 members times `--scale`, then cards. */
export const householdsFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 5,
    why: '100,000 households times this; below 0.01 the run is too short to measure, above 5 it takes hours',
  },
  concurrency: { kind: 'number', integer: true, default: 32, min: 1, max: 1_024 },
  'card-requests': { kind: 'number', integer: true, default: 5_000, min: 100, max: 1_000_000 },
  'card-concurrency': { kind: 'number', integer: true, default: 8, min: 1, max: 256 },
  'database-url': { kind: 'string' },
  seed: { kind: 'number', integer: true, default: 14, min: 0, max: 2 ** 31 },
} as const satisfies Record<string, FlagSpec>;

export const feedsFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 2,
    why: '100 subscribers and 1,000 events/s times this; below 0.01 there is one subscriber at 10 events/s',
  },
  seconds: {
    kind: 'number',
    default: 20,
    min: 2,
    max: 600,
    integer: true,
    why: 'seconds of appending while the subscribers follow',
  },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:webhooks`: 20,000 live and 100,000 backlog events times `--scale`. */
export const webhooksFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 2,
    why: '20,000 live and 100,000 backlog events times this (at least 100 each)',
  },
  batch: {
    kind: 'number',
    default: 100,
    min: 1,
    max: 1_000,
    integer: true,
    why: 'events per delivery (WEBHOOK_BATCH_MAX)',
  },
  'database-url': { kind: 'string' },
  'redis-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `npm run bench:photos`: 1,000 uploads and an index of 1,000,000 hashes, times `--scale`. */
export const photosFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.01,
    max: 2,
    why: '1,000 uploads and 1,000,000 indexed hashes times this; below 0.01 there are 10 uploads',
  },
  concurrency: {
    kind: 'number',
    integer: true,
    default: 4,
    min: 1,
    max: 64,
    why: 'uploads in flight at once',
  },
  'database-url': { kind: 'string' },
} as const satisfies Record<string, FlagSpec>;

/** `bench:crosscheck` (issue 17): roster entries and registry rows per registry at scale 1. */
export const crossCheckFullScale = 1_000_000;
export const crossCheckFlags = {
  scale: {
    kind: 'number',
    default: 1,
    min: 0.001,
    max: 2,
    why: '1,000,000 roster entries and 1,000,000 rows per registry times this; below 0.001 there is too little to measure, above 2 the log no longer fits the target',
  },
  'hit-rate': {
    kind: 'number',
    default: 0.001,
    min: 0,
    max: 0.05,
    why: 'the share of roster entries each registry names (each becomes a finding)',
  },
  'database-url': { kind: 'string' },
  seed: { kind: 'number', integer: true, default: 17, min: 0, max: 2 ** 31 },
} as const satisfies Record<string, FlagSpec>;
