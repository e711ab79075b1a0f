import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { DashboardTooLargeError } from '../domain';
import { projectDashboard } from '../application/project-dashboard';
import { dashboardProjectsMax, ProjectsQueries } from '../application/projects.queries';
import { ProjectDashboardDto } from './dto/dashboard.dto';
import { projectReaders } from './project-queries.controller';

/** Per-division figures of projects (项目看板), beside the funds dashboards. */
@ApiTags('projects (扶贫项目)')
@ApiBearerAuth()
@Controller('dashboards')
export class ProjectDashboardController {
  constructor(
    private readonly queries: ProjectsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':code/projects')
  @Roles(...projectReaders)
  @Jurisdiction({ kind: 'division', in: 'path', name: 'code' })
  @ApiOperation({
    summary:
      'Projects of a division: by category and status, budget, paid, photos, and those paid over 30 % with no 施工中/完工后 photo',
    description: `Computed when asked from the projects and payments read models (what the projections have applied), for a division of at most ${dashboardProjectsMax} projects. Roles: village_staff, finance, commission, approver, admin.`,
  })
  @ApiParam({
    name: 'code',
    description: 'A division code (2–12 digits)',
    schema: {
      type: 'string',
      pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$',
      example: '530325102',
    },
  })
  @ApiOkResponse({ type: ProjectDashboardDto })
  @ApiProblemResponse(400, 'code is not a known division')
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(
    422,
    `PROJECTS.DASHBOARD_TOO_LARGE: more than ${dashboardProjectsMax} projects; ask for a child division`,
  )
  async dashboard(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
  ): Promise<ProjectDashboardDto> {
    if (!/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(code) || !this.divisions.has(code)) {
      throw new RequestFieldError('code', 'must be a known division code');
    }
    assertWithinJurisdiction(actor, code, this.divisions);
    const projects = await this.queries.allInDivision(code);
    if (projects === undefined) throw new DashboardTooLargeError(code, dashboardProjectsMax);
    const payments = await this.queries.paymentsOf(projects.map((project) => project.projectId));
    return {
      ...projectDashboard(code, projects, payments),
      divisionName: this.divisions.get(code)?.name ?? null,
    };
  }
}
