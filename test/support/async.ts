/** Polling bounds for effects that processors produce after a request has been answered. */
export const eventuallyTimeoutMsDefault = 10_000;
const eventuallyIntervalMs = 50;

/** Retries `check` until it stops throwing; after `timeoutMs` the last failure is thrown. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = eventuallyTimeoutMsDefault,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, eventuallyIntervalMs));
    }
  }
}

/**
 * Runs `work` over `items` with `width` calls in flight at all times (a worker pool, not
 * batches), so concurrent requests keep overlapping until the queue is empty. Results keep the
 * items' order.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
