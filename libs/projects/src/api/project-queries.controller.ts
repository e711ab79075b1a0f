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
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { ProjectNotFoundError, projectCategories, projectStatuses } from '../domain';
import {
  projectPageSizeDefault,
  projectPageSizeMax,
  ProjectsQueries,
} from '../application/projects.queries';
import { projectSummaryView, projectView } from '../application/project-views';
import { ProjectPageDto, ProjectViewDto } from './dto/views.dto';
import { assertMayActOnProject, projectParam } from './projects.controller';

export const projectReaders = ['village_staff', 'finance', 'commission', 'approver'] as const;

/** The projects' read routes, inside the caller's jurisdiction, from the read model only. */
@ApiTags('projects (扶贫项目)')
@ApiBearerAuth()
@Controller('projects')
export class ProjectQueriesController {
  constructor(
    private readonly queries: ProjectsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get()
  @Roles(...projectReaders)
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'List projects inside a division, by category and status, paged',
    description:
      "division defaults to the caller's jurisdiction and must lie inside it; ordered by division code, then id. Roles: village_staff, finance, commission, approver, admin.",
  })
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits)',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325102' },
  })
  @ApiQuery({ name: 'category', required: false, enum: projectCategories })
  @ApiQuery({ name: 'status', required: false, enum: projectStatuses })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: projectPageSizeMax,
      default: projectPageSizeDefault,
    },
  })
  @ApiQuery({
    name: 'offset',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
  })
  @ApiOkResponse({ type: ProjectPageDto })
  @ApiProblemResponse(400, 'A query parameter is not valid (problem+json naming it)')
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  async list(
    @CurrentActor() actor: Actor,
    @Query('division') divisionText: string | undefined,
    @Query('category') category: string | undefined,
    @Query('status') status: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
  ): Promise<ProjectPageDto> {
    const division = divisionText ?? actor.division;
    if (
      typeof division !== 'string' ||
      !/^\d{2,12}$/.test(division) ||
      !this.divisions.has(division)
    ) {
      throw new RequestFieldError('division', 'must be a known division code');
    }
    oneOf('category', category, projectCategories);
    oneOf('status', status, projectStatuses);
    const limit = integerQuery('limit', limitText, 1, projectPageSizeMax) ?? projectPageSizeDefault;
    const offset = integerQuery('offset', offsetText, 0, 100_000) ?? 0;
    assertWithinJurisdiction(actor, division, this.divisions);
    const page = await this.queries.list({
      division,
      ...(category === undefined ? {} : { category }),
      ...(status === undefined ? {} : { status }),
      limit,
      offset,
    });
    return {
      items: page.items.map((project) =>
        projectSummaryView(project, this.nameOf(project.divisionCode)),
      ),
      total: page.total,
      limit,
      offset,
    };
  }

  @Get(':projectId')
  @Roles(...projectReaders)
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'projectId',
    level: 'village',
    template: 'prj-{code}-1',
  })
  @ApiOperation({
    summary:
      'A project: plan, status, milestones, acceptance, photos with their checks, beneficiaries',
    description:
      'From the projects read model: a step shows once the projection has applied it. Roles: village_staff, finance, commission, approver, admin.',
  })
  @ApiParam(projectParam)
  @ApiOkResponse({ type: ProjectViewDto })
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the project's division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(404, 'No such project')
  async get(
    @CurrentActor() actor: Actor,
    @Param('projectId') projectId: string,
  ): Promise<ReturnType<typeof projectView>> {
    assertMayActOnProject(actor, projectId, this.divisions);
    const project = await this.queries.project(projectId);
    if (project === undefined) throw new ProjectNotFoundError(projectId);
    const payments = await this.queries.payments(projectId);
    return projectView(project, this.nameOf(project.divisionCode), payments);
  }

  private nameOf(code: string): string | null {
    return this.divisions.get(code)?.name ?? null;
  }
}

function oneOf(field: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new RequestFieldError(field, `must be one of ${allowed.join(', ')}`);
  }
}
