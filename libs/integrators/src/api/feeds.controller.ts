import type { ServerResponse } from 'node:http';
import {
  applyDecorators,
  Controller,
  Get,
  Headers,
  Inject,
  Logger,
  Query,
  Res,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import {
  assertWithinJurisdiction,
  CurrentActor,
  CurrentScopes,
  Jurisdiction,
  Roles,
} from '@sunlight/auth';
import { anyDivisionCodePattern, DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse, integerQuery, schemaRef } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { cloudEventOf, type FeedEvent } from '../application/feed-events';
import { feedFormats, type FeedFormat, type FeedRequest } from '../application/feed-filter';
import {
  FeedReader,
  feedPageSizeDefault,
  feedPageSizeMax,
  feedScanMax,
} from '../application/feed-reader';
import { EventStream } from './event-stream';
import {
  isPosition,
  negotiatedFormat,
  parseFeedQuery,
  positionPattern,
  type FeedQuery,
} from './feed-query';
import { INTEGRATORS_OPTIONS, type IntegratorsOptions } from './integrators.options';

const feedReaders = ['integrator', 'commission'] as const;

const ApiFeedQueries = () =>
  applyDecorators(
    ApiQuery({
      name: 'after',
      required: false,
      description: "Exclusive: start after this log position (a `next`, or an event's `position`)",
      schema: {
        type: 'string',
        pattern: positionPattern.source,
        example: '00000000000000000042',
      },
    }),
    ApiQuery({
      name: 'types',
      required: false,
      description:
        "Comma-separated event-type prefixes (Disbursement,Allocation); an integrator's are narrowed to its scopes",
      schema: {
        type: 'string',
        pattern: '^[A-Z][A-Za-z0-9]{0,63}(,[A-Z][A-Za-z0-9]{0,63}){0,31}$',
        example: 'Disbursement',
      },
    }),
    ApiQuery({
      name: 'streams',
      required: false,
      description: 'Comma-separated stream-name prefixes (pool-,household-hh-530325)',
      schema: { type: 'string', maxLength: 8_000, example: 'pool-' },
    }),
    ApiQuery({
      name: 'division',
      required: false,
      description:
        "Only events of streams in this division (the caller's own or one inside it; default the caller's jurisdiction). Published fund-line streams belong to no division: they come only without this parameter",
      schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
    }),
    ApiQuery({
      name: 'format',
      required: false,
      description:
        'ndjson (default), json (a page object) or cloudevents (CloudEvents 1.0 structured JSON per event); also chosen by Accept',
      schema: { type: 'string', enum: [...feedFormats] },
    }),
  );

@ApiTags('feeds (事件订阅)')
@ApiBearerAuth()
@Controller('feeds')
export class FeedsController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Feeds');
  private readonly streams = new Set<EventStream>();

  constructor(
    private readonly reader: FeedReader,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(INTEGRATORS_OPTIONS) private readonly options: IntegratorsOptions,
  ) {}

  @Get('events')
  @Roles(...feedReaders)
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'Catch up on the log: events in log order after a position, filtered, streamed',
    description:
      `At most \`limit\` events (≤ ${feedPageSizeMax}) of the types, streams and division asked for, inside the caller's jurisdiction ` +
      "(an event's division is its stream's: a pool's, household's, project's, roster's), written as they are read. " +
      `A page reads at most ${feedScanMax} events of the log, matching or not. ` +
      'NDJSON (default): one event per line, then a last line `{"next": …, "count": …}`; pass `next` as `after` for the next page. ' +
      'format=json: `{"events": […], "next", "count"}`. format=cloudevents (or Accept: application/cloudevents+json): NDJSON whose event lines are CloudEvents 1.0 structured JSON. ' +
      'An integrator reads only the event types its scopes name, with names, ID numbers, bank accounts and phones masked unless it holds the personal-data scope. Roles: integrator, commission, admin.',
  })
  @ApiFeedQueries()
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: feedPageSizeMax, default: feedPageSizeDefault },
  })
  @ApiProduces('application/x-ndjson', 'application/json')
  @ApiOkResponse({
    description: 'The events, streamed',
    content: {
      'application/x-ndjson': {
        schema: {
          description:
            'One FeedEvent (or CloudEvent, format=cloudevents) per line, then {"next": position or null, "count": n}',
        },
      },
      'application/json': { schema: schemaRef('FeedPage') },
    },
  })
  @ApiProblemResponse(400, 'A query parameter is unknown or not valid (problem+json naming it)')
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  async events(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @CurrentActor() actor: Actor,
    @CurrentScopes() scopes: readonly string[],
    @Res() response: ServerResponse,
  ): Promise<void> {
    const parsed = parseFeedQuery(query);
    const limit =
      integerQuery('limit', parsed.limitText, 1, feedPageSizeMax) ?? feedPageSizeDefault;
    const request = this.feedRequest(actor, parsed, negotiatedFormat(parsed.format, accept));
    const items = this.reader.page(actor, scopes, request, limit)[Symbol.asyncIterator]();
    // The first read comes before the status line: a log that cannot be reached is then a
    // problem+json answer (503), not a page cut short.
    let next = await items.next();
    const json = request.format === 'json';
    response.writeHead(200, {
      'Content-Type': json
        ? 'application/json; charset=utf-8'
        : 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    const closed = new AbortController();
    response.once('close', () => closed.abort());
    let first = true;
    try {
      if (json) response.write('{"events":[');
      while (next.done !== true) {
        const item = next.value;
        let text: string;
        if (item.kind === 'event') {
          text = this.render(item.event, request.format);
          if (json) text = first ? text : `,${text}`;
          else text += '\n';
          first = false;
        } else {
          const end = { next: item.next, count: item.count };
          text = json
            ? `],"next":${JSON.stringify(end.next)},"count":${end.count}}`
            : `${JSON.stringify(end)}\n`;
        }
        if (!response.write(text)) await drained(response, closed.signal);
        if (closed.signal.aborted) {
          await items.return?.(undefined);
          return;
        }
        next = await items.next();
      }
      response.end();
    } catch (error) {
      // The status line is gone: all that is left is to cut the answer short, which a client
      // sees as a missing last line (or broken JSON), never as a complete page.
      this.logger.error(`feed page failed: ${(error as Error).message}`);
      response.destroy();
    }
  }

  @Get('events/stream')
  @Roles(...feedReaders)
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'Follow the log live: Server-Sent Events, catch-up then live, resumable',
    description:
      'The same filters and masking as /feeds/events. Each event is one SSE message: `id` its log position, `data` the FeedEvent (or CloudEvent, format=cloudevents) as JSON. ' +
      'Reconnect with `Last-Event-ID` (or `after`) to resume after the last id received. A comment `: heartbeat` is sent every FEED_HEARTBEAT_MS (15 s) while nothing else is, ' +
      'with an `id` when the filters passed over events, so a resume does not read them again. A client that stops reading for FEED_SLOW_CLIENT_MS is dropped with a final ' +
      '`event: dropped` whose data is `{"reason": "slow-client", "resumeAfter": position}`; the same at shutdown (`shutting-down`). Roles: integrator, commission, admin.',
  })
  @ApiFeedQueries()
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The last `id` received: the stream resumes after it (wins over `after`)',
    schema: { type: 'string', pattern: positionPattern.source },
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An endless text/event-stream',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblemResponse(
    400,
    'A query parameter or Last-Event-ID is unknown or not valid (problem+json naming it)',
  )
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  async stream(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentActor() actor: Actor,
    @CurrentScopes() scopes: readonly string[],
    @Res() response: ServerResponse,
  ): Promise<void> {
    const parsed = parseFeedQuery(query);
    if (parsed.limitText !== undefined) {
      throw new RequestFieldError('limit', 'is not a parameter of the stream (it has no end)');
    }
    if (lastEventId !== undefined && !isPosition(lastEventId)) {
      throw new RequestFieldError(
        'Last-Event-ID',
        'must be a log position (1 to 20 digits), an id this stream sent',
      );
    }
    const format = parsed.format ?? 'ndjson';
    const request = this.feedRequest(
      actor,
      { ...parsed, ...(lastEventId === undefined ? {} : { after: lastEventId }) },
      format,
    );
    const stream = new EventStream(response, this.options, request.after);
    this.streams.add(stream);
    try {
      await stream.run(this.reader.live(actor, scopes, request, stream.abort.signal), (item) =>
        this.render(item.event, format),
      );
    } catch (error) {
      this.logger.warn(`event stream ended: ${(error as Error).message}`);
    } finally {
      this.streams.delete(stream);
    }
  }

  /** Open streams end with a final event saying where to resume, before the server closes. */
  beforeApplicationShutdown(): void {
    for (const stream of this.streams) stream.drop('shutting-down');
  }

  private feedRequest(actor: Actor, query: FeedQuery, format: FeedFormat): FeedRequest {
    const division = query.division ?? actor.division;
    if (query.division !== undefined) assertWithinJurisdiction(actor, division, this.divisions);
    return {
      // Written as the log writes positions (20 digits), so positions compare as strings.
      ...(query.after === undefined ? {} : { after: query.after.padStart(20, '0') }),
      types: query.types,
      streams: query.streams,
      division,
      divisionAsked: query.division !== undefined,
      format,
    };
  }

  private render(event: FeedEvent, format: FeedFormat): string {
    return JSON.stringify(
      format === 'cloudevents' ? cloudEventOf(event, this.options.source) : event,
    );
  }
}

/** Resolves once the socket took what it was given, or the client went away. */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    response.on('drain', done);
    signal.addEventListener('abort', done);
  });
}
