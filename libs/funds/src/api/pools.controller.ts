import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { ApiAnswer, ApiPatternParam } from '@sunlight/http';
import { NotFoundError, type Actor } from '@sunlight/kernel';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { divisionCodePattern, fundIdPattern } from '../domain';
import { FundsQueries, type PoolView } from '../application/funds.queries';

@ApiTags('pools (资金池)')
@ApiBearerAuth()
@Controller('pools')
export class PoolsController {
  constructor(
    private readonly queries: FundsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':fundId/:divisionCode')
  @Roles('finance', 'approver', 'bank', 'commission')
  @ApiOperation({
    summary:
      "A pool's figures: balance, received, sent, in transit (在途), disbursed, pending approval",
    description:
      "Folded from the pool's stream (snapshot + tail) at request time. Yuan decimal strings.",
  })
  @ApiPatternParam('fundId', fundIdPattern, 'yn-2026-cyfz-001')
  @ApiPatternParam('divisionCode', divisionCodePattern, '530325')
  @ApiAnswer('Pool', "The pool's figures")
  @Jurisdiction({ kind: 'division', in: 'path', name: 'divisionCode' })
  async get(
    @Param('fundId') fundId: string,
    @Param('divisionCode') divisionCode: string,
    @CurrentActor() actor: Actor,
  ): Promise<PoolView> {
    if (!fundIdPattern.test(fundId) || !(await this.queries.fundExists(fundId))) {
      throw new NotFoundError('FUNDS.FUND_NOT_FOUND', `No fund line ${fundId}`);
    }
    requireKnownDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return this.queries.pool(fundId, divisionCode);
  }
}
