import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds } from '@sunlight/event-store';
import { anyDivisionCodePattern, DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiProblemResponse,
  integerQuery,
  RequestCommandIds,
  type OutcomeResponse,
} from '@sunlight/http';
import { humanTextProblem, RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  FindingQueries,
  findingsPageSizeDefault,
  findingsPageSizeMax,
  findingStatusFilters,
  type FindingsPage,
  type FindingStatusFilter,
  type FindingView,
} from '../application/finding-queries';
import { FindingWorkflow, type FindingWorkflowView } from '../application/finding-workflow';
import {
  divisionOfFindingId,
  findingIdPattern,
  findRule,
  ruleCatalogue,
  type FindingDisposition,
} from '../domain';
import { FindingNotFoundError } from '../oversight.errors';
import { crossCheckRosterIdPattern, findingIdParam } from './dto/cross-checks.dto';
import {
  AssignFindingDto,
  DisposeFindingDto,
  FindingDto,
  FindingsPageDto,
  FindingWorkflowDto,
  ReopenFindingDto,
} from './dto/findings.dto';

const findingJurisdiction = {
  kind: 'division',
  in: 'path',
  name: 'findingId',
  template: 'fd-{code}-000000000000000000000000',
} as const;

const replayedHeader = {
  'Idempotent-Replayed': {
    description: 'true when the request repeated an earlier one and nothing new was written',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

/** Every status a workflow step answers, with its body (the finding's workflow or problem+json). */
function FindingStepResponses(refusals: {
  403: string;
  409: string;
  422: string;
}): MethodDecorator {
  return applyDecorators(
    ApiParam(findingIdParam),
    ApiCreatedResponse({
      type: FindingWorkflowDto,
      description: 'Written; the finding’s workflow after the step',
      headers: replayedHeader,
    }),
    ApiOkResponse({
      type: FindingWorkflowDto,
      description:
        'A repeat of the step in force (Idempotent-Replayed: true): nothing new is written',
      headers: replayedHeader,
    }),
    ApiProblemResponse(
      400,
      'The finding id or a field is not valid (problem+json naming each field); nothing is written',
    ),
    ApiProblemResponse(401, 'No bearer token, or an invalid or expired one'),
    ApiProblemResponse(
      403,
      `Role not allowed, or the finding's division lies outside the caller's jurisdiction; or ${refusals[403]}. Nothing is written`,
    ),
    ApiProblemResponse(404, 'No such finding (OVERSIGHT.UNKNOWN_FINDING)'),
    ApiProblemResponse(409, `${refusals[409]}; nothing is written`),
    ApiProblemResponse(422, `OVERSIGHT.INVALID_COMMAND: ${refusals[422]}; nothing is written`),
  );
}

function sendWorkflow(
  response: OutcomeResponse,
  outcome: { view: FindingWorkflowView; replayed: boolean },
): FindingWorkflowView {
  response.setHeader('Idempotent-Replayed', String(outcome.replayed));
  response.status(outcome.replayed ? 200 : 201);
  return outcome.view;
}

/** Findings (疑点): leads the cross-checks raised, for the commissions to check. */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('findings')
export class FindingsController {
  constructor(
    private readonly queries: FindingQueries,
    private readonly workflow: FindingWorkflow,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get()
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'Findings inside a division, by rule, status, period or roster, paged',
    description:
      "division defaults to the caller's jurisdiction and must lie inside it; ordered by the " +
      'subject’s village, then id. status is one of raised, assigned, disposed, reopened, or ' +
      'open (raised, assigned or reopened) or closed (disposed). Read from the findings read ' +
      'model, which follows the log by a moment. Roles: commission, admin.',
  })
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits)',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
  })
  @ApiQuery({ name: 'rule', required: false, enum: ruleCatalogue.map((rule) => rule.id) })
  @ApiQuery({ name: 'status', required: false, enum: findingStatusFilters })
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
    if (status !== undefined && !(findingStatusFilters as readonly unknown[]).includes(status))
      throw new RequestFieldError('status', `must be one of ${findingStatusFilters.join(', ')}`);
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
      ...(status === undefined ? {} : { status: status as FindingStatusFilter }),
      ...(period === undefined ? {} : { period }),
      ...(rosterId === undefined ? {} : { rosterId }),
      limit,
      offset,
    });
  }

  @Get(':findingId')
  @Roles('commission')
  @Jurisdiction(findingJurisdiction)
  @ApiOperation({
    summary:
      'One finding with its evidence resolved (the registry rows and roster lines it names) and its workflow history',
    description:
      'Read from the finding’s stream. The registry rows come from the snapshot each names (its file ' +
      'hash beside), the roster lines from their roster’s stream at the event the finding names; ' +
      'history lists every step (raised, assigned, disposed, reopened) with who took it, when, and its event. ' +
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
    this.checkId(findingId, actor);
    return this.queries.get(findingId);
  }

  @Post(':findingId/assign')
  @Roles('commission')
  @Jurisdiction(findingJurisdiction)
  @ApiOperation({
    summary: 'Assign a finding to a commission member to check (分派核查)',
    description:
      'Writes FindingAssigned {findingId, assignee {id, role: commission, division}, note, assignedBy}. ' +
      'The assignee’s commission must contain the finding’s village and lie inside the caller’s jurisdiction. ' +
      'From raised or reopened, or assigned (to hand it to someone else); not once disposed. ' +
      'The same assignment again is a repeat (200, Idempotent-Replayed: true). Roles: commission, admin.',
  })
  @FindingStepResponses({
    403: 'OVERSIGHT.OUTSIDE_JURISDICTION',
    409: 'OVERSIGHT.FINDING_ALREADY_DISPOSED: disposed; a higher level must reopen it first',
    422: 'the assignee’s division does not contain the finding’s village, or lies outside the caller’s jurisdiction',
  })
  async assign(
    @Param('findingId') findingId: string,
    @Body() body: AssignFindingDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<FindingWorkflowView> {
    this.checkId(findingId, actor);
    return sendWorkflow(
      response,
      await this.workflow.assign(
        findingId,
        {
          assignee: { id: body.assignee.id, division: body.assignee.division },
          ...(body.note === undefined ? {} : { note: body.note }),
        },
        actor,
        ids,
      ),
    );
  }

  @Post(':findingId/dispose')
  @Roles('commission')
  @Jurisdiction(findingJurisdiction)
  @ApiOperation({
    summary:
      'Dispose of an assigned finding (处置): confirmed, dismissed (with a reason), rectified or recovered (naming the recovery)',
    description:
      'Writes FindingDisposed {findingId, disposition, reason, recovery, assignee, disposedBy}. Only while assigned, ' +
      'by the assignee’s commission or one above it. recovered names the FundsRecovered transfer (POST /transfers/{id}/recover), ' +
      'which must be in the ledger inside the caller’s jurisdiction (else 400 OVERSIGHT.UNKNOWN_RECOVERY naming transferId). ' +
      'The same disposition again is a repeat (200, Idempotent-Replayed: true); another one a 409. Roles: commission, admin.',
  })
  @FindingStepResponses({
    403: "OVERSIGHT.NOT_ASSIGNEES_LEVEL: the caller's commission does not contain the assignee's",
    409: 'OVERSIGHT.FINDING_NOT_ASSIGNED (raised or reopened: assign it first) or OVERSIGHT.FINDING_ALREADY_DISPOSED (disposed otherwise already)',
    422: 'a field the domain refuses',
  })
  async dispose(
    @Param('findingId') findingId: string,
    @Body() body: DisposeFindingDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<FindingWorkflowView> {
    this.checkId(findingId, actor);
    return sendWorkflow(
      response,
      await this.workflow.dispose(
        findingId,
        {
          disposition: body.disposition as FindingDisposition,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
          ...(body.transferId === undefined ? {} : { transferId: body.transferId }),
        },
        actor,
        ids,
      ),
    );
  }

  @Post(':findingId/reopen')
  @Roles('commission')
  @Jurisdiction(findingJurisdiction)
  @ApiOperation({
    summary: 'Reopen a disposed finding (重新核查), by a level above the one that disposed of it',
    description:
      'Writes FindingReopened {findingId, reason, disposition (set aside), disposedBy, reopenedBy}. Only once disposed, ' +
      'and only by a commission whose division strictly contains the disposer’s; afterwards the finding is assigned and ' +
      'disposed again. The same reopening again is a repeat (200, Idempotent-Replayed: true). Roles: commission, admin.',
  })
  @FindingStepResponses({
    403: 'OVERSIGHT.NOT_HIGHER_LEVEL: the caller is not above the commission that disposed of it',
    409: 'OVERSIGHT.FINDING_NOT_DISPOSED: raised, assigned or reopened already',
    422: 'a field the domain refuses',
  })
  async reopen(
    @Param('findingId') findingId: string,
    @Body() body: ReopenFindingDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<FindingWorkflowView> {
    this.checkId(findingId, actor);
    return sendWorkflow(
      response,
      await this.workflow.reopen(findingId, { reason: body.reason }, actor, ids),
    );
  }

  /** The id's division, checked against the caller before anything is read. */
  private checkId(findingId: string, actor: Actor): void {
    if (findingId.length > 40) throw new RequestFieldError('findingId', 'is at most 40 characters');
    const division = divisionOfFindingId(findingId);
    if (division === undefined)
      throw new RequestFieldError('findingId', `must match ${findingIdPattern.source}`);
    if (this.divisions.get(division) === undefined) throw new FindingNotFoundError(findingId);
    assertWithinJurisdiction(actor, division, this.divisions);
  }
}
