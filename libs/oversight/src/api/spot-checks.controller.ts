import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds } from '@sunlight/event-store';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiProblemResponse,
  RequestCommandIds,
  todayInChina,
  type OutcomeResponse,
} from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  SpotChecks,
  type SpotCheckListEntry,
  type SpotCheckView,
} from '../application/spot-checks';
import {
  divisionOfSpotCheckId,
  spotCheckIdPattern,
  type SpotCheckPopulation,
  type SpotCheckResult,
} from '../domain';
import { SpotCheckNotFoundError } from '../spot-check.errors';
import {
  DrawSpotCheckDto,
  RecordSpotCheckVisitDto,
  SpotCheckDto,
  SpotCheckListEntryDto,
} from './dto/spot-checks.dto';

const spotCheckIdParam = {
  name: 'spotCheckId',
  description: 'sc-<division code>-<12 hex digits>, as the draw answered',
  schema: {
    type: 'string',
    pattern: spotCheckIdPattern.source,
    maxLength: 32,
    example: 'sc-530325-7f3a9c2b1d4e',
  },
} as const;

const spotCheckJurisdiction = {
  kind: 'division',
  in: 'path',
  name: 'spotCheckId',
  template: 'sc-{code}-000000000000',
} as const;

function sendView(
  response: OutcomeResponse,
  outcome: { view: SpotCheckView; replayed: boolean },
): SpotCheckView {
  response.setHeader('Idempotent-Replayed', String(outcome.replayed));
  response.status(outcome.replayed ? 200 : 201);
  return outcome.view;
}

/**
 * Spot checks (抽查): a discipline commission draws a verifiable random sample in its
 * jurisdiction and records each visit. Every route checks the caller against the division (given,
 * or read from the spot-check id) before anything is read.
 */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('spot-checks')
export class SpotChecksController {
  constructor(
    private readonly spotChecks: SpotChecks,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Post()
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'divisionCode' })
  @ApiOperation({
    summary:
      'Draw a spot-check sample (抽查抽样), seeded by the log’s chain hash at a named position',
    description:
      'Reads the population (households, projects or roster entries in the division) from the log at its head, ' +
      'leaves out what earlier spot checks drew in the same period, and draws `units` units and `perUnit` items in each ' +
      'with an HMAC-SHA256 counter stream keyed by the chain hash at `seedPosition` (Fisher–Yates over the items in id order). ' +
      'Writes SpotCheckDrawn on spotcheck-<spotCheckId> with everything needed to recompute it (`sunlight spot-check verify <id>`). ' +
      'The id follows from the request, so the same request answers the same draw (200, Idempotent-Replayed: true). ' +
      'Roles: commission, admin.',
  })
  @ApiResponse({ status: 201, type: SpotCheckDto, description: 'The draw, made just now' })
  @ApiOkResponse({
    type: SpotCheckDto,
    description: 'The same request again: the draw made before',
  })
  @ApiProblemResponse(
    400,
    'A field is missing or not valid, or the seed position is past the log’s head (the answer names it)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'The division is outside your jurisdiction, or your role may not draw')
  @ApiProblemResponse(
    409,
    'Other draws of the same population and period kept getting in first (EVENT_STORE.CLAIM_TAKEN): try again',
  )
  @ApiProblemResponse(
    422,
    'Nothing is left to draw, or the sample would be larger than 5000 items (OVERSIGHT.DRAW_REFUSED)',
  )
  async draw(
    @Body() body: DrawSpotCheckDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<SpotCheckView> {
    return sendView(
      response,
      await this.spotChecks.draw(
        {
          divisionCode: body.divisionCode,
          population: body.population as SpotCheckPopulation,
          period: body.period,
          perUnit: body.perUnit,
          ...(body.units === undefined ? {} : { units: body.units }),
          seedPosition: String(body.seedPosition),
        },
        actor,
        ids,
      ),
    );
  }

  @Get()
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'divisionCode' })
  @ApiOperation({
    summary: 'The spot checks of a division and the divisions below it, newest first (at most 500)',
    description: 'Roles: commission, admin.',
  })
  @ApiQuery({
    name: 'divisionCode',
    required: true,
    schema: {
      type: 'string',
      pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$',
      example: '530325',
    },
  })
  @ApiOkResponse({ type: [SpotCheckListEntryDto] })
  @ApiProblemResponse(400, '`divisionCode` is missing or not a known division')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    'The division is outside your jurisdiction, or your role may not read spot checks',
  )
  async list(
    @Query('divisionCode') divisionCode: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<SpotCheckListEntry[]> {
    if (divisionCode === undefined || divisionCode === '')
      throw new RequestFieldError('divisionCode', 'is required');
    requireKnownDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return this.spotChecks.list(divisionCode);
  }

  @Get(':spotCheckId')
  @Roles('commission')
  @Jurisdiction(spotCheckJurisdiction)
  @ApiOperation({
    summary: 'A spot check: its draw (seed, population, sample) and the visits recorded',
    description: 'Roles: commission, admin.',
  })
  @ApiParam(spotCheckIdParam)
  @ApiOkResponse({ type: SpotCheckDto })
  @ApiProblemResponse(400, 'The spot-check id is malformed')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The spot check's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such spot check (OVERSIGHT.UNKNOWN_SPOT_CHECK)')
  async get(
    @Param('spotCheckId') spotCheckId: string,
    @CurrentActor() actor: Actor,
  ): Promise<SpotCheckView> {
    this.checkId(spotCheckId, actor);
    return this.spotChecks.get(spotCheckId);
  }

  @Post(':spotCheckId/visits')
  @Roles('commission')
  @Jurisdiction(spotCheckJurisdiction)
  @ApiOperation({
    summary: 'Record what a visit to a sampled item found (属实 / 不属实 / 部分属实 / 无法核实)',
    description:
      'Writes SpotCheckVisitRecorded {item, result, remarks, visitedOn, visitor}. One visit per sampled item; the same ' +
      'visit again is a repeat (200, Idempotent-Replayed: true), another result for it a 409. Roles: commission, admin.',
  })
  @ApiParam(spotCheckIdParam)
  @ApiResponse({ status: 201, type: SpotCheckDto, description: 'The spot check with the visit' })
  @ApiOkResponse({ type: SpotCheckDto, description: 'The same visit again: nothing written' })
  @ApiProblemResponse(400, 'The id or a field is not valid (the answer names it)')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    "The spot check's division is outside your jurisdiction, or your role may not record",
  )
  @ApiProblemResponse(404, 'No such spot check (OVERSIGHT.UNKNOWN_SPOT_CHECK)')
  @ApiProblemResponse(
    409,
    'A visit to this item is recorded already with another result (OVERSIGHT.WRONG_STATE)',
  )
  @ApiProblemResponse(422, 'The item is not in the sample (OVERSIGHT.NOT_SAMPLED)')
  async recordVisit(
    @Param('spotCheckId') spotCheckId: string,
    @Body() body: RecordSpotCheckVisitDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<SpotCheckView> {
    this.checkId(spotCheckId, actor);
    if (body.visitedOn > todayInChina())
      throw new RequestFieldError('visitedOn', 'must not be in the future');
    return sendView(
      response,
      await this.spotChecks.recordVisit(
        spotCheckId,
        {
          item: body.item,
          result: body.result as SpotCheckResult,
          remarks: body.remarks,
          visitedOn: body.visitedOn,
        },
        actor,
        ids,
      ),
    );
  }

  /** The id's division, checked against the caller before anything is read. */
  private checkId(spotCheckId: string, actor: Actor): void {
    if (spotCheckId.length > 32)
      throw new RequestFieldError('spotCheckId', 'is at most 32 characters');
    const division = divisionOfSpotCheckId(spotCheckId);
    if (division === undefined)
      throw new RequestFieldError('spotCheckId', `must match ${spotCheckIdPattern.source}`);
    if (this.divisions.get(division) === undefined) throw new SpotCheckNotFoundError(spotCheckId);
    assertWithinJurisdiction(actor, division, this.divisions);
  }
}
