import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles, type Actor } from '@sunlight/auth';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { fundIdPattern, parsePoolStreamName } from '../domain';
import type { EventView } from '../application/command-envelope';
import { toEventView } from '../application/event-view';
import { FundsQueries, type PoolView } from '../application/funds.queries';
import { integerQuery, requireDivision } from './responses';

export const streamPageSizeMax = 500;
const streamPageSizeDefault = 100;

@ApiTags('pools (资金池)')
@ApiBearerAuth()
@Controller('pools')
export class PoolsController {
  constructor(
    private readonly queries: FundsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':fundId/:divisionCode')
  @Roles('finance', 'approver', 'bank', 'commission')
  @ApiOperation({
    summary:
      "A pool's figures: balance, received, sent, in transit (在途), disbursed, pending approval",
    description:
      "Folded from the pool's stream (snapshot + tail) at request time. Yuan decimal strings.",
  })
  @ApiParam({ name: 'fundId', example: 'yn-2026-cyfz-001' })
  @ApiParam({ name: 'divisionCode', example: '530325' })
  async get(
    @Param('fundId') fundId: string,
    @Param('divisionCode') divisionCode: string,
    @CurrentActor() actor: Actor,
  ): Promise<PoolView> {
    if (!fundIdPattern.test(fundId)) throw new NotFoundException(`No fund line ${fundId}`);
    requireDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return this.queries.pool(fundId, divisionCode);
  }
}

export interface StreamPage {
  streamName: string;
  events: EventView[];
  /** Pass as `fromRevision` for the next page; absent on the last page. */
  nextRevision?: string;
}

@ApiTags('streams (事件流)')
@ApiBearerAuth()
@Controller('streams')
export class StreamsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':streamName/events')
  @Roles('finance', 'approver', 'bank', 'commission')
  @ApiOperation({
    summary: 'The raw history of one stream, oldest first, paged',
    description:
      "Pool streams (pool-<fundId>.<division>) are readable inside the caller's jurisdiction; fund streams (fund-<fundId>) " +
      'by every role, as fund lines are published (公告公示); other streams by admins only.',
  })
  @ApiParam({ name: 'streamName', example: 'pool-yn-2026-cyfz-001.530325' })
  @ApiQuery({ name: 'fromRevision', required: false, example: '0' })
  @ApiQuery({ name: 'limit', required: false, example: '100' })
  async events(
    @Param('streamName') streamName: string,
    @Query('fromRevision') fromRevisionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<StreamPage> {
    const fromRevision =
      integerQuery('fromRevision', fromRevisionText, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = integerQuery('limit', limitText, 1, streamPageSizeMax) ?? streamPageSizeDefault;
    this.assertMayRead(actor, streamName);
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

  private assertMayRead(actor: Actor, streamName: string): void {
    const pool = parsePoolStreamName(streamName);
    if (pool !== undefined) {
      assertWithinJurisdiction(actor, pool.divisionCode, this.divisions);
      return;
    }
    if (streamName.startsWith('fund-')) return;
    if (actor.role !== 'admin') {
      throw new NotFoundException(`No readable stream ${streamName}`);
    }
  }
}
