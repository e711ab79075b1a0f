import { WrongExpectedVersionError } from '../errors';
import type { GlobalPosition } from '../event-store.port';
import type { ProcessorCheckpointStore } from '../processor-checkpoint.port';
import type { KurrentDbEventStore } from './kurrentdb-event-store';
import { derivedEventId, storeStreamName } from './store-streams';

export const checkpointSavedType = 'CheckpointSaved';

/**
 * Saves racing for one processor's checkpoint: each conflict means another save of a lower
 * position went through (a higher one ends this save), so the attempts needed grow with the
 * savers racing, which is one instance in the app and a handful in the contract. Past the limit
 * the save is dropped: a checkpoint that lags only causes redelivery, which processors tolerate.
 */
const saveAttemptsMax = 10;

/**
 * Processor checkpoints on KurrentDB: one store stream per processor
 * (`sunlight-store-checkpoint-<sha256 of the name>`) whose last `CheckpointSaved` record is the
 * position. Like snapshots (kurrentdb-snapshot-store.ts) the stream carries no `$maxCount`, so it
 * keeps one small record per save; only the last is read.
 */
export class KurrentDbProcessorCheckpoints implements ProcessorCheckpointStore {
  constructor(private readonly store: KurrentDbEventStore) {}

  async load(processor: string): Promise<GlobalPosition | undefined> {
    return (await this.last(processor))?.position;
  }

  async save(processor: string, position: GlobalPosition): Promise<void> {
    const storeStream = storeStreamName('checkpoint', processor);
    for (let attempt = 1; attempt <= saveAttemptsMax; attempt += 1) {
      const last = await this.last(processor);
      // Positions of one store compare as strings: never move a checkpoint backwards.
      if (last !== undefined && last.position >= position) return;
      try {
        await this.store.appendStoreRecords(
          storeStream,
          [
            {
              eventId: derivedEventId(storeStream, position),
              type: checkpointSavedType,
              data: { position },
            },
          ],
          last?.revision ?? 'no_stream',
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  private async last(
    processor: string,
  ): Promise<{ revision: bigint; position: GlobalPosition } | undefined> {
    for await (const record of this.store.readStream(storeStreamName('checkpoint', processor), {
      direction: 'backwards',
      maxCount: 1,
    })) {
      const position = record.data['position'];
      if (typeof position !== 'string') {
        throw new TypeError(`the checkpoint record of ${processor} holds no position`);
      }
      return { revision: record.revision, position };
    }
    return undefined;
  }
}
