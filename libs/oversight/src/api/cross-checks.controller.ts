import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { EVENT_STORE, type EventStore } from '@sunlight/event-store';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { divisionOfRosterId, RosterNotFoundError, rosterStreamName } from '@sunlight/rosters';
import { CrossCheck, selectedRules, type CrossCheckJob } from '../application/cross-check';
import { CrossCheckAcceptedDto, CrossCheckRequestDto } from './dto/cross-checks.dto';

/** Cross-checks (比对) of roster lines and payments against the rules and the registries in force. */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('cross-checks')
export class CrossChecksController {
  constructor(
    private readonly checks: CrossCheck,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'division' })
  @ApiOperation({
    summary: 'Run the cross-check rules over a division’s roster lines and payments, as a job',
    description:
      'Answers 202 with the job (GET /jobs/{jobId}). The job loads the accepted lines of the rosters ' +
      'in the division (or of one roster, or of one period; rejected rosters are left out) and, unless ' +
      'one roster is checked, the payments to persons from the pools of the division (of that fiscal ' +
      'year when a period is given; not those rejected or failed, nor those made from a roster line, ' +
      'which are their line), reads the registry rows naming them from the snapshots in force (for each kind, the newest by asOf ' +
      'imported for the division or a division above it) and, for the rules that need them, the ' +
      'household register of the division and (unless one roster is checked) its projects with their ' +
      'photos and the payments to them (a project is then a finding’s subject), runs the selected ' +
      'rules and records one ' +
      'FindingRaised per hit on stream finding-<findingId>, whose id follows from the rule, its ' +
      'version, the subject and the evidence: running it again on unchanged data raises nothing new ' +
      '(result.raised 0). The completed job’s result: {division, rosterId?, period?, rules, subjects ' +
      '(lines and payments checked), snapshots (those in force it used: snapshotId, kind, divisionCode, asOf, ' +
      'fileSha256), missingRegistries (kinds a selected rule needs with no snapshot in force), hits, ' +
      'raised (new findings), byRule {<ruleId>: {hits, raised}}, findingIds (at most 10,000), ' +
      'flaggedSubjects}. Roles: commission, admin.',
  })
  @ApiBody({ type: CrossCheckRequestDto })
  @ApiAcceptedResponse({ type: CrossCheckAcceptedDto })
  @ApiProblemResponse(
    400,
    'A field is not valid (the answer names it): division, rules, rosterId, period',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    'The division or the roster is outside your jurisdiction, or your role may not run checks',
  )
  @ApiProblemResponse(404, 'No such roster (ROSTERS.NOT_FOUND)')
  async start(
    @Body() body: CrossCheckRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<CrossCheckAcceptedDto> {
    requireKnownDivision(this.divisions, body.division, 'division');
    assertWithinJurisdiction(actor, body.division, this.divisions);
    const rules = selectedRules(body.rules).map((rule) => rule.id);
    const request: CrossCheckJob = {
      division: body.division,
      rules,
      ...(body.period === undefined ? {} : { period: body.period }),
    };
    if (body.rosterId !== undefined) {
      const rosterDivision = divisionOfRosterId(body.rosterId) as string;
      if (
        !this.divisions.isWithin(rosterDivision, body.division) &&
        !this.divisions.isWithin(body.division, rosterDivision)
      )
        throw new RequestFieldError(
          'rosterId',
          `names division ${rosterDivision}, which neither contains nor lies inside ${body.division}`,
        );
      if (!(await this.rosterExists(body.rosterId))) throw new RosterNotFoundError(body.rosterId);
      request.rosterId = body.rosterId;
    }
    const jobId = await this.checks.submit(request, actor);
    return { jobId, ...request, rules };
  }

  private async rosterExists(rosterId: string): Promise<boolean> {
    for await (const _event of this.store.readStream(rosterStreamName(rosterId), { maxCount: 1 }))
      return true;
    return false;
  }
}
