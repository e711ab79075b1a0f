import {
  CompactRange,
  emptyTreeRoot,
  openCheckpoint,
  type NoteVerifier,
} from '@sunlight/integrity';

export type CheckpointProblemKind = 'invalid_checkpoint' | 'root_mismatch' | 'log_truncated';

export interface CheckpointVerification {
  /** Signed checkpoints whose root was recomputed from the log and matched. */
  checked: number;
  /** The largest tree size a valid signed checkpoint commits to. */
  largestSize: number | undefined;
  /** The first thing found wrong, if any. */
  problem?: { kind: CheckpointProblemKind; size?: number; detail: string };
}

interface SignedRoot {
  size: number;
  rootHash: Buffer;
}

/**
 * Rebuilds the Merkle tree from the canonical event texts of a chain walk and compares its root
 * with every signed checkpoint at that checkpoint's size. The chain alone cannot see two attacks
 * a database superuser can make: deleting the last events (the shorter chain is still a chain)
 * and editing an event and recomputing every later hash. A checkpoint signed before either, with
 * a key kept outside the database, sees both: its size is past the log's end, or its root is
 * not the root of the log as it now stands.
 */
export class CheckpointWalk {
  private readonly pending: SignedRoot[] = [];
  private readonly range = CompactRange.empty();
  private checked = 0;
  private problem: CheckpointVerification['problem'];
  private readonly largestSize: number | undefined;

  constructor(
    notes: readonly string[],
    options: { origin: string; verifiers: readonly NoteVerifier[] },
  ) {
    for (const note of notes) {
      try {
        const { checkpoint } = openCheckpoint(note, {
          origin: options.origin,
          logVerifiers: options.verifiers,
        });
        this.pending.push({ size: checkpoint.size, rootHash: checkpoint.rootHash });
      } catch (error) {
        const size = Number(/^[^\n]*\n([0-9]+)\n/.exec(note)?.[1] ?? Number.NaN);
        this.report({
          kind: 'invalid_checkpoint',
          ...(Number.isSafeInteger(size) ? { size } : {}),
          detail: `a stored checkpoint is not one the log signed: ${(error as Error).message}`,
        });
      }
    }
    this.pending.sort((a, b) => a.size - b.size);
    this.largestSize = this.pending.at(-1)?.size;
    this.compareDue();
  }

  /** The next event's leaf hash, in log order. */
  add(leafHash: Buffer): void {
    this.range.append(leafHash);
    this.compareDue();
  }

  /** Once the walk is over: whether the log reaches every checkpoint (when the chain held). */
  finish(chainOk: boolean): CheckpointVerification {
    const beyond = this.pending[0];
    if (chainOk && beyond !== undefined) {
      this.report({
        kind: 'log_truncated',
        size: beyond.size,
        detail: `the log ends at position ${this.range.size}, but a checkpoint of ${beyond.size} events was signed`,
      });
    }
    return {
      checked: this.checked,
      largestSize: this.largestSize,
      ...(this.problem === undefined ? {} : { problem: this.problem }),
    };
  }

  private compareDue(): void {
    while (this.pending.length > 0 && this.pending[0].size === this.range.size) {
      const { size, rootHash } = this.pending.shift() as SignedRoot;
      const root = size === 0 ? emptyTreeRoot : this.range.root();
      if (root.equals(rootHash)) {
        this.checked += 1;
      } else {
        this.report({
          kind: 'root_mismatch',
          size,
          detail:
            `the signed checkpoint of ${size} events has root ${rootHash.toString('base64')}, ` +
            `the log's first ${size} events have root ${root.toString('base64')}: an event at or before position ${size} was changed, removed, inserted or reordered`,
        });
      }
    }
  }

  private report(problem: NonNullable<CheckpointVerification['problem']>): void {
    this.problem ??= problem;
  }
}
