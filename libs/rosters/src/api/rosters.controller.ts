import type { IncomingMessage } from 'node:http';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Optional,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import type { CommandIds } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiProblemResponse,
  integerQuery,
  nowIso,
  RequestCommandIds,
  type OutcomeResponse,
} from '@sunlight/http';
import { RequestFieldError, type Actor, type OpenFindings } from '@sunlight/kernel';
import { divisionOfRosterId, RosterNotFoundError } from '../domain';
import type { RosterSummary } from '../roster-summary';
import { ROSTER_FINDINGS, type RosterFindings } from '../roster-checker.port';
import { RosterApproval, type RosterApprovalAccepted } from '../application/roster-approval';
import { RosterCommandsService } from '../application/roster-decisions';
import { RosterSettlement, type RosterSettlementAccepted } from '../application/roster-settlement';
import {
  entryStatuses,
  RosterQueries,
  type RosterEntriesPage,
} from '../application/roster-queries';
import {
  RosterUpload,
  rosterUploadFields,
  type RosterUploadAccepted,
} from '../application/roster-upload';
import { keepAdmitted, readMultipartUpload } from './multipart-upload';
import {
  ApproveRosterDto,
  RejectRosterDto,
  RosterApprovalAcceptedDto,
  RosterSettlementAcceptedDto,
  RosterSettlementFormDto,
  RosterEntriesPageDto,
  rosterIdParam,
  RosterSummaryDto,
  RosterUploadAcceptedDto,
  RosterUploadFormDto,
  RosterViewDto,
} from './dto/rosters.dto';

export const ROSTERS_OPTIONS = 'ROSTERS_OPTIONS';
export interface RostersOptions {
  /** UPLOAD_BYTES_MAX */
  uploadBytesMax: number;
}

const readers = ['finance', 'approver', 'bank', 'commission', 'village_staff'] as const;

@ApiTags('rosters (花名册)')
@ApiBearerAuth()
@Controller('rosters')
export class RostersController {
  constructor(
    private readonly uploads: RosterUpload,
    private readonly queries: RosterQueries,
    private readonly decisions: RosterCommandsService,
    private readonly approval: RosterApproval,
    private readonly settlement: RosterSettlement,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(ROSTERS_OPTIONS) private readonly options: RostersOptions,
    @Optional() @Inject(ROSTER_FINDINGS) private readonly findings?: RosterFindings,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('finance', 'village_staff')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'divisionCode' })
  @ApiOperation({
    summary: 'Upload a roster (花名册): the file is kept, then a job checks and records every line',
    description:
      'Answers 202 with the roster id and the parse job (GET /jobs/{jobId}). The file is stored ' +
      'content-addressed (SHA-256) and recorded in RosterUploaded with the uploader. The same file ' +
      'for the same fund and division is refused (409 naming the first roster) unless ' +
      '?allowDuplicate=true with a reason.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RosterUploadFormDto })
  @ApiQuery({ name: 'allowDuplicate', required: false, enum: ['true', 'false'] })
  @ApiAcceptedResponse({ type: RosterUploadAcceptedDto })
  @ApiProblemResponse(
    400,
    'A form field or the file is not valid (the answer names it and, for headers, lists the expected ones)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'The division is outside your jurisdiction, or your role may not upload')
  @ApiProblemResponse(
    409,
    'The same file was uploaded before for this fund and division (ROSTERS.DUPLICATE_FILE)',
  )
  @ApiProblemResponse(413, 'The file is larger than UPLOAD_BYTES_MAX (BLOBS.TOO_LARGE)')
  async upload(
    @Req() request: IncomingMessage,
    @Query('allowDuplicate') allowDuplicateText: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<RosterUploadAccepted> {
    if (allowDuplicateText !== undefined && !['true', 'false'].includes(allowDuplicateText)) {
      throw new RequestFieldError('allowDuplicate', 'must be true or false');
    }
    const upload = await readMultipartUpload(request, {
      blobs: this.blobs,
      bytesMax: this.options.uploadBytesMax,
      fieldNames: rosterUploadFields,
    });
    if (upload.file === undefined) throw new RequestFieldError('file', 'is required');
    await keepAdmitted(upload.file, () => this.uploads.admit(upload.fields, actor));
    return this.uploads.upload({
      form: upload.fields,
      file: upload.file,
      allowDuplicate: allowDuplicateText === 'true',
      actor,
      ids,
    });
  }

  @Get(':rosterId')
  @Roles(...readers)
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary:
      'A roster: its file, uploader, counts, status, who decided on it, and the open findings on its lines',
  })
  @ApiParam(rosterIdParam)
  @ApiOkResponse({ type: RosterViewDto })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The roster's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such roster (ROSTERS.NOT_FOUND)')
  async get(
    @Param('rosterId') rosterId: string,
    @CurrentActor() actor: Actor,
  ): Promise<RosterSummary & { openFindings: OpenFindings; stillFlaggedRows?: number[] }> {
    this.checkJurisdiction(rosterId, actor);
    const summary = await this.queries.summary(rosterId);
    const openFindings = (await this.findings?.openFindingsOfRoster(rosterId)) ?? {
      items: [],
      total: 0,
    };
    // What approving it would have to answer for now, read as the approval itself reads it.
    const flagged = summary.status === 'parsed' ? summary.check?.flagged : undefined;
    const stillFlaggedRows =
      flagged === undefined
        ? undefined
        : this.findings === undefined
          ? flagged.map((line) => line.row)
          : await this.findings.rowsStillFlagged(flagged);
    return {
      ...summary,
      openFindings,
      ...(stillFlaggedRows === undefined ? {} : { stillFlaggedRows }),
    };
  }

  @Get(':rosterId/entries')
  @Roles(...readers)
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary:
      "A roster's entries in row order, 100 a page: accepted, rejected (with field and reason), or both",
  })
  @ApiParam(rosterIdParam)
  @ApiQuery({ name: 'status', required: false, enum: entryStatuses })
  @ApiQuery({
    name: 'page',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 10000 },
  })
  @ApiOkResponse({ type: RosterEntriesPageDto })
  @ApiProblemResponse(400, 'status or page is not valid')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The roster's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such roster (ROSTERS.NOT_FOUND)')
  async entries(
    @Param('rosterId') rosterId: string,
    @Query('status') status: string | undefined,
    @Query('page') pageText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<RosterEntriesPage> {
    if (status !== undefined && !(entryStatuses as readonly string[]).includes(status)) {
      throw new RequestFieldError('status', `must be one of ${entryStatuses.join(', ')}`);
    }
    const page = integerQuery('page', pageText, 1, 10_000) ?? 1;
    this.checkJurisdiction(rosterId, actor);
    return this.queries.entries(
      rosterId,
      status as (typeof entryStatuses)[number] | undefined,
      page,
    );
  }

  @Get(':rosterId/file')
  @Roles(...readers)
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary: 'The file exactly as uploaded, with its SHA-256 as the ETag',
    description:
      'Streamed from the content-addressed store; If-None-Match with the ETag answers 304.',
  })
  @ApiParam(rosterIdParam)
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    description: 'The original bytes',
    content: {
      'text/csv': { schema: { type: 'string', format: 'binary' } },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
        schema: { type: 'string', format: 'binary' },
      },
    },
    headers: {
      ETag: { description: 'The SHA-256 of the bytes, quoted', schema: { type: 'string' } },
      'Content-Disposition': {
        description: 'attachment with the uploaded file name',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The roster's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such roster, or its file is missing from the store')
  async file(
    @Param('rosterId') rosterId: string,
    @Res({ passthrough: true }) response: OutcomeResponse,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    this.checkJurisdiction(rosterId, actor);
    const summary = await this.queries.summary(rosterId);
    response.setHeader('ETag', `"${summary.file.sha256}"`);
    const { stream, bytes } = await this.blobs.open(summary.file.sha256);
    return new StreamableFile(stream, {
      type:
        summary.file.format === 'xlsx'
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv',
      length: bytes,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(summary.file.name)}`,
    });
  }

  @Post(':rosterId/reject')
  @Roles('approver')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary: 'Reject a parsed roster (驳回) with a reason; never by its uploader',
    description:
      "When an approval reserved the roster's total on the pool but did not finish, the reservation " +
      "is released first (RosterBatchReleased: the money is back in the pool's balance), then " +
      'RosterRejected is written. The same rejection repeated answers 200 with ' +
      'Idempotent-Replayed: true and writes nothing; repeated after it was interrupted between the ' +
      'release and RosterRejected, it finishes it.',
  })
  @ApiParam(rosterIdParam)
  @ApiCreatedResponse({ type: RosterSummaryDto })
  @ApiProblemResponse(400, 'reason is missing or not valid')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Outside your jurisdiction, or you uploaded it (ROSTERS.SELF_APPROVAL)')
  @ApiProblemResponse(404, 'No such roster')
  @ApiProblemResponse(409, 'The roster is still being read, or was decided (ROSTERS.WRONG_STATE)')
  async reject(
    @Param('rosterId') rosterId: string,
    @Body() body: RejectRosterDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<RosterSummary> {
    this.checkJurisdiction(rosterId, actor);
    await this.queries.summary(rosterId);
    const outcome = await this.decisions.reject(rosterId, body.reason, actor, nowIso(), ids);
    response.setHeader('Idempotent-Replayed', String(outcome.replayed));
    response.status(outcome.replayed ? 200 : 201);
    return outcome.summary;
  }

  @Post(':rosterId/approve')
  @HttpCode(202)
  @Roles('approver')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary:
      'Approve a parsed roster (审批): every accepted line becomes one disbursement request, all or nothing; never by its uploader',
    description:
      "Reserves the roster's total on the fund's pool at the roster's division (RosterBatchReserved), " +
      'records RosterApproved, and answers 202 with the job (GET /jobs/{jobId}) that writes one ' +
      'DisbursementRequested per accepted line, with transfer id <rosterId>-<row> and rosterEntry ' +
      '{rosterId, row, fileSha256, uploadedBy, approvedBy}. When the pool cannot cover the total ' +
      'the roster is refused whole (409 FUNDS.ROSTER_NOT_COVERED) and nothing is written. ' +
      'A checked roster with lines still flagged needs a reason in the body, or those rows in ' +
      'excludedRows (not paid; a reason is still needed for any still-flagged row paid); otherwise ' +
      '400 naming reason. A line of check.flagged is still flagged while one of its findings is not ' +
      'disposed as dismissed: open (raised, assigned, reopened), or found right (confirmed, rectified, ' +
      'recovered: the line really is wrong). The findings are read from their streams at approval, ' +
      'not from the lagging read model, and RosterApproved records the rows still flagged ' +
      '(approvalFlaggedRows); the roster view shows them beforehand as stillFlaggedRows. ' +
      'Approving again answers the same job; an approval that reserved the total but did not finish ' +
      'is finished by the same decision repeated, and another decision (other excludedRows) is ' +
      'refused (409 FUNDS.ROSTER_BATCH_CONFLICT, naming what is reserved), as is an approval after ' +
      'a rejection released the reservation (409 FUNDS.ROSTER_BATCH_RELEASED). ' +
      'Each request is then approved, rejected and settled ' +
      'per payment (POST /disbursements/{transferId}/approve …) by someone other than the roster approver.',
  })
  @ApiParam(rosterIdParam)
  @ApiBody({ type: ApproveRosterDto, required: false })
  @ApiAcceptedResponse({ type: RosterApprovalAcceptedDto })
  @ApiProblemResponse(
    400,
    'The body is not valid, a flagged line is paid without a reason, or excludedRows names a row without findings (the answer names the field)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Outside your jurisdiction, or you uploaded it (ROSTERS.SELF_APPROVAL)')
  @ApiProblemResponse(404, 'No such roster')
  @ApiProblemResponse(
    409,
    'The roster is still being read, was rejected, has no accepted line (ROSTERS.WRONG_STATE), the pool cannot cover its total (FUNDS.ROSTER_NOT_COVERED), an unfinished approval reserved it with another decision (FUNDS.ROSTER_BATCH_CONFLICT), or its reservation was released for a rejection (FUNDS.ROSTER_BATCH_RELEASED)',
  )
  async approve(
    @Param('rosterId') rosterId: string,
    @Body() body: ApproveRosterDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<RosterApprovalAccepted> {
    this.checkJurisdiction(rosterId, actor);
    await this.queries.summary(rosterId);
    const outcome = await this.approval.approve(rosterId, actor, nowIso(), ids, {
      ...(body?.reason === undefined ? {} : { reason: body.reason }),
      ...(body?.excludedRows === undefined ? {} : { excludedRows: body.excludedRows }),
    });
    return outcome.accepted;
  }

  @Post(':rosterId/settle')
  @HttpCode(202)
  @Roles('bank')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'rosterId',
    template: 'ro-{code}-000000000000',
  })
  @ApiOperation({
    summary:
      "A bank's settlement file for an approved roster's payments (multipart), applied line by line as a job",
    description:
      'The file is kept content-addressed and recorded on the roster (RosterSettlementFileReceived); ' +
      'the job settles each line through the payment rules of POST /disbursements/{transferId}/settle ' +
      '(DisbursementPaid with the bank reference, or DisbursementFailed with the reason). A line that ' +
      'cannot be applied is reported with its row in the job result and changes nothing; the other ' +
      'lines are applied. The same file again answers the same job, and a line already settled the ' +
      'same way changes nothing.',
  })
  @ApiParam(rosterIdParam)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RosterSettlementFormDto })
  @ApiAcceptedResponse({ type: RosterSettlementAcceptedDto })
  @ApiProblemResponse(
    400,
    'No file, or it is not a settlement file (the answer names the problem and lists the expected headers)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The roster's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such roster')
  @ApiProblemResponse(409, 'The roster is not approved (ROSTERS.WRONG_STATE)')
  @ApiProblemResponse(413, 'The file is larger than UPLOAD_BYTES_MAX (BLOBS.TOO_LARGE)')
  async settle(
    @Param('rosterId') rosterId: string,
    @Req() request: IncomingMessage,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<RosterSettlementAccepted> {
    this.checkJurisdiction(rosterId, actor);
    await this.queries.summary(rosterId);
    const upload = await readMultipartUpload(request, {
      blobs: this.blobs,
      bytesMax: this.options.uploadBytesMax,
      fieldNames: [],
    });
    if (upload.file === undefined) throw new RequestFieldError('file', 'is required');
    // The roster's jurisdiction was checked before the file was read.
    await upload.file.keep();
    return this.settlement.accept({
      rosterId,
      stored: upload.file,
      actor,
      occurredAt: nowIso(),
      ids,
    });
  }

  private checkJurisdiction(rosterId: string, actor: Actor): void {
    const division = divisionOfRosterId(rosterId);
    if (division === undefined) throw new RosterNotFoundError(rosterId);
    assertWithinJurisdiction(actor, division, this.divisions);
  }
}
