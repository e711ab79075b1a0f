import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiAnswer,
  ApiPatternParam,
  ApiRecordedEvent,
  nowIso,
  RequestCommandIds,
  sendOutcome,
  type OutcomeResponse,
} from '@sunlight/http';
import { NotFoundError, type Actor } from '@sunlight/kernel';
import { fundIdPattern, parseYuan } from '../domain';
import { CreateFundLineCommand, RunPoolCommand } from '../application/funds.commands';
import { FundsQueries, type FundView } from '../application/funds.queries';
import { CreateFundDto, RequestDisbursementDto, SendAllocationDto } from './dto/funds.dto';

@ApiTags('funds (资金)')
@ApiBearerAuth()
@Controller('funds')
export class FundsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: FundsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Post()
  @Roles('finance')
  @ApiOperation({
    summary: "Create a fund line (资金项目) and appropriate it (下达) to one division's pool",
    description:
      'Writes FundLineCreated on fund-<fundId> and FundsAppropriated on pool-<fundId>.<division>. ' +
      'Repeating the same request returns the original event (Idempotent-Replayed: true); the same fundId with other content is a 409.',
  })
  @ApiRecordedEvent('Created: the FundLineCreated event')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'appropriation.divisionCode' })
  async create(
    @Body() body: CreateFundDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    requireKnownDivision(
      this.divisions,
      body.appropriation.divisionCode,
      'appropriation.divisionCode',
    );
    assertWithinJurisdiction(actor, body.appropriation.divisionCode, this.divisions);
    const outcome = await this.commands.execute(
      new CreateFundLineCommand(
        {
          type: 'CreateFundLine',
          fundId: body.fundId,
          name: body.name,
          fiscalYear: body.fiscalYear,
          purposeCategory: body.purposeCategory,
          source: body.source,
          appropriation: {
            divisionCode: body.appropriation.divisionCode,
            amountFen: parseYuan(body.appropriation.amount),
          },
          actor,
          occurredAt: nowIso(),
        },
        ids,
      ),
    );
    return sendOutcome(response, outcome);
  }

  @Get(':fundId')
  @ApiOperation({ summary: 'A fund line: name, fiscal year, purpose, source and appropriation' })
  @ApiPatternParam('fundId', fundIdPattern, 'yn-2026-cyfz-001')
  @ApiAnswer('FundLine', 'The fund line')
  @Jurisdiction({ kind: 'none', why: 'fund lines are published (公告公示)' })
  async get(@Param('fundId') fundId: string): Promise<FundView> {
    const fund = fundIdPattern.test(fundId) ? await this.queries.fund(fundId) : undefined;
    if (fund === undefined)
      throw new NotFoundError('FUNDS.FUND_NOT_FOUND', `No fund line ${fundId}`);
    return fund;
  }

  @Post(':fundId/allocations')
  @Roles('finance')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Allocate (下拨) from a pool to the pool of a direct child division',
    description:
      'Writes AllocationSent on the parent pool; the funds processor then writes AllocationReceived on the child pool, ' +
      "exactly once. Until then the amount shows as in transit (在途). The parent's balance must cover it.",
  })
  @ApiPatternParam('fundId', fundIdPattern, 'yn-2026-cyfz-001')
  @ApiRecordedEvent('Sent: the AllocationSent event')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'fromDivisionCode' })
  async allocate(
    @Param('fundId') fundId: string,
    @Body() body: SendAllocationDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    requireKnownDivision(this.divisions, body.fromDivisionCode, 'fromDivisionCode');
    requireKnownDivision(this.divisions, body.toDivisionCode, 'toDivisionCode');
    assertWithinJurisdiction(actor, body.fromDivisionCode, this.divisions);
    const outcome = await this.commands.execute(
      new RunPoolCommand(
        {
          type: 'SendAllocation',
          fundId,
          divisionCode: body.fromDivisionCode,
          transferId: body.transferId,
          toDivisionCode: body.toDivisionCode,
          amountFen: parseYuan(body.amount),
          targetIsDirectChild: this.divisions.isDirectChild(
            body.fromDivisionCode,
            body.toDivisionCode,
          ),
          actor,
          occurredAt: nowIso(),
        },
        ids,
      ),
    );
    return sendOutcome(response, outcome);
  }

  @Post(':fundId/disbursements')
  @Roles('finance')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Request a disbursement (发放) to a household, person or project; the amount is reserved',
    description:
      'Writes DisbursementRequested. Another person with the approver role approves or rejects it (maker-checker, 双人复核).',
  })
  @ApiPatternParam('fundId', fundIdPattern, 'yn-2026-cyfz-001')
  @ApiRecordedEvent('Requested: the DisbursementRequested event')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'divisionCode' })
  async requestDisbursement(
    @Param('fundId') fundId: string,
    @Body() body: RequestDisbursementDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    requireKnownDivision(this.divisions, body.divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, body.divisionCode, this.divisions);
    const outcome = await this.commands.execute(
      new RunPoolCommand(
        {
          type: 'RequestDisbursement',
          fundId,
          divisionCode: body.divisionCode,
          transferId: body.transferId,
          beneficiary: {
            kind: body.beneficiary.kind,
            id: body.beneficiary.id,
            name: body.beneficiary.name,
            ...(body.beneficiary.idNumber === undefined
              ? {}
              : { idNumber: body.beneficiary.idNumber }),
            ...(body.beneficiary.bankAccount === undefined
              ? {}
              : { bankAccount: body.beneficiary.bankAccount }),
          },
          amountFen: parseYuan(body.amount),
          ...(body.allocationRef === undefined ? {} : { allocationRef: body.allocationRef }),
          ...(body.rosterEntryRef === undefined ? {} : { rosterEntryRef: body.rosterEntryRef }),
          ...(body.purpose === undefined ? {} : { purpose: body.purpose }),
          actor,
          occurredAt: nowIso(),
        },
        ids,
      ),
    );
    return sendOutcome(response, outcome);
  }
}
