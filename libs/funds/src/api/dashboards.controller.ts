import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiAnswer, ApiIntegerQuery, ApiPatternParam, integerQuery } from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor } from '@sunlight/kernel';
import { findLimitMax } from '@sunlight/read-store';
import {
  childSortFields,
  DashboardsQueries,
  type ChildListingAnswer,
  type ChildSortField,
  type DashboardAnswer,
} from '../application/dashboards.queries';
import { divisionCodePattern } from '../domain';
import { idleDaysDefault, idleDaysMax } from '../projections';

const childrenLimitDefault = 50;
const childrenOffsetMax = 1_000_000;

@ApiTags('dashboards (看板)')
@ApiBearerAuth()
@Controller('dashboards')
export class DashboardsController {
  constructor(
    private readonly dashboards: DashboardsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':divisionCode')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'The funds dashboard of a province, prefecture, county or township, rolling up everything below it',
    description:
      'Received, allocated down (下拨), disbursed, pending approval, in transit (在途), balance, idle (资金滞留: received and not ' +
      'moved on for more than `idleDays` days), disbursement and distinct beneficiary counts; per fund line, per purpose ' +
      'category and per fiscal year. Read from the dashboards read model: `readModelPosition`, beside `asOf`, is the log ' +
      'position the read model had applied when the answer was read (compare it with the log head in `/health`); ' +
      '`lastPosition` is the position of the last event that changed this division. `openFindings` counts the open ' +
      'findings (疑点 raised, assigned or reopened) of the division and everything below it by rule, read for every ' +
      'answer from the findings read model, which has a position of its own (`openFindings.readModelPosition`).',
  })
  @ApiPatternParam('divisionCode', divisionCodePattern, '530325')
  @ApiIntegerQuery('idleDays', { minimum: 1, maximum: idleDaysMax, default: idleDaysDefault })
  @ApiAnswer('Dashboard', 'The dashboard, with the log position it reflects')
  @Jurisdiction({ kind: 'division', in: 'path', name: 'divisionCode' })
  async get(
    @Param('divisionCode') divisionCode: string,
    @Query('idleDays') idleDaysText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<DashboardAnswer> {
    this.requireDivision(divisionCode);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const idleDays = integerQuery('idleDays', idleDaysText, 1, idleDaysMax) ?? idleDaysDefault;
    return this.dashboards.division(divisionCode, idleDays);
  }

  @Get(':divisionCode/children')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary: "The dashboards of a division's direct children (下级), sortable and paged",
    description:
      "Totals only: idle money and distinct beneficiaries need a per-division scan and are on each child's own dashboard. " +
      "Each child's `openFindings.total` counts its open findings (疑点), from the findings read model at " +
      '`openFindingsReadModelPosition`.',
  })
  @ApiPatternParam('divisionCode', divisionCodePattern, '5303')
  @ApiQuery({ name: 'sort', required: false, enum: childSortFields, example: 'disbursedFen' })
  @ApiQuery({ name: 'direction', required: false, enum: ['asc', 'desc'], example: 'desc' })
  @ApiIntegerQuery('limit', { minimum: 1, maximum: findLimitMax, default: childrenLimitDefault })
  @ApiIntegerQuery('offset', { minimum: 0, maximum: childrenOffsetMax, default: 0 })
  @ApiAnswer('ChildDashboards', "The children's totals, with the log position they reflect")
  @Jurisdiction({ kind: 'division', in: 'path', name: 'divisionCode' })
  async children(
    @Param('divisionCode') divisionCode: string,
    @Query('sort') sortText: string | undefined,
    @Query('direction') directionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<ChildListingAnswer> {
    this.requireDivision(divisionCode);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const sort = (sortText ?? 'divisionCode') as ChildSortField;
    if (!childSortFields.includes(sort)) {
      throw new RequestFieldError('sort', `must be one of ${childSortFields.join(', ')}`);
    }
    if (directionText !== undefined && directionText !== 'asc' && directionText !== 'desc') {
      throw new RequestFieldError('direction', 'must be asc or desc');
    }
    const limit = integerQuery('limit', limitText, 1, findLimitMax) ?? childrenLimitDefault;
    const offset = integerQuery('offset', offsetText, 0, childrenOffsetMax) ?? 0;
    const direction = directionText === 'desc' ? 'desc' : 'asc';
    return this.dashboards.children(divisionCode, sort, direction, limit, offset);
  }

  private requireDivision(code: string): void {
    if (this.divisions.get(code) === undefined)
      throw new NotFoundError('GEO.UNKNOWN_DIVISION', `No division ${code}`);
  }
}
