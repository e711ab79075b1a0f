import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { ApiAnswer, ApiIntegerQuery, integerQuery } from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import { StreamAccess } from '../application/stream-access';
import { StreamQueries, type StreamAsOf, type StreamPage } from '../application/stream-queries';

export const streamPageSizeMax = 500;
const streamPageSizeDefault = 100;
const streamNameParam = {
  name: 'streamName',
  example: 'pool-yn-2026-cyfz-001.530325',
  // Control characters (a NUL above all) are refused before any lookup.
  schema: { type: 'string', minLength: 1, pattern: '^[^\\u0000-\\u001f\\u007f]+$' },
} as const;

@ApiTags('streams (事件流)')
@ApiBearerAuth()
@Controller()
export class StreamsController {
  constructor(
    private readonly access: StreamAccess,
    private readonly streams: StreamQueries,
  ) {}

  @Get('streams/:streamName/events')
  @Roles('finance', 'approver', 'bank', 'commission')
  @ApiOperation({
    summary: 'The raw history of one stream, oldest first, paged',
    description:
      "A stream is readable inside the caller's jurisdiction: a pool (pool-<fundId>.<division>) by its division, a " +
      "village's groups (villagegroups-<village>) by the village; fund streams (fund-<fundId>) by every caller this " +
      'route admits, as fund lines are published (公告公示). A stream of any other category is not found, for every caller.',
  })
  @ApiParam(streamNameParam)
  @ApiIntegerQuery('fromRevision', { minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })
  @ApiIntegerQuery('limit', {
    minimum: 1,
    maximum: streamPageSizeMax,
    default: streamPageSizeDefault,
  })
  @ApiAnswer('StreamPage', 'A page of the stream')
  @Jurisdiction({ kind: 'stream', name: 'streamName' })
  async events(
    @Param('streamName') streamName: string,
    @Query('fromRevision') fromRevisionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<StreamPage> {
    const fromRevision =
      integerQuery('fromRevision', fromRevisionText, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = integerQuery('limit', limitText, 1, streamPageSizeMax) ?? streamPageSizeDefault;
    this.access.assertMayRead(actor, streamName);
    return this.streams.page(streamName, fromRevision, limit);
  }

  @Get('history/streams/:streamName')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'A stream as it stood at a moment: the state folded up to `asOf`, and the events that made it',
    description:
      '`asOf` is an ISO time (events recorded at or before it) or a log position (events at or before it). ' +
      'Pool and fund streams are folded by their deciders; other streams return their events only. ' +
      'Readable as `/streams/{streamName}/events` is.',
  })
  @ApiParam(streamNameParam)
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'An ISO 8601 time, or a log position (digits)',
    schema: { type: 'string', minLength: 1, maxLength: 64, example: '2026-11-28T08:00:00Z' },
  })
  @ApiAnswer('StreamAsOf', 'The stream folded as of the moment asked')
  @Jurisdiction({ kind: 'stream', name: 'streamName' })
  async asOf(
    @Param('streamName') streamName: string,
    @Query('asOf') asOf: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<StreamAsOf> {
    const category = this.access.assertMayRead(actor, streamName);
    return this.streams.asOf(streamName, category, asOf);
  }
}
