import { performance } from 'node:perf_hooks';
import type { EventStore, GlobalPosition, RecordedEvent } from '@sunlight/event-store';
import { recompute, type Projection } from '@sunlight/read-store';

/**
 * `bench:projections`' reference for a rebuild: what `sunlight projections check` does before it
 * compares, the log up to its head folded in memory by each projection in turn, in this thread
 * (the same `apply` a rebuild runs, without reading or writing a document). Resolves with the
 * seconds it took and the events it read per projection.
 */
export async function foldInMemory(
  store: EventStore & { headPosition(): Promise<GlobalPosition | undefined> },
  projections: readonly Projection[],
): Promise<{ seconds: number; documents: number }> {
  const head = await store.headPosition();
  const started = performance.now();
  let documents = 0;
  for (const projection of projections) {
    const folded = await recompute(projection, upTo(store, head));
    documents += folded.size;
  }
  return { seconds: (performance.now() - started) / 1000, documents };
}

async function* upTo(
  store: EventStore,
  head: GlobalPosition | undefined,
): AsyncIterable<RecordedEvent> {
  if (head === undefined) return;
  const last = BigInt(head);
  for await (const event of store.readAll()) {
    if (BigInt(event.position) > last) return;
    yield event;
  }
}
