import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { DIVISION_REGISTRY, normaliseIdNumber, type DivisionRegistry } from '@sunlight/geo';
import {
  nowIso,
  RequestCommandIds,
  sendOutcome,
  todayInChina,
  type OutcomeResponse,
} from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  HouseholdNotFoundError,
  householdIdPattern,
  idNumberProblem,
  parseHouseholdId,
  requireIncomeFen,
  type HouseholdCommand,
} from '../domain';
import { RunHouseholdCommand } from '../application/households.commands';
import { RegisterHouseholdDto } from './dto/households.dto';
import {
  AddMemberDto,
  AssessHousingDto,
  AssignHelperDto,
  JoinIndustryProjectDto,
  RecordIncomeDto,
  RecordPolicyDto,
  RemoveMemberDto,
} from './dto/records.dto';
import { HouseholdCommandResponses } from './household-responses';

const householdParam = {
  name: 'householdId',
  description: 'Household id, hh-<12-digit village code>-<n>',
  schema: { type: 'string', pattern: householdIdPattern.source, example: 'hh-530325102001-17' },
};

type CommandFields<T extends HouseholdCommand['type']> = Omit<
  Extract<HouseholdCommand, { type: T }>,
  'type' | 'householdId' | 'actor' | 'occurredAt'
>;

/**
 * The household register (建档立卡) over HTTP: registration and every later fact. Each route
 * checks the caller against the household's village (read from its id) before anything else,
 * so a caller outside it learns nothing, and writes through the generic command handler.
 */
@ApiTags('households (建档立卡)')
@ApiBearerAuth()
@Controller('households')
export class HouseholdsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Post()
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'body',
    name: 'villageCode',
    level: 'village',
    also: { householdId: 'hh-{code}-1' },
  })
  @ApiOperation({
    summary: 'Register a poor household (建档立卡贫困户)',
    description:
      "Writes HouseholdRegistered on household-<householdId>. The village must be a known village inside the caller's jurisdiction, the group one registered under it. " +
      'Repeating the same registration returns the original event (200, Idempotent-Replayed: true); the same id with other facts is a 409. Roles: village_staff, admin.',
  })
  @HouseholdCommandResponses('HOUSEHOLDS.ALREADY_REGISTERED: the id is registered with other facts')
  async register(
    @Body() body: RegisterHouseholdDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    const village = this.divisions.get(body.villageCode);
    if (village?.level !== 'village') {
      throw new RequestFieldError('villageCode', `${body.villageCode} is not a known village code`);
    }
    // Jurisdiction before the rest of the body: a village outside it is a 403 whatever else is wrong.
    assertWithinJurisdiction(actor, body.villageCode, this.divisions);
    if (parseHouseholdId(body.householdId)?.villageCode !== body.villageCode) {
      throw new RequestFieldError(
        'householdId',
        `must start with hh-${body.villageCode}- (its village)`,
      );
    }
    const group = body.villageGroupCode;
    const groupExists =
      group !== undefined && this.divisions.get(group)?.parentCode === body.villageCode;
    if (group !== undefined && !groupExists) {
      throw new RequestFieldError(
        'villageGroupCode',
        `${group} is not a registered group of village ${body.villageCode}`,
      );
    }
    return this.run(response, ids, actor, body.householdId, 'RegisterHousehold', {
      villageCode: body.villageCode,
      ...(group === undefined ? {} : { villageGroupCode: group }),
      headName: body.headName,
      address: body.address,
      identificationStandard: body.identificationStandard,
      attribute: body.attribute,
      mainCause: body.mainCause,
      otherCauses: body.otherCauses,
      bankName: body.bankName,
      bankAccount: body.bankAccount,
      phone: body.phone,
      identifiedYear: body.identifiedYear,
      villageExists: true,
      villageGroupExists: groupExists,
    });
  }

  @Post(':householdId/members')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Add a member (家庭成员)',
    description:
      'Writes MemberAdded, which claims the ID number across the whole system: a person already active in another household is a 409 ' +
      "(naming that household only when it lies inside the caller's jurisdiction). Sex and birth date must agree with the ID number. Roles: village_staff, admin.",
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.PERSON_IN_ANOTHER_HOUSEHOLD, HOUSEHOLDS.MEMBER_CONFLICT (active here with other details) or HOUSEHOLDS.SECOND_HEAD',
  )
  async addMember(
    @Param('householdId') householdId: string,
    @Body() body: AddMemberDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'AddMember', {
      idNumber: body.idNumber,
      name: body.name,
      relation: body.relation,
      sex: body.sex,
      birthDate: body.birthDate,
      health: body.health,
      schooling: body.schooling,
      labour: body.labour,
    });
  }

  @Post(':householdId/members/:idNumber/removal')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Remove a member (减员): 死亡, 婚出, 迁出, 服刑 or 其它, with a date',
    description:
      'Writes MemberRemoved, which releases the ID number, so the person may be added to another household. Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @ApiParam({
    name: 'idNumber',
    description: "The member's 18-character ID number",
    schema: { type: 'string', pattern: '^[0-9]{17}[0-9Xx]$', example: '530325199001011237' },
  })
  @HouseholdCommandResponses()
  async removeMember(
    @Param('householdId') householdId: string,
    @Param('idNumber') rawIdNumber: string,
    @Body() body: RemoveMemberDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    const idNumber = normaliseIdNumber(rawIdNumber);
    const problem = idNumberProblem(idNumber, todayInChina());
    if (problem !== undefined) throw new RequestFieldError('idNumber', problem);
    return this.run(response, ids, actor, householdId, 'RemoveMember', {
      idNumber,
      reason: body.reason,
      date: body.date,
    });
  }

  @Post(':householdId/incomes')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Record income (收入) of a year and type; a correction names the record it replaces',
    description:
      "Writes IncomeRecorded. Per-capita net income (年人均纯收入) is the year's counted records minus 生产经营性支出, divided by the active members. Roles: village_staff, admin.",
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.INCOME_RECORD_CONFLICT: the record id is used with other content',
  )
  async recordIncome(
    @Param('householdId') householdId: string,
    @Body() body: RecordIncomeDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'RecordIncome', {
      recordId: body.recordId,
      year: body.year,
      incomeType: body.incomeType,
      amountFen: requireIncomeFen('amount', body.amount),
      ...(body.correctsRecordId === undefined ? {} : { correctsRecordId: body.correctsRecordId }),
    });
  }

  @Post(':householdId/housing-assessments')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Record a housing safety assessment (住房安全鉴定): 安全, C级危房 or D级危房',
    description: 'Writes HousingAssessed. Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses()
  async assessHousing(
    @Param('householdId') householdId: string,
    @Body() body: AssessHousingDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'AssessHousing', {
      safety: body.safety,
      assessor: body.assessor,
      assessedOn: body.assessedOn,
    });
  }

  @Post(':householdId/helpers')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Assign the helper (帮扶责任人): name, unit, phone',
    description:
      "Writes HelperAssigned; the latest one is the household's helper. Roles: village_staff, admin.",
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses()
  async assignHelper(
    @Param('householdId') householdId: string,
    @Body() body: AssignHelperDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'AssignHelper', {
      name: body.name,
      unit: body.unit,
      phone: body.phone,
    });
  }

  @Post(':householdId/policies')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Record a policy the household enjoys (享受政策)',
    description: 'Writes PolicyEnjoyed. Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses()
  async recordPolicy(
    @Param('householdId') householdId: string,
    @Body() body: RecordPolicyDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'RecordPolicy', {
      policy: body.policy,
      year: body.year,
      ...(body.description === undefined ? {} : { description: body.description }),
    });
  }

  @Post(':householdId/industry-projects')
  @Roles('village_staff')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'householdId',
    level: 'village',
    template: 'hh-{code}-1',
  })
  @ApiOperation({
    summary: 'Record that the household joined an industry project (产业项目)',
    description: 'Writes IndustryProjectJoined. Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses()
  async joinIndustryProject(
    @Param('householdId') householdId: string,
    @Body() body: JoinIndustryProjectDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, actor, householdId, 'JoinIndustryProject', {
      projectId: body.projectId,
      joinedOn: body.joinedOn,
    });
  }

  /**
   * A well-formed id of a known village inside the caller's jurisdiction; anything else is not
   * found, or forbidden, before the household's existence is looked at.
   */
  private assertMayAct(actor: Actor, householdId: string): void {
    const parts = parseHouseholdId(householdId);
    if (parts === undefined || this.divisions.get(parts.villageCode)?.level !== 'village') {
      throw new HouseholdNotFoundError(householdId);
    }
    assertWithinJurisdiction(actor, parts.villageCode, this.divisions);
  }

  private async run<T extends HouseholdCommand['type']>(
    response: OutcomeResponse,
    ids: CommandIds,
    actor: Actor,
    householdId: string,
    type: T,
    fields: CommandFields<T>,
  ): Promise<EventView> {
    // The fields of type T and `type` together are exactly one command of the union.
    const command = {
      ...fields,
      type,
      householdId,
      actor,
      occurredAt: nowIso(),
    } as unknown as HouseholdCommand;
    const outcome = await this.commands.execute(new RunHouseholdCommand(command, ids));
    return sendOutcome(response, outcome);
  }
}
