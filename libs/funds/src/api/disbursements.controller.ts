import { Body, Controller, Inject, Injectable, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiPatternParam,
  ApiRecordedEvent,
  nowIso,
  RequestCommandIds,
  sendOutcome,
  type OutcomeResponse,
} from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import { parseYuan, transferIdPattern, type PoolCommand, type PoolEvent } from '../domain';
import { RunPoolCommand } from '../application/funds.commands';
import { TransferLocator, type TransferLocation } from '../application/transfer-locator';
import {
  ApproveDisbursementDto,
  ReasonDto,
  RecoverFundsDto,
  ReverseTransferDto,
  SettleDisbursementDto,
} from './dto/funds.dto';

/** Routes that name only a transfer: its pool is found from the log, then jurisdiction is checked. */
@Injectable()
export class TransferCommands {
  constructor(
    private readonly commands: CommandBus,
    private readonly locator: TransferLocator,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  async run(
    transferId: string,
    originType: PoolEvent['type'],
    actor: Actor,
    ids: CommandIds,
    response: OutcomeResponse,
    build: (pool: { fundId: string; divisionCode: string }) => PoolCommand,
  ): Promise<EventView> {
    const found: TransferLocation = await this.locator.locate(transferId, originType);
    assertWithinJurisdiction(actor, found.divisionCode, this.divisions);
    const pool = { fundId: found.fundId, divisionCode: found.divisionCode };
    const outcome = await this.commands.execute(
      new RunPoolCommand(build(pool), ids, found.streamName),
    );
    return sendOutcome(response, outcome);
  }
}

@ApiTags('disbursements (发放)')
@ApiBearerAuth()
@Controller('disbursements')
export class DisbursementsController {
  constructor(private readonly transfers: TransferCommands) {}

  @Post(':transferId/approve')
  @Roles('approver')
  @ApiOperation({
    summary:
      'Approve a requested disbursement (审批通过); the approver must not be its requester (maker-checker)',
    description:
      'Writes DisbursementApproved: the reserved money leaves the pool balance for payment.',
  })
  @ApiPatternParam('transferId', transferIdPattern, 'disb-530325102-0001')
  @ApiRecordedEvent()
  @Jurisdiction({ kind: 'transfer', name: 'transferId' })
  // Approval carries nothing but the decision; a client may send no body at all.
  @ApiBody({ type: ApproveDisbursementDto, required: false })
  approve(
    @Param('transferId') transferId: string,
    @Body() _body: ApproveDisbursementDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    return this.transfers.run(
      transferId,
      'DisbursementRequested',
      actor,
      ids,
      response,
      (pool) => ({
        type: 'ApproveDisbursement',
        ...pool,
        transferId,
        actor,
        occurredAt: nowIso(),
      }),
    );
  }

  @Post(':transferId/reject')
  @Roles('approver')
  @ApiOperation({
    summary: 'Reject a requested disbursement (驳回) with a reason; the reservation is released',
  })
  @ApiPatternParam('transferId', transferIdPattern, 'disb-530325102-0001')
  @ApiRecordedEvent()
  @Jurisdiction({ kind: 'transfer', name: 'transferId' })
  reject(
    @Param('transferId') transferId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    return this.transfers.run(
      transferId,
      'DisbursementRequested',
      actor,
      ids,
      response,
      (pool) => ({
        type: 'RejectDisbursement',
        ...pool,
        transferId,
        reason: body.reason,
        actor,
        occurredAt: nowIso(),
      }),
    );
  }

  @Post(':transferId/settle')
  @Roles('bank')
  @ApiOperation({
    summary:
      'Settle an approved disbursement (结算): paid with the bank reference, or failed (the money returns to the pool)',
  })
  @ApiPatternParam('transferId', transferIdPattern, 'disb-530325102-0001')
  @ApiRecordedEvent()
  @Jurisdiction({ kind: 'transfer', name: 'transferId' })
  settle(
    @Param('transferId') transferId: string,
    @Body() body: SettleDisbursementDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    return this.transfers.run(
      transferId,
      'DisbursementRequested',
      actor,
      ids,
      response,
      (pool) => ({
        type: 'SettleDisbursement',
        ...pool,
        transferId,
        outcome: body.outcome,
        ...(body.bankReference === undefined ? {} : { bankReference: body.bankReference }),
        ...(body.failureReason === undefined ? {} : { failureReason: body.failureReason }),
        actor,
        occurredAt: nowIso(),
      }),
    );
  }
}

@ApiTags('transfers (冲正与追回)')
@ApiBearerAuth()
@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransferCommands) {}

  @Post(':transferId/reverse')
  @Roles('finance', 'bank')
  @ApiOperation({
    summary:
      'Reverse a paid disbursement (冲正) whose money came back, as a new transfer naming the original',
    description:
      'Writes TransferReversed with its own transferId (from the body), the original and the reason.',
  })
  @ApiPatternParam('transferId', transferIdPattern, 'disb-530325102-0001', 'The paid disbursement')
  @ApiRecordedEvent()
  @Jurisdiction({ kind: 'transfer', name: 'transferId' })
  reverse(
    @Param('transferId') originalTransferId: string,
    @Body() body: ReverseTransferDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    return this.transfers.run(
      originalTransferId,
      'DisbursementRequested',
      actor,
      ids,
      response,
      (pool) => ({
        type: 'ReverseTransfer',
        ...pool,
        transferId: body.transferId,
        originalTransferId,
        reason: body.reason,
        actor,
        occurredAt: nowIso(),
      }),
    );
  }

  @Post(':transferId/recover')
  @Roles('finance', 'commission')
  @ApiOperation({
    summary:
      'Record a recovery (追回) of money paid out, as a new transfer naming the original and a reason',
    description: 'Writes FundsRecovered; at most what was paid and not yet reversed or recovered.',
  })
  @ApiPatternParam('transferId', transferIdPattern, 'disb-530325102-0002', 'The paid disbursement')
  @ApiRecordedEvent()
  @Jurisdiction({ kind: 'transfer', name: 'transferId' })
  recover(
    @Param('transferId') originalTransferId: string,
    @Body() body: RecoverFundsDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    return this.transfers.run(
      originalTransferId,
      'DisbursementRequested',
      actor,
      ids,
      response,
      (pool) => ({
        type: 'RecoverFunds',
        ...pool,
        transferId: body.transferId,
        originalTransferId,
        amountFen: parseYuan(body.amount),
        reason: body.reason,
        actor,
        occurredAt: nowIso(),
      }),
    );
  }
}
