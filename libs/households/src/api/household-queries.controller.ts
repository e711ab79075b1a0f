import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { anyDivisionCodePattern, DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse, integerQuery, todayInChina } from '@sunlight/http';
import { RequestFieldError, type Actor, type OpenFindings } from '@sunlight/kernel';
import { HOUSEHOLD_FINDINGS, type HouseholdFindings } from '../household-findings.port';
import {
  formatYuan,
  incomeYearMin,
  monitoringRulesFor,
  NoMonitoringRulesError,
  parseIncomeYuan,
  type MonitoringRules,
  HouseholdNotFoundError,
  householdAttributes,
  householdIdPattern,
  householdStatuses,
  parseHouseholdId,
  povertyCauses,
} from '../domain';
import { householdCard, householdSummaryView, householdView } from '../application/household-card';
import {
  householdPageSizeDefault,
  householdPageSizeMax,
  HouseholdsQueries,
} from '../application/households.queries';
import { MONITORING_RULES } from '../application/monitoring-rules.loader';
import { ProblemDto } from './dto/responses.dto';
import {
  HouseholdCardDto,
  HouseholdPageDto,
  HouseholdViewDto,
  MonitoringCandidatePageDto,
} from './dto/views.dto';

const householdParam = {
  name: 'householdId',
  description: 'hh-<12-digit village code>-<n>',
  schema: { type: 'string', pattern: householdIdPattern.source, example: 'hh-530325102202-17' },
};
const qLengthMax = 50;

/**
 * The register's read routes: a household, its card (明白卡) and the list, inside the caller's
 * jurisdiction, from read models only.
 */
@ApiTags('households (建档立卡)')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  type: ProblemDto,
  description: 'No bearer token, or an invalid or expired one',
})
@ApiForbiddenResponse({
  type: ProblemDto,
  description: "Role not allowed, or the division lies outside the caller's jurisdiction",
})
@Controller('households')
export class HouseholdQueriesController {
  constructor(
    private readonly queries: HouseholdsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(MONITORING_RULES) private readonly monitoringRules: readonly MonitoringRules[],
    @Optional() @Inject(HOUSEHOLD_FINDINGS) private readonly findings?: HouseholdFindings,
  ) {}

  @Get()
  @Roles('village_staff', 'finance', 'commission', 'approver')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary:
      "List households inside a division, paged, by attribute, main cause, status and the start of the head's name",
    description:
      "division defaults to the caller's jurisdiction and must lie inside it; ordered by village code, then id. Roles: village_staff, finance, commission, approver, admin.",
  })
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits) or a village group <village>-<n>',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325102' },
  })
  @ApiQuery({ name: 'attribute', required: false, enum: householdAttributes })
  @ApiQuery({
    name: 'cause',
    required: false,
    enum: povertyCauses,
    description: 'Main poverty cause',
  })
  @ApiQuery({ name: 'status', required: false, enum: householdStatuses })
  @ApiQuery({
    name: 'q',
    required: false,
    description: `The start of the head's name, at most ${qLengthMax} characters`,
    schema: { type: 'string', minLength: 1, maxLength: qLengthMax },
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: householdPageSizeMax,
      default: householdPageSizeDefault,
    },
  })
  @ApiQuery({
    name: 'offset',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
  })
  @ApiOkResponse({ type: HouseholdPageDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'A query parameter is not valid (problem+json naming it)',
  })
  async list(
    @CurrentActor() actor: Actor,
    @Query('division') divisionText: string | undefined,
    @Query('attribute') attribute: string | undefined,
    @Query('cause') cause: string | undefined,
    @Query('status') status: string | undefined,
    @Query('q') q: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
  ): Promise<HouseholdPageDto> {
    const division = divisionText ?? actor.division;
    if (typeof division !== 'string' || !this.divisions.has(division)) {
      throw new RequestFieldError('division', 'must be a known division or village group code');
    }
    oneOf('attribute', attribute, householdAttributes);
    oneOf('cause', cause, povertyCauses);
    oneOf('status', status, householdStatuses);
    if (q !== undefined && (typeof q !== 'string' || q.trim() === '' || q.length > qLengthMax)) {
      throw new RequestFieldError('q', `must be 1 to ${qLengthMax} characters`);
    }
    const limit =
      integerQuery('limit', limitText, 1, householdPageSizeMax) ?? householdPageSizeDefault;
    const offset = integerQuery('offset', offsetText, 0, 100_000) ?? 0;
    assertWithinJurisdiction(actor, division, this.divisions);
    const page = await this.queries.list({
      division,
      ...(attribute === undefined ? {} : { attribute }),
      ...(cause === undefined ? {} : { cause }),
      ...(status === undefined ? {} : { status }),
      ...(q === undefined ? {} : { q: q.trim() }),
      limit,
      offset,
    });
    return { items: page.items.map(householdSummaryView), total: page.total, limit, offset };
  }

  @Get('monitoring-candidates')
  @Roles('village_staff', 'finance', 'commission', 'approver')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary:
      'Households whose recorded per-capita net income is below the monitoring line and that are not monitored (防止返贫监测 candidates)',
    description:
      "The line is data per province and year (data/households/monitoring-lines.json); year defaults to the latest year up to now with a line for the division's province, and a year without one is a 422. " +
      'A household is listed when income is recorded for the year, it has members, its 年人均纯收入 is strictly below the line and no monitoring is open; lowest income first. ' +
      "division defaults to the caller's jurisdiction and must lie inside it. Served from the households read model. Roles: village_staff, finance, commission, approver, admin.",
  })
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'A division code (2–12 digits) or a village group <village>-<n>',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325102' },
  })
  @ApiQuery({
    name: 'year',
    required: false,
    description: 'The income year compared with that year’s line',
    schema: { type: 'integer', minimum: incomeYearMin, maximum: 2100, example: 2023 },
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: {
      type: 'integer',
      minimum: 1,
      maximum: householdPageSizeMax,
      default: householdPageSizeDefault,
    },
  })
  @ApiQuery({
    name: 'offset',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
  })
  @ApiOkResponse({ type: MonitoringCandidatePageDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'A query parameter is not valid (problem+json naming it)',
  })
  @ApiProblemResponse(
    422,
    "HOUSEHOLDS.NO_MONITORING_RULES: no monitoring line is shipped for the division's province and the year",
  )
  async monitoringCandidates(
    @CurrentActor() actor: Actor,
    @Query('division') divisionText: string | undefined,
    @Query('year') yearText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @Query('offset') offsetText: string | undefined,
  ): Promise<MonitoringCandidatePageDto> {
    const division = divisionText ?? actor.division;
    if (typeof division !== 'string' || !this.divisions.has(division)) {
      throw new RequestFieldError('division', 'must be a known division or village group code');
    }
    const thisYear = Number(todayInChina().slice(0, 4));
    const askedYear = integerQuery('year', yearText, incomeYearMin, 2100);
    const limit =
      integerQuery('limit', limitText, 1, householdPageSizeMax) ?? householdPageSizeDefault;
    const offset = integerQuery('offset', offsetText, 0, 100_000) ?? 0;
    assertWithinJurisdiction(actor, division, this.divisions);
    const province = division.slice(0, 2);
    const year =
      askedYear ??
      Math.max(
        0,
        ...this.monitoringRules
          .filter((rules) => rules.province === province)
          .flatMap((rules) => rules.years)
          .filter((ruleYear) => ruleYear <= thisYear),
      );
    const rules = monitoringRulesFor(this.monitoringRules, province, year);
    if (rules === undefined) throw new NoMonitoringRulesError(askedYear ?? thisYear, 'year');
    const lineFen = parseIncomeYuan(rules.incomeLineYuan) ?? 0n;
    const candidates = await this.queries.monitoringCandidates(division, year, lineFen);
    return {
      year,
      incomeLine: formatYuan(lineFen),
      rulesVersion: rules.version,
      items: candidates.slice(offset, offset + limit).map(({ household, perCapitaNetFen }) => ({
        householdId: household.householdId,
        villageCode: household.villageCode,
        villageGroupCode: household.villageGroupCode,
        headName: household.headName,
        status: household.status,
        attribute: household.attribute,
        memberCount: household.memberCount,
        perCapitaNet: formatYuan(perCapitaNetFen),
      })),
      total: candidates.length,
      limit,
      offset,
    };
  }

  @Get(':householdId')
  @Roles('village_staff', 'finance', 'commission', 'approver')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary:
      'A household as the register holds it: facts, members, former members, every income record',
    description: 'Roles: village_staff, finance, commission, approver, admin.',
  })
  @ApiParam(householdParam)
  @ApiOkResponse({ type: HouseholdViewDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such household' })
  async get(
    @CurrentActor() actor: Actor,
    @Param('householdId') householdId: string,
  ): Promise<ReturnType<typeof householdView>> {
    const household = await this.visibleHousehold(actor, householdId);
    return householdView(household, this.divisions.get(household.villageCode)?.name ?? null);
  }

  @Get(':householdId/card')
  @Roles('village_staff', 'finance', 'commission', 'approver')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'The household card (明白卡)',
    description:
      'Basic facts, members, income this year and last (per-capita net income), policies, helper, housing, status, and every payment the ledger made to the household or to the ID number of anyone who has been its member, with fund, amount, date and approver. ' +
      'Also the open findings (疑点) on the ID number of anyone who has been its member, inside the caller’s jurisdiction, with the rule that raised each and its status. ' +
      'Served from read models (households, payments and findings); a payment or finding shows once the projections have applied it. Roles: village_staff, finance, commission, approver, admin.',
  })
  @ApiParam(householdParam)
  @ApiOkResponse({ type: HouseholdCardDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'No such household' })
  async card(
    @CurrentActor() actor: Actor,
    @Param('householdId') householdId: string,
  ): Promise<ReturnType<typeof householdCard> & { openFindings: OpenFindings }> {
    const household = await this.visibleHousehold(actor, householdId);
    const thisYear = Number(todayInChina().slice(0, 4));
    const idNumbers = [...household.members, ...household.formerMembers].map(
      (member) => member.idNumber,
    );
    const [payments, openFindings] = await Promise.all([
      this.queries.payments(household),
      this.findings?.openFindingsOfPeople(actor.division, idNumbers) ?? { items: [], total: 0 },
    ]);
    return {
      ...householdCard(
        household,
        this.divisions.get(household.villageCode)?.name ?? null,
        [thisYear, thisYear - 1],
        payments,
      ),
      openFindings,
    };
  }

  /** Jurisdiction first, from the id alone; only then whether the household exists. */
  private async visibleHousehold(actor: Actor, householdId: string) {
    const parts = parseHouseholdId(householdId);
    if (parts === undefined || this.divisions.get(parts.villageCode)?.level !== 'village') {
      throw new HouseholdNotFoundError(householdId);
    }
    assertWithinJurisdiction(actor, parts.villageCode, this.divisions);
    const household = await this.queries.household(householdId);
    if (household === undefined) throw new HouseholdNotFoundError(householdId);
    return household;
  }
}

function oneOf(field: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new RequestFieldError(field, `must be one of ${allowed.join(', ')}`);
  }
}
