import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { anyDivisionCodePattern, DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse, integerQuery } from '@sunlight/http';
import { humanTextProblem, RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  FindingQueries,
  findingsPageSizeDefault,
  findingsPageSizeMax,
  type FindingsPage,
  type FindingView,
} from '../application/finding-queries';
import {
  divisionOfFindingId,
  findingIdPattern,
  findingStatuses,
  findRule,
  ruleCatalogue,
  type FindingStatus,
} from '../domain';
import { FindingNotFoundError } from '../oversight.errors';
import { crossCheckRosterIdPattern, findingIdParam } from './dto/cross-checks.dto';
import { FindingDto, FindingsPageDto } from './dto/findings.dto';

/** Findings (疑点): leads the cross-checks raised, for the commissions to check. */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('findings')
export class FindingsController {
  constructor(
    private readonly queries: FindingQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get()
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'Findings inside a division, by rule, status, period or roster, paged',
    description:
      "division defaults to the caller's jurisdiction and must lie inside it; ordered by the " +
      'subject’s village, then id. Read from the findings read model, which follows the log by a ' +
      'moment. Roles: commission, admin.',
  })
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits)',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
  })
  @ApiQuery({ name: 'rule', required: false, enum: ruleCatalogue.map((rule) => rule.id) })
  @ApiQuery({ name: 'status', required: false, enum: findingStatuses })
  @ApiQuery({ name: 'period', required: false, schema: { type: 'string', maxLength: 64 } })
  @ApiQuery({
    name: 'rosterId',
    required: false,
    schema: { type: 'string', pattern: crossCheckRosterIdPattern.source, maxLength: 32 },
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: findingsPageSizeMax,
      default: findingsPageSizeDefault,
    },
  })
  @ApiQuery({
    name: 'offset',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
  })
  @ApiOkResponse({ type: FindingsPageDto })
  @ApiProblemResponse(400, 'A query parameter is not valid (problem+json naming it)')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  async list(
    @CurrentActor() actor: Actor,
    @Query('division') divisionText: string | undefined,
    @Query('rule') rule: string | undefined,
    @Query('status') status: string | undefined,
    @Query('period') period: string | undefined,
    @Query('rosterId') rosterId: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
  ): Promise<FindingsPage> {
    const division = divisionText ?? actor.division;
    if (
      typeof division !== 'string' ||
      !/^\d{2,12}$/.test(division) ||
      !this.divisions.has(division)
    )
      throw new RequestFieldError('division', 'must be a known division code');
    if (rule !== undefined && (typeof rule !== 'string' || findRule(rule) === undefined))
      throw new RequestFieldError(
        'rule',
        `must be one of ${ruleCatalogue.map((r) => r.id).join(', ')}`,
      );
    if (status !== undefined && !(findingStatuses as readonly unknown[]).includes(status))
      throw new RequestFieldError('status', `must be one of ${findingStatuses.join(', ')}`);
    if (
      period !== undefined &&
      (typeof period !== 'string' || humanTextProblem(period, 64) !== undefined)
    )
      throw new RequestFieldError('period', 'must be text of at most 64 characters');
    if (
      rosterId !== undefined &&
      (typeof rosterId !== 'string' || !crossCheckRosterIdPattern.test(rosterId))
    )
      throw new RequestFieldError('rosterId', `must match ${crossCheckRosterIdPattern.source}`);
    const limit =
      integerQuery('limit', limitText, 1, findingsPageSizeMax) ?? findingsPageSizeDefault;
    const offset = integerQuery('offset', offsetText, 0, 100_000) ?? 0;
    assertWithinJurisdiction(actor, division, this.divisions);
    return this.queries.list({
      division,
      ...(rule === undefined ? {} : { rule }),
      ...(status === undefined ? {} : { status: status as FindingStatus }),
      ...(period === undefined ? {} : { period }),
      ...(rosterId === undefined ? {} : { rosterId }),
      limit,
      offset,
    });
  }

  @Get(':findingId')
  @Roles('commission')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'findingId',
    template: 'fd-{code}-000000000000000000000000',
  })
  @ApiOperation({
    summary: 'One finding with its evidence resolved: the registry rows and roster lines it names',
    description:
      'Read from the finding’s stream. The registry rows come from the snapshot each names (its file ' +
      'hash beside), the roster lines from their roster’s stream at the event the finding names. ' +
      'Roles: commission, admin.',
  })
  @ApiParam(findingIdParam)
  @ApiOkResponse({ type: FindingDto })
  @ApiProblemResponse(400, 'The finding id is malformed')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The finding's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such finding (OVERSIGHT.UNKNOWN_FINDING)')
  async get(
    @Param('findingId') findingId: string,
    @CurrentActor() actor: Actor,
  ): Promise<FindingView> {
    if (findingId.length > 40) throw new RequestFieldError('findingId', 'is at most 40 characters');
    const division = divisionOfFindingId(findingId);
    if (division === undefined)
      throw new RequestFieldError('findingId', `must match ${findingIdPattern.source}`);
    if (this.divisions.get(division) === undefined) throw new FindingNotFoundError(findingId);
    assertWithinJurisdiction(actor, division, this.divisions);
    return this.queries.get(findingId);
  }
}
