import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { nowIso, RequestCommandIds, sendOutcome, type OutcomeResponse } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  parseProjectId,
  ProjectNotFoundError,
  projectIdPattern,
  type ProjectCommand,
  type ProjectDivisionLevel,
} from '../domain';
import { RunProjectCommand } from '../application/projects.commands';
import {
  AcceptProjectDto,
  CompleteProjectDto,
  PlanProjectDto,
  ReachMilestoneDto,
  SuspendProjectDto,
} from './dto/projects.dto';
import { ProjectCommandResponses } from './project-responses';

export const projectParam = {
  name: 'projectId',
  description: 'Project id, prj-<9-digit township or 12-digit village code>-<n>',
  schema: { type: 'string', pattern: projectIdPattern.source, example: 'prj-530325102202-1' },
};

/** Who records a project's steps: the village clerk and the county's finance office. */
const writers = ['village_staff', 'finance'] as const;
const projectJurisdiction = {
  kind: 'division',
  in: 'path',
  name: 'projectId',
  level: 'village',
  template: 'prj-{code}-1',
} as const;

type CommandFields<T extends ProjectCommand['type']> = Omit<
  Extract<ProjectCommand, { type: T }>,
  'type' | 'projectId' | 'actor' | 'occurredAt'
>;

/**
 * Projects (扶贫项目) over HTTP: the plan and every step of its life. Each route checks the caller
 * against the project's division (read from its id) before anything else, so a caller outside
 * it learns nothing, and writes through the generic command handler.
 */
@ApiTags('projects (扶贫项目)')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Post()
  @Roles(...writers)
  @Jurisdiction({
    kind: 'division',
    in: 'body',
    name: 'divisionCode',
    level: 'village',
    also: { projectId: 'prj-{code}-1' },
  })
  @ApiOperation({
    summary: 'Plan a project (立项): category, budget, implementer, dates, beneficiaries, outputs',
    description:
      "Writes ProjectPlanned on project-<projectId>. The division must be a known village or township inside the caller's jurisdiction, and the id must carry it. " +
      'Repeating the same plan returns the original event (200, Idempotent-Replayed: true); the same id with other facts is a 409. Roles: village_staff, finance, admin.',
  })
  @ProjectCommandResponses('PROJECTS.ALREADY_PLANNED: the id is planned with other facts')
  async plan(
    @Body() body: PlanProjectDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    const level = this.divisions.get(body.divisionCode)?.level;
    if (level !== 'village' && level !== 'township') {
      throw new RequestFieldError(
        'divisionCode',
        `${body.divisionCode} is not a known village or township code`,
      );
    }
    if (parseProjectId(body.projectId)?.divisionCode !== body.divisionCode) {
      throw new RequestFieldError(
        'projectId',
        `must start with prj-${body.divisionCode}- (its division)`,
      );
    }
    assertWithinJurisdiction(actor, body.divisionCode, this.divisions);
    return this.run(response, ids, actor, body.projectId, 'PlanProject', {
      divisionCode: body.divisionCode,
      divisionLevel: level satisfies ProjectDivisionLevel,
      category: body.category,
      name: body.name,
      budget: body.budget,
      implementer: {
        name: body.implementer.name,
        ...(body.implementer.creditCode === undefined
          ? {}
          : { creditCode: body.implementer.creditCode }),
      },
      responsiblePerson: {
        name: body.responsiblePerson.name,
        ...(body.responsiblePerson.phone === undefined
          ? {}
          : { phone: body.responsiblePerson.phone }),
      },
      plannedStart: body.plannedStart,
      plannedEnd: body.plannedEnd,
      beneficiaries: {
        householdIds: body.beneficiaries.householdIds,
        idNumbers: body.beneficiaries.idNumbers,
      },
      expectedOutputs: body.expectedOutputs,
      ...(body.site === undefined
        ? {}
        : { site: { latitude: body.site.latitude, longitude: body.site.longitude } }),
    });
  }

  @Post(':projectId/milestones')
  @Roles(...writers)
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'Record a milestone reached (里程碑); the first makes the project underway',
    description:
      'Writes MilestoneReached. Only while planned or underway; the same milestone id again is a repeat (200) or, with other facts, a 409. Roles: village_staff, finance, admin.',
  })
  @ApiParam(projectParam)
  @ProjectCommandResponses(
    'PROJECTS.WRONG_STATUS (completed, accepted or suspended) or PROJECTS.RECORD_CONFLICT (the milestone id with other facts)',
  )
  async reachMilestone(
    @Param('projectId') projectId: string,
    @Body() body: ReachMilestoneDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, projectId);
    return this.run(response, ids, actor, projectId, 'ReachMilestone', {
      milestoneId: body.milestoneId,
      name: body.name,
      date: body.date,
      ...(body.note === undefined ? {} : { note: body.note }),
    });
  }

  @Post(':projectId/completion')
  @Roles(...writers)
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'Record that the work is complete (完工)',
    description:
      'Writes ProjectCompleted. From planned, underway, or after a failed acceptance (整改后再次完工). Roles: village_staff, finance, admin.',
  })
  @ApiParam(projectParam)
  @ProjectCommandResponses('PROJECTS.WRONG_STATUS: completed already, accepted or suspended')
  async complete(
    @Param('projectId') projectId: string,
    @Body() body: CompleteProjectDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, projectId);
    return this.run(response, ids, actor, projectId, 'CompleteProject', {
      date: body.date,
      ...(body.note === undefined ? {} : { note: body.note }),
    });
  }

  @Post(':projectId/acceptance')
  @Roles('finance', 'commission', 'approver')
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'Record the acceptance inspection (验收): by whom, 合格 or 不合格, remarks',
    description:
      'Writes ProjectAccepted. Only once completed; 不合格 sends the project back for rectification and another completion. Roles: finance, commission, approver, admin (not the village clerk who records the work).',
  })
  @ApiParam(projectParam)
  @ProjectCommandResponses('PROJECTS.WRONG_STATUS: not completed')
  async accept(
    @Param('projectId') projectId: string,
    @Body() body: AcceptProjectDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, projectId);
    return this.run(response, ids, actor, projectId, 'AcceptProject', {
      acceptedBy: body.acceptedBy,
      result: body.result,
      remarks: body.remarks,
      date: body.date,
    });
  }

  @Post(':projectId/suspension')
  @Roles('finance', 'commission', 'approver')
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'Suspend the project (暂停/终止) with reasons',
    description:
      'Writes ProjectSuspended; afterwards only photos are recorded. Not once accepted. Roles: finance, commission, approver, admin.',
  })
  @ApiParam(projectParam)
  @ProjectCommandResponses(
    'PROJECTS.WRONG_STATUS (accepted) or PROJECTS.RECORD_CONFLICT (suspended already with other reasons)',
  )
  async suspend(
    @Param('projectId') projectId: string,
    @Body() body: SuspendProjectDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, projectId);
    return this.run(response, ids, actor, projectId, 'SuspendProject', {
      reasons: body.reasons,
      date: body.date,
    });
  }

  /**
   * A well-formed id of a known division inside the caller's jurisdiction; anything else is not
   * found, or forbidden, before the project's existence is looked at.
   */
  private assertMayAct(actor: Actor, projectId: string): void {
    assertMayActOnProject(actor, projectId, this.divisions);
  }

  private async run<T extends ProjectCommand['type']>(
    response: OutcomeResponse,
    ids: CommandIds,
    actor: Actor,
    projectId: string,
    type: T,
    fields: CommandFields<T>,
  ): Promise<EventView> {
    // The fields of type T and `type` together are exactly one command of the union.
    const command = {
      ...fields,
      type,
      projectId,
      actor,
      occurredAt: nowIso(),
    } as unknown as ProjectCommand;
    const outcome = await this.commands.execute(new RunProjectCommand(command, ids));
    return sendOutcome(response, outcome);
  }
}

/** Jurisdiction first, from the id alone: a malformed id or unknown division is not found. */
export function assertMayActOnProject(
  actor: Actor,
  projectId: string,
  divisions: DivisionRegistry,
): string {
  const parts = parseProjectId(projectId);
  const level = parts === undefined ? undefined : divisions.get(parts.divisionCode)?.level;
  if (parts === undefined || (level !== 'village' && level !== 'township')) {
    throw new ProjectNotFoundError(projectId);
  }
  assertWithinJurisdiction(actor, parts.divisionCode, divisions);
  return parts.divisionCode;
}
