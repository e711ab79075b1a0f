/**
 * The shared contract of a ProcessorCheckpointStore: nothing for a processor that never saved; a
 * saved position loads back; a checkpoint never moves backwards, also when saves race; processors
 * do not share checkpoints. Positions are real ones from the adapter's log, since only that log's
 * positions need to compare. Processor names are unique per run.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, GlobalPosition } from '../event-store.port';
import type { ProcessorCheckpointStore } from '../processor-checkpoint.port';
import { newEvent } from './event-store.contract';

export interface ProcessorCheckpointsContractHarness {
  /** The log and its checkpoint store; called once per suite. */
  open(): Promise<{ log: EventStore; checkpoints: ProcessorCheckpointStore }>;
  close(): Promise<void>;
}

export function describeProcessorCheckpointsContract(
  label: string,
  harness: ProcessorCheckpointsContractHarness,
): void {
  describe(`ProcessorCheckpointStore contract: ${label}`, () => {
    let checkpoints: ProcessorCheckpointStore;
    let positions: GlobalPosition[];

    beforeAll(async () => {
      const opened = await harness.open();
      checkpoints = opened.checkpoints;
      positions = [];
      const streamName = `checkpointed-${randomUUID()}`;
      for (let index = 0; index < 6; index += 1) {
        const { position } = await opened.log.appendToStream(streamName, [newEvent()], {
          expectedRevision: index === 0 ? 'no_stream' : BigInt(index - 1),
        });
        positions.push(position);
      }
    });
    afterAll(async () => {
      await harness.close();
    });

    const processor = () => `processor-${randomUUID()}`;

    it('loads nothing for a processor that never saved, and a saved position back', async () => {
      const name = processor();
      expect(await checkpoints.load(name)).toBeUndefined();
      await checkpoints.save(name, positions[1]!);
      expect(await checkpoints.load(name)).toBe(positions[1]);
      await checkpoints.save(name, positions[3]!);
      expect(await checkpoints.load(name)).toBe(positions[3]);
    });

    it('never moves a checkpoint backwards', async () => {
      const name = processor();
      await checkpoints.save(name, positions[4]!);
      await checkpoints.save(name, positions[2]!);
      await checkpoints.save(name, positions[4]!);
      expect(await checkpoints.load(name)).toBe(positions[4]);
    });

    it('ends at the furthest position when saves race', async () => {
      const name = processor();
      await Promise.all(
        [...positions].reverse().map((position) => checkpoints.save(name, position)),
      );
      expect(await checkpoints.load(name)).toBe(positions[5]);
    });

    it('keeps each processor its own checkpoint', async () => {
      const [first, second] = [processor(), processor()];
      await checkpoints.save(first, positions[5]!);
      await checkpoints.save(second, positions[0]!);
      expect(await checkpoints.load(first)).toBe(positions[5]);
      expect(await checkpoints.load(second)).toBe(positions[0]);
    });
  });
}
