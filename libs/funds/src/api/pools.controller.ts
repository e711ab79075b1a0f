import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { integerQuery } from '@sunlight/http';
import { fundIdPattern } from '../domain';
import { FundsQueries, type PoolView } from '../application/funds.queries';
import { HistoryQueries, type StreamPage } from '../application/history.queries';
import { assertMayReadStream } from '../application/stream-access';

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
    requireKnownDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return this.queries.pool(fundId, divisionCode);
  }
}

@ApiTags('streams (事件流)')
@ApiBearerAuth()
@Controller('streams')
export class StreamsController {
  constructor(
    private readonly history: HistoryQueries,
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
    assertMayReadStream(actor, streamName, this.divisions);
    return this.history.streamPage(streamName, fromRevision, limit);
  }
}
