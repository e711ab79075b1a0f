import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EVENT_STORE,
  EventStoreUnavailableError,
  type EventStore,
  type EventStoreProbe,
  type GlobalPosition,
  type RecordedEvent,
} from '@sunlight/event-store';
import { delay } from '@sunlight/kernel';
import { InvalidVillageGroupError, UnknownDivisionError } from '../division';
import type { DivisionRegistry } from '../division-registry';
import { villageGroupRegisteredType } from '../domain';
import { villageGroupEventOf } from '../stored-events';
import { DIVISION_REGISTRY } from '../tokens';

const retryDelayMs = 1_000;
const unavailableRetryDelayMs = 5_000;

export type ProjectOutcome = 'added' | 'known' | 'skipped';

/**
 * Keeps the in-memory division registry in step with the log's `VillageGroupRegistered` events.
 * At start-up it reads them all before the app serves (Nest awaits `onApplicationBootstrap`
 * before `listen` opens the port), then follows new ones, including those other instances write.
 * Applying an event twice is harmless: the command handler applies its own event at once, and
 * the subscription delivers it again.
 */
@Injectable()
export class VillageGroupsProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VillageGroupsProjector.name);
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private lastPosition: GlobalPosition | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore & EventStoreProbe,
    @Inject(DIVISION_REGISTRY) private readonly registry: DivisionRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUp();
    this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.controller?.abort();
    await this.running;
  }

  /** The position up to which the log has been read, for lag reporting. */
  get position(): GlobalPosition | undefined {
    return this.lastPosition;
  }

  /** Puts one registration into the registry; an identical one already there is left as it is. */
  project(event: RecordedEvent): ProjectOutcome {
    const registered = villageGroupEventOf(event);
    if (registered === undefined) return 'skipped';
    const { villageCode, groupNumber, code, name } = registered.data;
    const known = this.registry.get(code);
    if (known !== undefined) {
      // The decider never gives one number two names, so a different name here is a bug or a tampered log.
      if (
        known.level !== 'village_group' ||
        known.parentCode !== villageCode ||
        known.name !== name
      ) {
        throw new Error(
          `invariant: ${code} is registered as ${JSON.stringify(known)} but event ${event.eventId} says ${JSON.stringify(name)}`,
        );
      }
      return 'known';
    }
    try {
      this.registry.addVillageGroup({ villageCode, groupNumber, name });
      return 'added';
    } catch (error) {
      // A newer divisions file may have merged or renumbered the village; the fact stays in the log.
      if (error instanceof UnknownDivisionError || error instanceof InvalidVillageGroupError) {
        this.logger.warn(
          `Village group ${code} (event ${event.eventId}) is not in the registry: ${error.message}`,
        );
        return 'skipped';
      }
      throw error;
    }
  }

  private async catchUp(): Promise<void> {
    // Everything at or below the head is read by readAll; following starts there even when no group matched.
    const head = await this.store.headPosition();
    let added = 0;
    let last: GlobalPosition | undefined;
    for await (const event of this.store.readAll({
      filter: { on: 'eventType', prefixes: [villageGroupRegisteredType] },
    })) {
      if (this.project(event) === 'added') added += 1;
      last = event.position;
    }
    this.lastPosition = later(head, last);
    this.logger.log(`Loaded ${added} village groups from the log`);
  }

  private follow(): void {
    if (this.running) return;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.running = this.loop(signal).finally(() => (this.running = undefined));
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const message of this.store.subscribeToAll({
          after: this.lastPosition,
          signal,
          filter: { on: 'eventType', prefixes: [villageGroupRegisteredType] },
        })) {
          if (message.kind === 'event') {
            this.project(message.event);
            this.lastPosition = message.event.position;
          } else if (message.kind === 'checkpoint') {
            this.lastPosition = message.position;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        this.logger.error(
          `village groups projector stopped on an error and resumes after ${this.lastPosition ?? 'the start'}: ${String(error)}`,
        );
        await delay(
          error instanceof EventStoreUnavailableError ? unavailableRetryDelayMs : retryDelayMs,
          signal,
        );
      }
    }
  }
}

// Positions from one store compare as plain strings in log order (event-store.port.ts).
function later(
  a: GlobalPosition | undefined,
  b: GlobalPosition | undefined,
): GlobalPosition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
