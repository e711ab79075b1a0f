import { readRoot, signCheckpoint, type NoteSigner } from '@sunlight/integrity';
import { growTree } from './tree-growth';
import type { StoredCheckpoint, TreeStore } from './tree-store.port';

export interface LogIntegratorOptions {
  /** The log's name on its checkpoints (C2SP origin line). */
  readonly origin: string;
  /** The log's checkpoint key. */
  readonly signer: NoteSigner;
  /** Sign a checkpoint once the tree has grown by this many events since the last one… */
  readonly checkpointEveryEvents: number;
  /** …or once this long has passed since the last one and the tree has grown at all. */
  readonly checkpointIntervalMs: number;
  /** Events integrated per transaction. */
  readonly batchSize?: number;
  /** How long to wait before looking at the log again when it had nothing new. */
  readonly idlePollMs?: number;
  /** After a failure, how long before the next attempt. */
  readonly retryDelayMs?: number;
  readonly now?: () => Date;
  readonly onError?: (error: unknown) => void;
}

export const integratorBatchSizeDefault = 2_000;
export const integratorBatchSizeMax = 20_000;
const idlePollMsDefault = 200;
const retryDelayMsDefault = 2_000;

export type IntegratorState = 'starting' | 'following' | 'failing' | 'stopped';

export interface IntegratorStatus {
  readonly state: IntegratorState;
  /** The tree size after the last step this integrator made or saw. */
  readonly treeSize: number | undefined;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
}

/**
 * Follows the log into the Merkle tree and signs checkpoints. It never touches the append path:
 * it reads what is committed, after the appends, in transactions of its own, so the tree lags
 * the log by about one poll and one batch. Several instances may run one each; the store makes
 * their steps take turns, and a checkpoint of a given size is the same note whoever signs it.
 */
export class LogIntegrator {
  private state: IntegratorState = 'starting';
  private treeSize: number | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private lastCheckpoint: StoredCheckpoint | undefined;
  private checkpointLoaded = false;

  constructor(
    private readonly store: TreeStore,
    private readonly options: LogIntegratorOptions,
  ) {
    if (options.checkpointEveryEvents < 1 || options.checkpointIntervalMs < 1) {
      throw new RangeError('checkpoints need a positive event count and interval');
    }
  }

  status(): IntegratorStatus {
    return {
      state: this.state,
      treeSize: this.treeSize,
      consecutiveFailures: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Integrates at most one batch, then signs a checkpoint if one is due. Returns the events added. */
  async step(): Promise<number> {
    const growth = await this.store.grow(
      this.options.batchSize ?? integratorBatchSizeDefault,
      growTree,
    );
    await this.checkpointIfDue();
    return growth?.added ?? 0;
  }

  /**
   * Signs the current tree if it has grown enough or long enough since the last checkpoint, and
   * the empty tree's checkpoint if none exists, so the log always has one to serve.
   */
  async checkpointIfDue(): Promise<StoredCheckpoint | undefined> {
    if (!this.checkpointLoaded) {
      this.lastCheckpoint = await this.store.latestCheckpoint();
      this.checkpointLoaded = true;
    }
    const size = await this.store.treeSize();
    this.treeSize = size;
    const last = this.lastCheckpoint;
    const now = (this.options.now ?? (() => new Date()))();
    if (last !== undefined) {
      if (size <= last.size) return undefined;
      const grownEnough = size - last.size >= this.options.checkpointEveryEvents;
      const longEnough =
        now.getTime() - last.signedAt.getTime() >= this.options.checkpointIntervalMs;
      if (!grownEnough && !longEnough) return undefined;
    }
    const rootHash = await readRoot(this.store, size);
    const note = signCheckpoint({ origin: this.options.origin, size, rootHash, extensions: [] }, [
      this.options.signer,
    ]);
    const checkpoint: StoredCheckpoint = { size, rootHash, note, signedAt: now };
    await this.store.addCheckpoint(checkpoint);
    this.lastCheckpoint = (await this.store.latestCheckpoint()) ?? checkpoint;
    return this.lastCheckpoint;
  }

  /** Steps until `signal` aborts: at once while the log has more, after a short wait when not. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let added = 0;
      let delayMs = this.options.idlePollMs ?? idlePollMsDefault;
      try {
        added = await this.step();
        this.state = 'following';
        this.failures = 0;
        this.lastError = undefined;
      } catch (error) {
        if (signal.aborted) break;
        this.state = 'failing';
        this.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
        delayMs = this.options.retryDelayMs ?? retryDelayMsDefault;
      }
      if (added === 0) await sleep(delayMs, signal);
    }
    this.state = 'stopped';
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
