/**
 * The export bundle `sunlight export` writes and `sunlight audit` reads: a directory of
 *
 * - `manifest.json` (BundleManifest): the log, the division, the position range, the anchor
 *   checkpoint, and the hashes that bind the whole range into the anchor's tree;
 * - `events.ndjson`: one line per log position from `from` to `to`, in log order: the division's
 *   events in full (the chained fields, the bytes the leaf hash covers), every other event as
 *   `{"position", "leafHash"}` only, so the range is complete without showing other divisions;
 * - `proofs.ndjson`: for each event in full, `{"position", "proof"}`, its RFC 6962 inclusion proof
 *   in the anchor checkpoint's tree;
 * - `checkpoints/<size>.txt`: the log's signed checkpoints of the sizes the manifest lists, each
 *   with the witnesses' cosignatures (C2SP signed notes).
 *
 * Hashes are base64; positions are decimal strings as the API gives them, sizes numbers.
 */
export const bundleFormat = 'sunlight-export/v1';

export interface BundleManifest {
  readonly format: typeof bundleFormat;
  /** The log's name, the first line of its checkpoints. */
  readonly origin: string;
  /** Whose events are in full: streams of this division and below, and public ones. */
  readonly division: string;
  /** First and last log position of the range, inclusive (1-based; leaf index = position − 1). */
  readonly from: number;
  readonly to: number;
  /** The checkpoint every proof is against: the last of `checkpoints`. */
  readonly anchor: number;
  /** The sizes of the checkpoints in `checkpoints/`, increasing; consecutive ones are proved consistent. */
  readonly checkpoints: readonly number[];
  /** Consistency proofs from each listed checkpoint to the next. */
  readonly consistency: readonly { from: number; to: number; proof: readonly string[] }[];
  /** The compact range of the tree of `from − 1` leaves (transparency-dev's), left to right. */
  readonly leftRange: readonly string[];
  /** Consistency proof from the tree of `to` leaves to the anchor's. */
  readonly rangeProof: readonly string[];
  readonly exportedAt: string;
}

/** An event in full: what the leaf hash covers (SHA-256 of 0x00 ‖ its RFC 8785 JSON). */
export interface BundleEvent {
  readonly position: string;
  readonly stream: string;
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly recordedAt: string;
}

/** An event of another division: its leaf hash only. */
export interface RedactedEvent {
  readonly position: string;
  readonly leafHash: string;
}

export interface BundleProof {
  readonly position: string;
  readonly proof: readonly string[];
}

export const manifestFile = 'manifest.json';
export const eventsFile = 'events.ndjson';
export const proofsFile = 'proofs.ndjson';
export const checkpointsDir = 'checkpoints';

export function checkpointFile(size: number): string {
  return `${checkpointsDir}/${size}.txt`;
}
