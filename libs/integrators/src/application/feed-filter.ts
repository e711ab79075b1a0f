import type { AllFilter, RecordedEvent } from '@sunlight/event-store';

/** What a feed request asks for, once its parameters are checked. */
export interface FeedRequest {
  /** Exclusive: the first event is the one after this position. */
  readonly after?: string;
  /** Event-type prefixes asked for; empty: every type the caller may read. */
  readonly types: readonly string[];
  /** Stream-name prefixes asked for; empty: every stream. */
  readonly streams: readonly string[];
  /** The division the events must lie in: the caller's own, or one inside it. */
  readonly division: string;
  /** Whether `division` was asked for (public streams, which belong to no division, then drop out). */
  readonly divisionAsked: boolean;
  readonly format: FeedFormat;
  /** Streams never sent whatever the filters say (a webhook's own subscription streams). */
  readonly excludedStreams?: readonly string[];
}

export const feedFormats = ['ndjson', 'json', 'cloudevents'] as const;
export type FeedFormat = (typeof feedFormats)[number];

/**
 * The type prefixes an event must match: those asked for, narrowed to the caller's scopes (an
 * integrator's). Each is the longer of an asked prefix and a scope where one extends the other,
 * so the set admits exactly the types both admit. `undefined`: any type.
 */
export function effectiveTypePrefixes(
  asked: readonly string[],
  scopes: readonly string[] | undefined,
): readonly string[] | undefined {
  if (scopes === undefined) return asked.length === 0 ? undefined : asked;
  if (asked.length === 0) return scopes;
  const prefixes = new Set<string>();
  for (const type of asked) {
    for (const scope of scopes) {
      if (type.startsWith(scope)) prefixes.add(type);
      else if (scope.startsWith(type)) prefixes.add(scope);
    }
  }
  return [...prefixes];
}

function matchesAny(value: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((prefix) => value.startsWith(prefix));
}

/** How one request's events are chosen: the store's own filter, then the rest in memory. */
export class FeedSelection {
  /** Given to the store: it filters on one field only, so the other is checked here too. */
  readonly storeFilter: AllFilter | undefined;
  /** True when no event can match (asked types and scopes do not meet). */
  readonly empty: boolean;

  constructor(
    private readonly typePrefixes: readonly string[] | undefined,
    private readonly streamPrefixes: readonly string[],
    /** Whether the caller may read an event of this stream, and it lies in the asked division. */
    private readonly streamAdmitted: (streamName: string) => boolean,
  ) {
    this.empty = typePrefixes !== undefined && typePrefixes.length === 0;
    this.storeFilter =
      typePrefixes !== undefined && typePrefixes.length > 0
        ? { on: 'eventType', prefixes: typePrefixes }
        : streamPrefixes.length > 0
          ? { on: 'streamName', prefixes: streamPrefixes }
          : undefined;
  }

  admits(event: RecordedEvent): boolean {
    return (
      matchesAny(event.type, this.typePrefixes) &&
      (this.streamPrefixes.length === 0 || matchesAny(event.streamName, this.streamPrefixes)) &&
      this.streamAdmitted(event.streamName)
    );
  }
}
