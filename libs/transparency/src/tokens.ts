import type { WitnessKey } from '@sunlight/integrity';

/** The tree as the API reads it (the app's login): proofs, checkpoints, cosignatures. */
export const TREE_STORE = 'TREE_STORE';
/** The tree as the integrator writes it (the projections' login). */
export const INTEGRATOR_TREE_STORE = 'INTEGRATOR_TREE_STORE';
/** The resolved `LogKey` (libs/keys): the checkpoint signer and its verifier key. */
export const LOG_KEY = 'LOG_KEY';

/** `{ origin, checkpointEveryEvents, checkpointIntervalMs, runIntegrator, witnesses }` from the app's config. */
export const TRANSPARENCY_CONFIG = 'TRANSPARENCY_CONFIG';

export interface TransparencyConfig {
  readonly origin: string;
  readonly checkpointEveryEvents: number;
  readonly checkpointIntervalMs: number;
  /** Whether this instance follows the log into the tree and signs checkpoints. */
  readonly runIntegrator: boolean;
  /** The witnesses whose cosignatures are accepted (POST /log/cosignatures) and served. */
  readonly witnesses: readonly WitnessKey[];
}
