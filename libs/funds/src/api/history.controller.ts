import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles } from '@sunlight/auth';
import {
  DIVISION_REGISTRY,
  isValidIdNumber,
  normaliseIdNumber,
  type DivisionRegistry,
} from '@sunlight/geo';
import { integerQuery } from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor } from '@sunlight/kernel';
import { fundIdPattern, poolStreamName } from '../domain';
import { HistoryQueries, type PoolHistoryPage } from '../application/history.queries';

@ApiTags('history (历史)')
@ApiBearerAuth()
@Controller('history')
export class HistoryController {
  constructor(
    private readonly history: HistoryQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get('person/:idNumber')
  @Roles('commission', 'finance', 'approver')
  @ApiOperation({
    summary:
      'Every payment to one resident ID number (公民身份号码), any fund, any division, oldest first',
    description:
      'From the payments read model, with who requested, approved, rejected and settled each one. ' +
      "Only payments made inside the caller's jurisdiction are listed.",
  })
  @ApiParam({ name: 'idNumber', example: '530325198001011232' })
  async person(
    @Param('idNumber') raw: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ idNumber: string; payments: unknown[] }> {
    const idNumber = normaliseIdNumber(raw);
    if (!isValidIdNumber(idNumber)) {
      throw new RequestFieldError(
        'idNumber',
        'must be an 18-character resident ID number with a valid check character',
      );
    }
    return { idNumber, payments: await this.history.personPayments(idNumber, actor.division) };
  }

  @Get('pools/:fundId/:divisionCode')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'The history of one pool (资金池): every event, oldest first, paged, with the figures after each',
  })
  @ApiParam({ name: 'fundId', example: 'yn-2026-cyfz-001' })
  @ApiParam({ name: 'divisionCode', example: '530325' })
  @ApiQuery({ name: 'fromRevision', required: false, example: '0' })
  @ApiQuery({ name: 'limit', required: false, example: '100' })
  async pool(
    @Param('fundId') fundId: string,
    @Param('divisionCode') divisionCode: string,
    @Query('fromRevision') fromRevisionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<PoolHistoryPage> {
    if (!fundIdPattern.test(fundId) || this.divisions.get(divisionCode) === undefined)
      throw new NotFoundError('FUNDS.POOL_NOT_FOUND', `No pool ${fundId}.${divisionCode}`);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const streamName = poolStreamName(fundId, divisionCode);
    const fromRevision =
      integerQuery('fromRevision', fromRevisionText, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = integerQuery('limit', limitText, 1, 500) ?? 100;
    return this.history.pool(streamName, fromRevision, limit);
  }
}
