import type { EventStore } from '@sunlight/event-store';
import type { PlannedAppend } from './ledger-generator';

/**
 * Appends with several calls in flight (the store groups concurrent appends into one commit),
 * while appends to the same stream still go one after the other: each carries an exact expected
 * revision, so the second must not overtake the first.
 */
export class AppendPipeline {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly streamTails = new Map<string, Promise<void>>();
  private failure: { error: unknown } | undefined;
  /** Events whose append has committed. */
  committedEvents = 0;

  constructor(
    private readonly store: EventStore,
    private readonly inFlightMax: number,
  ) {}

  get pending(): number {
    return this.inFlight.size;
  }

  /** Starts the append; waits first while `inFlightMax` are already running. */
  async push(plan: PlannedAppend): Promise<void> {
    while (this.inFlight.size >= this.inFlightMax) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const previous = this.streamTails.get(plan.streamName) ?? Promise.resolve();
    const done = previous
      .then(() =>
        this.store.appendToStream(plan.streamName, plan.events, {
          expectedRevision: plan.expectedRevision,
        }),
      )
      .then(
        () => {
          this.committedEvents += plan.events.length;
        },
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.inFlight.delete(done);
        if (this.streamTails.get(plan.streamName) === done)
          this.streamTails.delete(plan.streamName);
      });
    this.inFlight.add(done);
    this.streamTails.set(plan.streamName, done);
  }

  /** Waits for every append started so far; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
