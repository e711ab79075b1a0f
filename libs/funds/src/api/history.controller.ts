import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import {
  DIVISION_REGISTRY,
  isValidIdNumber,
  normaliseIdNumber,
  type DivisionRegistry,
} from '@sunlight/geo';
import {
  ApiAnswer,
  ApiIntegerQuery,
  ApiPatternParam,
  integerQuery,
  OpenFindingsDto,
} from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor, type OpenFindings } from '@sunlight/kernel';
import { divisionCodePattern, fundIdPattern, poolStreamName } from '../domain';
import { HistoryQueries, type PoolHistoryPage } from '../application/history.queries';
import { PERSON_FINDINGS, type PersonFindings } from '../person-findings.port';
import type { PaymentDocument } from '../projections';

const poolPageSizeMax = 500;
const poolPageSizeDefault = 100;

interface PersonPayments {
  idNumber: string;
  payments: (PaymentDocument & { logPosition: string })[];
  openFindings: OpenFindings;
}

@ApiTags('history (历史)')
@ApiBearerAuth()
// PersonPayments refers to it, whether or not another context's DTO brings it into the document.
@ApiExtraModels(OpenFindingsDto)
@Controller('history')
export class HistoryController {
  constructor(
    private readonly history: HistoryQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Optional() @Inject(PERSON_FINDINGS) private readonly findings?: PersonFindings,
  ) {}

  @Get('person/:idNumber')
  @Roles('commission', 'finance', 'approver')
  @ApiOperation({
    summary:
      'Every payment to one resident ID number (公民身份号码), any fund, any division, oldest first',
    description:
      'From the payments read model, with who requested, approved, rejected and settled each one. ' +
      "Only payments made inside the caller's jurisdiction are listed. " +
      'Also the open findings (疑点) about the ID number whose village lies inside the caller’s jurisdiction, with the rule that raised each and its status, from the findings read model (a finding shows once its projection has applied it).',
  })
  @ApiPatternParam('idNumber', /^[0-9]{17}[0-9Xx]$/, '530325198001011232')
  @ApiAnswer(
    'PersonPayments',
    "The payments made, and the open findings raised, inside the caller's jurisdiction",
  )
  @Jurisdiction({ kind: 'caller' })
  async person(
    @Param('idNumber') raw: string,
    @CurrentActor() actor: Actor,
  ): Promise<PersonPayments> {
    const idNumber = normaliseIdNumber(raw);
    if (!isValidIdNumber(idNumber)) {
      throw new RequestFieldError(
        'idNumber',
        'must be an 18-character resident ID number with a valid check character',
      );
    }
    const [payments, openFindings] = await Promise.all([
      this.history.personPayments(idNumber, actor.division),
      this.findings?.openFindingsOfPerson(actor.division, idNumber) ?? { items: [], total: 0 },
    ]);
    return {
      idNumber,
      // The store's positions sort as strings (zero-padded); the proof routes take the number.
      payments: payments.map((payment) => ({
        ...payment,
        logPosition: BigInt(payment.requestedPosition).toString(),
      })),
      openFindings,
    };
  }

  @Get('pools/:fundId/:divisionCode')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'The history of one pool (资金池): every event, oldest first, paged, with the figures after each',
  })
  @ApiPatternParam('fundId', fundIdPattern, 'yn-2026-cyfz-001')
  @ApiPatternParam('divisionCode', divisionCodePattern, '530325')
  @ApiIntegerQuery('fromRevision', { minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })
  @ApiIntegerQuery('limit', { minimum: 1, maximum: poolPageSizeMax, default: poolPageSizeDefault })
  @ApiAnswer('PoolHistoryPage', 'A page of the pool history')
  @Jurisdiction({ kind: 'division', in: 'path', name: 'divisionCode' })
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
    const limit = integerQuery('limit', limitText, 1, poolPageSizeMax) ?? poolPageSizeDefault;
    return this.history.pool(streamName, fromRevision, limit);
  }
}
