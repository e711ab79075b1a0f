import type { RecordedEvent } from '@sunlight/event-store';

/**
 * What the log's raw readers (auditors, commissions) may see of each stream category, and how a
 * stream of it folds into a state. Every category a context writes is described here by that
 * context; a stream whose category nobody described is refused to everyone, admins included, so
 * a new context's streams are never readable outside their jurisdiction by accident.
 */
export interface StreamCategory {
  /** The stream name's prefix before the first `-`: `pool` for `pool-<fundId>.<division>`. */
  readonly category: string;
  /**
   * The division a stream belongs to, for the caller's jurisdiction check; `'public'` for streams
   * every role may read (fund lines are published, 公告公示); undefined for a name this category
   * would never write (refused as not found).
   */
  divisionOf(streamName: string): string | 'public' | undefined;
  /** The stream's state after `events`, as the as-of history shows it; absent: events only. */
  fold?(events: readonly RecordedEvent[]): unknown;
}

export const STREAM_CATEGORIES = 'STREAM_CATEGORIES';

/** Stream names as the event store accepts them, without control characters. */
export const streamNamePattern = /^[a-z][a-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]{0,247}$/;

export class StreamCatalog {
  private readonly byCategory: ReadonlyMap<string, StreamCategory>;

  constructor(categories: readonly StreamCategory[]) {
    const byCategory = new Map<string, StreamCategory>();
    for (const category of categories) {
      if (byCategory.has(category.category)) {
        throw new Error(`stream category ${category.category} is described twice`);
      }
      byCategory.set(category.category, category);
    }
    this.byCategory = byCategory;
  }

  /** The category that describes `streamName`, or undefined for a name no context writes. */
  categoryOf(streamName: string): StreamCategory | undefined {
    if (!streamNamePattern.test(streamName)) return undefined;
    return this.byCategory.get(streamName.slice(0, streamName.indexOf('-')));
  }
}
