import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { integerQuery } from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor } from '@sunlight/kernel';
import { findLimitMax } from '@sunlight/read-store';
import {
  childSortFields,
  DashboardsQueries,
  type ChildListing,
  type ChildSortField,
} from '../application/dashboards.queries';
import { idleDaysDefault, idleDaysMax, type DashboardView } from '../projections';

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
      'category and per fiscal year. Read from the dashboards read model; `lastPosition` says how far in the log it reflects.',
  })
  @ApiParam({ name: 'divisionCode', example: '530325' })
  @ApiQuery({ name: 'idleDays', required: false, example: String(idleDaysDefault) })
  async get(
    @Param('divisionCode') divisionCode: string,
    @Query('idleDays') idleDaysText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<DashboardView> {
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
      "Totals only: idle money and distinct beneficiaries need a per-division scan and are on each child's own dashboard.",
  })
  @ApiParam({ name: 'divisionCode', example: '5303' })
  @ApiQuery({ name: 'sort', required: false, enum: childSortFields, example: 'disbursedFen' })
  @ApiQuery({ name: 'direction', required: false, enum: ['asc', 'desc'], example: 'desc' })
  @ApiQuery({ name: 'limit', required: false, example: '50' })
  @ApiQuery({ name: 'offset', required: false, example: '0' })
  async children(
    @Param('divisionCode') divisionCode: string,
    @Query('sort') sortText: string | undefined,
    @Query('direction') directionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<ChildListing> {
    this.requireDivision(divisionCode);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const sort = (sortText ?? 'divisionCode') as ChildSortField;
    if (!childSortFields.includes(sort)) {
      throw new RequestFieldError('sort', `must be one of ${childSortFields.join(', ')}`);
    }
    if (directionText !== undefined && directionText !== 'asc' && directionText !== 'desc') {
      throw new RequestFieldError('direction', 'must be asc or desc');
    }
    const limit = integerQuery('limit', limitText, 1, findLimitMax) ?? 50;
    const offset = integerQuery('offset', offsetText, 0, 1_000_000) ?? 0;
    const direction = directionText === 'desc' ? 'desc' : 'asc';
    return this.dashboards.children(divisionCode, sort, direction, limit, offset);
  }

  private requireDivision(code: string): void {
    if (this.divisions.get(code) === undefined)
      throw new NotFoundError('GEO.UNKNOWN_DIVISION', `No division ${code}`);
  }
}
