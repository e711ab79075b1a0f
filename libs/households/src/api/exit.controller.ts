import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { nowIso, RequestCommandIds, sendOutcome, type OutcomeResponse } from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import {
  criteriaFor,
  monitoringRulesFor,
  type MonitoringRules,
  HouseholdNotFoundError,
  householdIdPattern,
  parseHouseholdId,
  type ExitCriteria,
  type HouseholdCommand,
} from '../domain';
import { EXIT_CRITERIA } from '../application/exit-criteria.loader';
import { RunHouseholdCommand } from '../application/households.commands';
import { MONITORING_RULES } from '../application/monitoring-rules.loader';
import {
  EliminateRiskDto,
  EvaluateExitDto,
  RecordExitStepDto,
  ReturnToPovertyDto,
  StartMonitoringDto,
} from './dto/exit.dto';
import { HouseholdCommandResponses } from './household-responses';

const householdParam = {
  name: 'householdId',
  description: 'hh-<12-digit village code>-<n>',
  schema: { type: 'string', pattern: householdIdPattern.source, example: 'hh-530325102202-17' },
};
const householdJurisdiction = Jurisdiction({
  kind: 'division',
  in: 'path',
  name: 'householdId',
  level: 'village',
  template: 'hh-{code}-1',
});

/** Exit (脱贫退出) and return to poverty (返贫) of a registered household. */
@ApiTags('households (建档立卡)')
@ApiBearerAuth()
@Controller('households')
export class ExitController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(EXIT_CRITERIA) private readonly criteria: readonly ExitCriteria[],
    @Inject(MONITORING_RULES) private readonly monitoringRules: readonly MonitoringRules[],
  ) {}

  @Post(':householdId/exit-evaluations')
  @Roles('village_staff', 'finance')
  @householdJurisdiction
  @ApiOperation({
    summary:
      'Evaluate the household for exit (脱贫退出评估) against the criteria in force for its province and a year',
    description:
      'Writes ExitEvaluated {criteriaVersion, met, failed: [{criterion, required, actual}], perCapitaNetIncome}. The criteria are data (data/households/exit-criteria.json); a year without criteria for the province is a 422. Roles: village_staff, finance, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.EXIT_STEP_OUT_OF_ORDER: the evaluation id was used for another year',
  )
  async evaluate(
    @Param('householdId') householdId: string,
    @Body() body: EvaluateExitDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    const villageCode = this.assertMayAct(actor, householdId);
    return this.run(response, ids, {
      type: 'EvaluateExit',
      householdId,
      evaluationId: body.evaluationId,
      year: body.year,
      criteria: criteriaFor(this.criteria, villageCode.slice(0, 2), body.year),
      actor,
      occurredAt: nowIso(),
    });
  }

  @Post(':householdId/exit-steps')
  @Roles('village_staff', 'finance', 'approver')
  @householdJurisdiction
  @ApiOperation({
    summary:
      'Record a step of the exit procedure: 申请, 村评议, 乡镇审核, 公示 (at least 7 days), 县审批',
    description:
      'Writes ExitApplied, ExitVillageReviewed, ExitTownshipReviewed, ExitNoticePublished or ExitApproved. Steps go in order (409 otherwise); 申请 names a met evaluation. ' +
      '申请, 村评议 and 公示 by village_staff of the village or township, 乡镇审核 by village_staff or finance of the township, 县审批 by finance or approver of the county (403 otherwise); 县审批 comes after the notice has ended. ExitApproved makes the household exited.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.EXIT_STEP_OUT_OF_ORDER: the step is not the next one, or the evaluation was not met',
  )
  async recordStep(
    @Param('householdId') householdId: string,
    @Body() body: RecordExitStepDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, {
      type: 'RecordExitStep',
      householdId,
      step: body.step,
      date: body.date,
      ...(body.endDate === undefined ? {} : { endDate: body.endDate }),
      ...(body.evaluationId === undefined ? {} : { evaluationId: body.evaluationId }),
      ...(body.note === undefined ? {} : { note: body.note }),
      actor,
      occurredAt: nowIso(),
    });
  }

  @Post(':householdId/returns-to-poverty')
  @Roles('village_staff')
  @householdJurisdiction
  @ApiOperation({
    summary: 'Record a return to poverty (返贫) with its cause; the household is re-opened',
    description:
      'Writes ReturnedToPoverty; only an exited household returns (409 otherwise). It may be evaluated and exit again. Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses('HOUSEHOLDS.EXIT_STEP_OUT_OF_ORDER: the household has not exited')
  async returnToPoverty(
    @Param('householdId') householdId: string,
    @Body() body: ReturnToPovertyDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, {
      type: 'ReturnToPoverty',
      householdId,
      cause: body.cause,
      date: body.date,
      actor,
      occurredAt: nowIso(),
    });
  }

  @Post(':householdId/monitorings')
  @Roles('village_staff')
  @householdJurisdiction
  @ApiOperation({
    summary:
      'Identify the household as monitored (防止返贫动态监测): type, risk types and the assistance measures applied',
    description:
      'Writes MonitoringStarted. One monitoring is open at a time (409 while one is); a 脱贫不稳定户 is a household that has exited (409 otherwise). Roles: village_staff, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.MONITORING_CONFLICT: a monitoring is open, the id was used with other content, or a 脱贫不稳定户 that has not exited',
  )
  async startMonitoring(
    @Param('householdId') householdId: string,
    @Body() body: StartMonitoringDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    this.assertMayAct(actor, householdId);
    return this.run(response, ids, {
      type: 'StartMonitoring',
      householdId,
      monitoringId: body.monitoringId,
      monitoringType: body.monitoringType,
      riskTypes: body.riskTypes,
      measures: body.measures,
      identifiedOn: body.identifiedOn,
      ...(body.note === undefined ? {} : { note: body.note }),
      actor,
      occurredAt: nowIso(),
    });
  }

  @Post(':householdId/risk-eliminations')
  @Roles('village_staff', 'finance')
  @householdJurisdiction
  @ApiOperation({
    summary: 'Close a monitoring with 风险消除, no earlier than the period the rules require',
    description:
      'Writes RiskEliminated naming the rules version (data/households/monitoring-lines.json, the province and the year of eliminatedOn) whose least period was checked: earlier is a 409, a year without rules a 422. Roles: village_staff, finance, admin.',
  })
  @ApiParam(householdParam)
  @HouseholdCommandResponses(
    'HOUSEHOLDS.MONITORING_CONFLICT: no such monitoring, closed already on another day, or the required period has not passed',
  )
  async eliminateRisk(
    @Param('householdId') householdId: string,
    @Body() body: EliminateRiskDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    const villageCode = this.assertMayAct(actor, householdId);
    const year = Number(String(body.eliminatedOn).slice(0, 4));
    return this.run(response, ids, {
      type: 'EliminateRisk',
      householdId,
      monitoringId: body.monitoringId,
      eliminatedOn: body.eliminatedOn,
      ...(body.note === undefined ? {} : { note: body.note }),
      rules: monitoringRulesFor(this.monitoringRules, villageCode.slice(0, 2), year),
      actor,
      occurredAt: nowIso(),
    });
  }

  private assertMayAct(actor: Actor, householdId: string): string {
    const parts = parseHouseholdId(householdId);
    if (parts === undefined || this.divisions.get(parts.villageCode)?.level !== 'village') {
      throw new HouseholdNotFoundError(householdId);
    }
    assertWithinJurisdiction(actor, parts.villageCode, this.divisions);
    return parts.villageCode;
  }

  private async run(
    response: OutcomeResponse,
    ids: CommandIds,
    command: HouseholdCommand,
  ): Promise<EventView> {
    return sendOutcome(
      response,
      await this.commands.execute(new RunHouseholdCommand(command, ids)),
    );
  }
}
