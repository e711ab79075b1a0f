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
import {
  anyDivisionCodePattern,
  DIVISION_REGISTRY,
  requireKnownDivision,
  type DivisionRegistry,
} from '@sunlight/geo';
import { ApiProblemResponse, integerQuery } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { FindingQueries, type RuleStats } from '../application/finding-queries';
import { RuleStatsDto } from './dto/findings.dto';
import { requireRule, ruleIdParam } from './rules.controller';

/** Rule versions a stats query may name. */
const ruleVersionMax = 1_000;

/**
 * How each rule's findings were disposed, and so its measured precision: the figure that tells a
 * commission which rules raise leads worth checking. Scoped to the caller's jurisdiction.
 */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('rules')
export class RuleStatsController {
  constructor(
    private readonly queries: FindingQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':ruleId/stats')
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary:
      'A rule’s findings in a division and its measured precision (confirmed / disposed, 命中准确率)',
    description:
      'hits: findings the rule raised in the division (a prefix of their village); open: raised, assigned or ' +
      'reopened; dispositions: the disposition in force of each disposed finding (a reopened one counts again once ' +
      'disposed again). precision = confirmed / disposed, where confirmed counts confirmed, rectified and recovered ' +
      '(each a case found right, the last two acted on) and dismissed counts against; null while nothing is disposed. ' +
      'division defaults to the caller’s jurisdiction and must lie inside it; version counts one version of the rule ' +
      'only. Read from the findings read model, which follows the log by a moment. Roles: commission, admin.',
  })
  @ApiParam(ruleIdParam)
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits)',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
  })
  @ApiQuery({
    name: 'version',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: ruleVersionMax },
  })
  @ApiOkResponse({ type: RuleStatsDto })
  @ApiProblemResponse(400, 'The rule id or a query parameter is not valid (problem+json naming it)')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(404, 'No rule has this id (OVERSIGHT.UNKNOWN_RULE)')
  async stats(
    @Param('ruleId') ruleId: string,
    @Query('division') divisionText: string | undefined,
    @Query('version') versionText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<RuleStats> {
    // The catalogue is the same for every caller: naming a rule that is not in it tells nothing.
    requireRule(ruleId);
    const division = divisionText ?? actor.division;
    if (typeof division !== 'string' || !/^\d{2,12}$/.test(division))
      throw new RequestFieldError('division', 'must be a known division code');
    requireKnownDivision(this.divisions, division, 'division');
    const version = integerQuery('version', versionText, 1, ruleVersionMax);
    assertWithinJurisdiction(actor, division, this.divisions);
    return this.queries.ruleStats(ruleId, division, version);
  }
}
