import {
  Body,
  ConflictException,
  Controller,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles, type Actor } from '@sunlight/auth';
import { TRANSFER_INDEX, type TransferIndex } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { parsePoolStreamName, parseYuan, transferIdPattern, type PoolCommand } from '../domain';
import type { TransferOutcome } from '../application/command-envelope';
import { RunPoolCommand } from '../application/funds.commands';
import { commandIdsOf, nowIso, type CommandRequest } from './command-ids';
import {
  ApproveDisbursementDto,
  ReasonDto,
  RecoverFundsDto,
  ReverseTransferDto,
  SettleDisbursementDto,
} from './dto/funds.dto';
import { sendOutcome, type OutcomeResponse } from './responses';

/** Routes that name only a transfer: its pool is found from the log, then jurisdiction is checked. */
abstract class TransferRoutes {
  constructor(
    protected readonly commands: CommandBus,
    protected readonly transfers: TransferIndex,
    protected readonly divisions: DivisionRegistry,
  ) {}

  protected async run(
    transferId: string,
    originType: string,
    actor: Actor,
    request: CommandRequest,
    response: OutcomeResponse,
    build: (pool: { fundId: string; divisionCode: string }) => PoolCommand,
  ): Promise<TransferOutcome['event']> {
    const pool = transferIdPattern.test(transferId)
      ? await this.locate(transferId, originType)
      : undefined;
    if (pool === undefined)
      throw new NotFoundException(`No ${originType} with transfer id ${transferId}`);
    assertWithinJurisdiction(actor, pool.divisionCode, this.divisions);
    const outcome = await this.commands.execute(
      new RunPoolCommand(build(pool), commandIdsOf(request)),
    );
    return sendOutcome(response, outcome);
  }

  private async locate(
    transferId: string,
    originType: string,
  ): Promise<{ fundId: string; divisionCode: string } | undefined> {
    const origins = await this.transfers.findByTransferId(transferId, { types: [originType] });
    const streams = new Set(origins.map((origin) => origin.streamName));
    if (streams.size > 1) {
      // Only a race between two pools claiming one id at the same instant gets here; acting on
      // either would be a guess.
      throw new ConflictException(
        `Transfer id ${transferId} names transfers in ${[...streams].join(' and ')}`,
      );
    }
    return origins.length === 0 ? undefined : parsePoolStreamName(origins[0].streamName);
  }
}

@ApiTags('disbursements (发放)')
@ApiBearerAuth()
@Controller('disbursements')
export class DisbursementsController extends TransferRoutes {
  constructor(
    commands: CommandBus,
    @Inject(TRANSFER_INDEX) transfers: TransferIndex,
    @Inject(DIVISION_REGISTRY) divisions: DivisionRegistry,
  ) {
    super(commands, transfers, divisions);
  }

  @Post(':transferId/approve')
  @Roles('approver')
  @ApiOperation({
    summary:
      'Approve a requested disbursement (审批通过); the approver must not be its requester (maker-checker)',
    description:
      'Writes DisbursementApproved: the reserved money leaves the pool balance for payment.',
  })
  @ApiParam({ name: 'transferId', example: 'disb-530325102-0001' })
  approve(
    @Param('transferId') transferId: string,
    @Body() _body: ApproveDisbursementDto,
    @CurrentActor() actor: Actor,
    @Req() request: CommandRequest,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<TransferOutcome['event']> {
    return this.run(transferId, 'DisbursementRequested', actor, request, response, (pool) => ({
      type: 'ApproveDisbursement',
      ...pool,
      transferId,
      actor,
      occurredAt: nowIso(),
    }));
  }

  @Post(':transferId/reject')
  @Roles('approver')
  @ApiOperation({
    summary: 'Reject a requested disbursement (驳回) with a reason; the reservation is released',
  })
  @ApiParam({ name: 'transferId', example: 'disb-530325102-0001' })
  reject(
    @Param('transferId') transferId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @Req() request: CommandRequest,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<TransferOutcome['event']> {
    return this.run(transferId, 'DisbursementRequested', actor, request, response, (pool) => ({
      type: 'RejectDisbursement',
      ...pool,
      transferId,
      reason: body.reason,
      actor,
      occurredAt: nowIso(),
    }));
  }

  @Post(':transferId/settle')
  @Roles('bank')
  @ApiOperation({
    summary:
      'Settle an approved disbursement (结算): paid with the bank reference, or failed (the money returns to the pool)',
  })
  @ApiParam({ name: 'transferId', example: 'disb-530325102-0001' })
  settle(
    @Param('transferId') transferId: string,
    @Body() body: SettleDisbursementDto,
    @CurrentActor() actor: Actor,
    @Req() request: CommandRequest,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<TransferOutcome['event']> {
    return this.run(transferId, 'DisbursementRequested', actor, request, response, (pool) => ({
      type: 'SettleDisbursement',
      ...pool,
      transferId,
      outcome: body.outcome,
      ...(body.bankReference === undefined ? {} : { bankReference: body.bankReference }),
      ...(body.failureReason === undefined ? {} : { failureReason: body.failureReason }),
      actor,
      occurredAt: nowIso(),
    }));
  }
}

@ApiTags('transfers (冲正与追回)')
@ApiBearerAuth()
@Controller('transfers')
export class TransfersController extends TransferRoutes {
  constructor(
    commands: CommandBus,
    @Inject(TRANSFER_INDEX) transfers: TransferIndex,
    @Inject(DIVISION_REGISTRY) divisions: DivisionRegistry,
  ) {
    super(commands, transfers, divisions);
  }

  @Post(':transferId/reverse')
  @Roles('finance', 'bank')
  @ApiOperation({
    summary:
      'Reverse a paid disbursement (冲正) whose money came back, as a new transfer naming the original',
    description:
      'Writes TransferReversed with its own transferId (from the body), the original and the reason.',
  })
  @ApiParam({
    name: 'transferId',
    description: 'The paid disbursement',
    example: 'disb-530325102-0001',
  })
  reverse(
    @Param('transferId') originalTransferId: string,
    @Body() body: ReverseTransferDto,
    @CurrentActor() actor: Actor,
    @Req() request: CommandRequest,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<TransferOutcome['event']> {
    return this.run(
      originalTransferId,
      'DisbursementRequested',
      actor,
      request,
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
  @ApiParam({
    name: 'transferId',
    description: 'The paid disbursement',
    example: 'disb-530325102-0002',
  })
  recover(
    @Param('transferId') originalTransferId: string,
    @Body() body: RecoverFundsDto,
    @CurrentActor() actor: Actor,
    @Req() request: CommandRequest,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<TransferOutcome['event']> {
    return this.run(
      originalTransferId,
      'DisbursementRequested',
      actor,
      request,
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
