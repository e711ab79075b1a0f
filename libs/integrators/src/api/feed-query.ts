import { eventTypeScopePattern } from '@sunlight/auth';
import { isDivisionCode } from '@sunlight/geo';
import { RequestFieldError } from '@sunlight/kernel';
import { feedFormats, type FeedFormat } from '../application/feed-filter';

/** The query parameters a feed route takes; any other is a 400 naming it. */
export const feedQueryNames = ['after', 'types', 'streams', 'division', 'limit', 'format'] as const;
/** A log position as the API writes it: decimal digits (PostgreSQL pads them to 20). */
export const positionPattern = /^[0-9]{1,20}$/;
export const streamPrefixPattern = /^[a-z][a-z0-9]{0,31}(?:-[A-Za-z0-9._:-]{0,247})?$/;
export const feedPrefixesMax = 32;

/** Positions are PostgreSQL bigints: digits, at most 2^63 - 1. */
const positionMax = 2n ** 63n - 1n;

export function isPosition(text: string): boolean {
  return positionPattern.test(text) && BigInt(text) <= positionMax;
}

/** The parameters both feed routes share, checked: what the reader needs besides the caller. */
export interface FeedQuery {
  after?: string;
  types: string[];
  streams: string[];
  division?: string;
  format?: FeedFormat;
  limitText?: string;
}

export function parseFeedQuery(query: Record<string, unknown>): FeedQuery {
  for (const name of Object.keys(query)) {
    if (!(feedQueryNames as readonly string[]).includes(name)) {
      throw new RequestFieldError(
        name,
        `is not a parameter of this route (it takes ${feedQueryNames.join(', ')})`,
      );
    }
  }
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new RequestFieldError(name, 'must be given once');
    return value;
  };
  const after = text('after');
  if (after !== undefined && !isPosition(after)) {
    throw new RequestFieldError('after', 'must be a log position (1 to 20 digits)');
  }
  const division = text('division');
  if (division !== undefined && !isDivisionCode(division)) {
    throw new RequestFieldError('division', 'must be a division code');
  }
  const format = text('format');
  if (format !== undefined && !(feedFormats as readonly string[]).includes(format)) {
    throw new RequestFieldError('format', `must be one of ${feedFormats.join(', ')}`);
  }
  const limitText = text('limit');
  return {
    ...(after === undefined ? {} : { after }),
    types: prefixes(
      'types',
      text('types'),
      eventTypeScopePattern,
      'an event-type prefix such as Disbursement',
    ),
    streams: prefixes(
      'streams',
      text('streams'),
      streamPrefixPattern,
      'a stream-name prefix such as pool-',
    ),
    ...(division === undefined ? {} : { division }),
    ...(format === undefined ? {} : { format: format as FeedFormat }),
    ...(limitText === undefined ? {} : { limitText }),
  };
}

function prefixes(
  name: string,
  value: string | undefined,
  pattern: RegExp,
  what: string,
): string[] {
  if (value === undefined) return [];
  const parts = value.split(',');
  if (parts.length > feedPrefixesMax) {
    throw new RequestFieldError(name, `must list at most ${feedPrefixesMax} prefixes`);
  }
  for (const part of parts) {
    if (!pattern.test(part)) {
      throw new RequestFieldError(name, `must be a comma-separated list, each ${what}`);
    }
  }
  return [...new Set(parts)];
}

/** The format asked for: `format` wins, then the Accept header, then NDJSON. */
export function negotiatedFormat(
  format: FeedFormat | undefined,
  accept: string | undefined,
): FeedFormat {
  if (format !== undefined) return format;
  const media = (accept ?? '').toLowerCase();
  if (media.includes('application/cloudevents+json')) return 'cloudevents';
  if (/application\/json(?![\w-])/.test(media) && !media.includes('ndjson')) return 'json';
  return 'ndjson';
}
