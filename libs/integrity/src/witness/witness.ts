import { verifyConsistency } from '../merkle/verify';
import { IntegrityError } from '../integrity-error';
import type { Checkpoint } from '../note/checkpoint';

/**
 * What a witness decides about the log's newest checkpoint, given the last one it cosigned
 * (C2SP tlog-witness: a witness only cosigns a checkpoint consistent with every one it cosigned
 * before). The caller has already checked the log's signature and origin on both.
 */
export type WitnessVerdict =
  /** Nothing cosigned before: trust on first use. */
  | { readonly kind: 'first' }
  /** The same tree as last time. */
  | { readonly kind: 'same' }
  /** A larger tree that the consistency proof shows extends the last one. */
  | { readonly kind: 'extends' }
  /** Two signed checkpoints that cannot both be true: the log has forked (or rolled back). */
  | { readonly kind: 'fork'; readonly reason: string };

/**
 * Judges `next` against `previous` with the consistency proof from previous.size to next.size
 * (needed only when next is larger). Roots are the checkpoints' own, never what the server sends
 * beside the proof.
 */
export function judgeCheckpoint(
  previous: Checkpoint | undefined,
  next: Checkpoint,
  proof: readonly Uint8Array[] = [],
): WitnessVerdict {
  if (previous === undefined) return { kind: 'first' };
  if (previous.origin !== next.origin) {
    return {
      kind: 'fork',
      reason: `origin ${JSON.stringify(next.origin)} is not ${JSON.stringify(previous.origin)}`,
    };
  }
  if (next.size < previous.size) {
    return {
      kind: 'fork',
      reason: `the log went back from ${previous.size} events to ${next.size}`,
    };
  }
  if (next.size === previous.size) {
    return previous.rootHash.equals(next.rootHash)
      ? { kind: 'same' }
      : { kind: 'fork', reason: `two roots for the tree of ${next.size} events` };
  }
  if (previous.size === 0) return { kind: 'extends' };
  try {
    verifyConsistency(previous.size, next.size, proof, previous.rootHash, next.rootHash);
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    return {
      kind: 'fork',
      reason: `the tree of ${next.size} events does not extend the one of ${previous.size}: ${error.message}`,
    };
  }
  return { kind: 'extends' };
}
