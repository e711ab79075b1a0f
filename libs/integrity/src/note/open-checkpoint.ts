import { cosignatureTimestamp } from './cosignature';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { CheckpointOriginError, CosignatureQuorumError, UnverifiedNoteError } from './note.errors';
import { openNote, type NoteSignature, type NoteVerifier } from './signed-note';

export interface OpenCheckpointOptions {
  /** The log the caller asks about; a checkpoint of any other origin is refused. */
  readonly origin: string;
  /** The log's checkpoint keys; at least one must have signed. */
  readonly logVerifiers: readonly NoteVerifier[];
  /** Witnesses whose cosignatures count (tlog-cosignature verifiers). */
  readonly witnessVerifiers?: readonly NoteVerifier[];
  /** How many distinct witnesses must have cosigned; 0 unless given. */
  readonly witnessQuorum?: number;
}

export interface WitnessCosignature {
  readonly keyName: string;
  readonly keyId: number;
  readonly timestampSec: number;
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The checkpoint's note text, as signed. */
  readonly text: string;
  readonly logSignatures: readonly NoteSignature[];
  /** One per witness name, its latest valid cosignature. */
  readonly cosignatures: readonly WitnessCosignature[];
}

/**
 * Verifies a signed checkpoint: a valid signature by one of the log's keys, the expected origin,
 * every signature by a known key (log or witness) valid, and at least `witnessQuorum` witnesses
 * cosigning. Signatures by keys not given are ignored, as the spec requires. Throws the note's
 * errors, UnverifiedNoteError when no log key signed, CheckpointOriginError or
 * CosignatureQuorumError.
 */
export function openCheckpoint(
  message: string | Uint8Array,
  options: OpenCheckpointOptions,
): OpenedCheckpoint {
  const witnessVerifiers = options.witnessVerifiers ?? [];
  const note = openNote(message, [...options.logVerifiers, ...witnessVerifiers]);
  const isBy = (verifiers: readonly NoteVerifier[]) => (signature: NoteSignature) =>
    verifiers.some((v) => v.keyName === signature.keyName && v.keyId === signature.keyId);
  const logSignatures = note.verified.filter(isBy(options.logVerifiers));
  if (logSignatures.length === 0) {
    throw new UnverifiedNoteError(note.verified.map((s) => s.keyName));
  }
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== options.origin) {
    throw new CheckpointOriginError(options.origin, checkpoint.origin);
  }
  const latest = new Map<string, WitnessCosignature>();
  for (const signature of note.verified.filter(isBy(witnessVerifiers))) {
    const cosignature = {
      keyName: signature.keyName,
      keyId: signature.keyId,
      timestampSec: cosignatureTimestamp(signature),
    };
    // A witness is its name: two keys of one witness (during a rotation) count once.
    const before = latest.get(signature.keyName);
    if (before === undefined || before.timestampSec < cosignature.timestampSec) {
      latest.set(signature.keyName, cosignature);
    }
  }
  const cosignatures = [...latest.values()];
  const quorum = options.witnessQuorum ?? 0;
  if (cosignatures.length < quorum) {
    throw new CosignatureQuorumError(
      quorum,
      cosignatures.map((c) => c.keyName),
    );
  }
  return { checkpoint, text: note.text, logSignatures, cosignatures };
}
