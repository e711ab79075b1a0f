import { Inject, Injectable } from '@nestjs/common';
import {
  EVENT_STORE,
  toEventView,
  type EventStore,
  type EventView,
  type RecordedEvent,
} from '@sunlight/event-store';
import { RequestFieldError } from '@sunlight/kernel';
import type { StreamCategory } from '../stream-catalog';

/** Events folded by one `asOf` request; a longer stream must be read in pages. */
export const historyEventsMax = 10_000;

export interface StreamPage {
  streamName: string;
  events: EventView[];
  /** Pass as `fromRevision` for the next page; absent on the last page. */
  nextRevision?: string;
}

export interface StreamAsOf {
  streamName: string;
  asOf: string | null;
  state: unknown;
  events: EventView[];
}

/** Raw pages of a stream, and a stream as it stood at a moment. Callers check access first. */
@Injectable()
export class StreamQueries {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async page(streamName: string, fromRevision: number, limit: number): Promise<StreamPage> {
    const events: EventView[] = [];
    for await (const event of this.store.readStream(streamName, {
      fromRevision: BigInt(fromRevision),
      maxCount: limit + 1,
    })) {
      events.push(toEventView(event));
    }
    const hasMore = events.length > limit;
    const page = events.slice(0, limit);
    return {
      streamName,
      events: page,
      ...(hasMore
        ? { nextRevision: (BigInt(page[page.length - 1].revision) + 1n).toString() }
        : {}),
    };
  }

  /** The stream folded up to `asOf` (a time or a log position), with the events that made it. */
  async asOf(
    streamName: string,
    category: StreamCategory,
    asOf: string | undefined,
  ): Promise<StreamAsOf> {
    const included = asOfFilter(asOf);
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamName, {
      maxCount: historyEventsMax + 1,
    })) {
      if (!included(event)) break;
      events.push(event);
    }
    if (events.length > historyEventsMax) {
      throw new RequestFieldError(
        'asOf',
        `the stream holds more than ${historyEventsMax} events before that moment; read it in pages`,
      );
    }
    return {
      streamName,
      asOf: asOf ?? null,
      state: category.fold === undefined ? null : category.fold(events),
      events: events.map(toEventView),
    };
  }
}

function asOfFilter(asOf: string | undefined): (event: RecordedEvent) => boolean {
  if (asOf === undefined) return () => true;
  if (/^\d{1,20}$/.test(asOf)) {
    const position = BigInt(asOf);
    return (event) => BigInt(event.position) <= position;
  }
  const atMs = Date.parse(asOf);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(asOf) || Number.isNaN(atMs)) {
    throw new RequestFieldError('asOf', 'must be an ISO 8601 time or a log position');
  }
  return (event) => event.recordedAt.getTime() <= atMs;
}
