import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { divisionCodePattern } from '@sunlight/funds';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiPatternParam, integerQuery, todayInChina } from '@sunlight/http';
import { NotFoundError, type Actor } from '@sunlight/kernel';
import { identifiedYearMin } from '../domain';
import {
  HouseholdDashboardsQueries,
  type HouseholdDashboardAnswer,
} from '../application/household-dashboards.queries';
import { HouseholdDashboardDto } from './dto/views.dto';

/** The household figures of the four-level dashboards (看板), beside the funds figures. */
@ApiTags('dashboards (看板)')
@ApiBearerAuth()
@Controller('dashboards')
export class HouseholdDashboardsController {
  constructor(
    private readonly dashboards: HouseholdDashboardsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':divisionCode/households')
  @Roles('commission', 'finance', 'approver', 'village_staff')
  @Jurisdiction({ kind: 'division', in: 'path', name: 'divisionCode' })
  @ApiOperation({
    summary:
      'The household figures of a division, rolling up everything below it: registered households and people, by attribute and main cause, exits, returns, monitored households by type, risks eliminated',
    description:
      'Exits are counted by the year of their approval (县审批), returns and 风险消除 by the year of their date; `year` (default this year in China) picks the *ThisYear figures. ' +
      'Read from the householdDashboards read model (one document per division, like the funds dashboards): `readModelPosition` is the log position it had applied when the answer was read. ' +
      'Roles: commission, finance, approver, village_staff, admin.',
  })
  @ApiPatternParam('divisionCode', divisionCodePattern, '530325')
  @ApiQuery({
    name: 'year',
    required: false,
    description: 'The year of the *ThisYear figures; default this year in China',
    schema: { type: 'integer', minimum: identifiedYearMin, maximum: 2100, example: 2026 },
  })
  @ApiOkResponse({ type: HouseholdDashboardDto })
  async get(
    @Param('divisionCode') divisionCode: string,
    @Query('year') yearText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<HouseholdDashboardAnswer> {
    if (this.divisions.get(divisionCode) === undefined) {
      throw new NotFoundError('GEO.UNKNOWN_DIVISION', `No division ${divisionCode}`);
    }
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const year =
      integerQuery('year', yearText, identifiedYearMin, 2100) ?? Number(todayInChina().slice(0, 4));
    return this.dashboards.division(divisionCode, year);
  }
}
