import { setTimeout as wait } from 'node:timers/promises';

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. For retry back-offs. */
export async function delay(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, { signal });
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}
