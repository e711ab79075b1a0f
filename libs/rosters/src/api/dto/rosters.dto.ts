import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsHumanText, OpenFindingsDto } from '@sunlight/http';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { rosterIdPattern } from '../../domain';

/* OpenAPI shapes of the rosters routes, and the JSON bodies they validate. */

export const rosterIdParam = {
  name: 'rosterId',
  description: 'ro-<division code>-<12 hex digits>',
  schema: { type: 'string', pattern: rosterIdPattern.source, maxLength: 32 },
  example: 'ro-530325102-7f3a9c2b1d4e',
} as const;

export class RosterUploadFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The roster: CSV (UTF-8 with or without BOM, or GB18030) or XLSX (first sheet), with the Chinese or English headers of docs/formats.md; at most UPLOAD_BYTES_MAX bytes',
  })
  file!: unknown;
  @ApiProperty({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', example: 'yn-2026-cyfz-001' })
  fundId!: string;
  @ApiProperty({ pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$', example: '530325102' })
  divisionCode!: string;
  @ApiProperty({ maxLength: 200, example: '产业发展补助' })
  purpose!: string;
  @ApiProperty({ maxLength: 64, example: '2026年第一批' })
  period!: string;
  @ApiPropertyOptional({
    pattern: '^[¥￥]?\\d+(\\.\\d{1,2})?$',
    description: 'Per-person cap in yuan: a line above it is rejected',
    example: '3600.00',
  })
  perPersonCap?: string;
  @ApiPropertyOptional({
    maxLength: 500,
    description: 'Required with ?allowDuplicate=true: why the same file is uploaded again',
  })
  reason?: string;
}

export class RosterUploadAcceptedDto {
  @ApiProperty({ example: 'ro-530325102-7f3a9c2b1d4e' })
  rosterId!: string;
  @ApiProperty({
    example: 'rosters.0b9f3c1e-5a7d-4e8b-9c2f-1d3e5f7a9b0c',
    description: 'GET /jobs/{jobId}',
  })
  jobId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  fileSha256!: string;
  @ApiProperty({ minimum: 1 })
  bytes!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  format!: string;
}

export class ActorDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() division!: string;
}

export class RosterFileDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty() name!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
  @ApiPropertyOptional({ enum: ['utf-8', 'gb18030'], description: 'CSV only' }) encoding?: string;
}

export class RosterSettlementFileDto {
  @ApiProperty({ type: RosterFileDto }) file!: RosterFileDto;
  @ApiProperty({ type: ActorDto }) uploadedBy!: ActorDto;
  @ApiProperty({ description: 'GET /jobs/{jobId}: its outcome and the lines it could not apply' })
  settlementJobId!: string;
}

class FlaggedLineDto {
  @ApiProperty({ description: 'Row of the file (the header is row 1)' }) row!: number;
  @ApiProperty({ example: '20000.00' }) amount!: string;
  @ApiProperty({ type: [String], description: 'Its findings (at most 20)' }) findingIds!: string[];
}

class RosterCheckDto {
  @ApiProperty({ description: 'The parse job that ran the check' }) checkId!: string;
  @ApiProperty({ description: 'Findings on the roster’s lines' }) findings!: number;
  @ApiProperty({ type: [FlaggedLineDto] }) flagged!: FlaggedLineDto[];
}

export class RosterSummaryDto {
  @ApiProperty() rosterId!: string;
  @ApiProperty({ enum: ['parsing', 'parsed', 'approved', 'rejected'] }) status!: string;
  @ApiProperty() fundId!: string;
  @ApiProperty() divisionCode!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty() period!: string;
  @ApiPropertyOptional({ example: '3600.00' }) perPersonCap?: string;
  @ApiProperty({ type: RosterFileDto }) file!: RosterFileDto;
  @ApiProperty({ type: ActorDto }) uploadedBy!: ActorDto;
  @ApiProperty() parseJobId!: string;
  @ApiPropertyOptional({ description: 'The first roster of the same file, on a knowing repeat' })
  duplicateOf?: string;
  @ApiPropertyOptional() duplicateReason?: string;
  @ApiProperty({ description: 'Lines recorded so far' }) rowsRecorded!: number;
  @ApiProperty() accepted!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ example: '180000.00', description: 'Yuan, the accepted entries together' })
  total!: string;
  @ApiPropertyOptional({
    type: RosterCheckDto,
    description:
      'The cross-check of the accepted lines before the roster was parsed (GET /findings?rosterId= lists the findings)',
  })
  check?: RosterCheckDto;
  @ApiPropertyOptional({ type: ActorDto }) approvedBy?: ActorDto;
  @ApiPropertyOptional() disbursementJobId?: string;
  @ApiPropertyOptional({
    type: [Number],
    description: 'Flagged rows the approver excluded: not paid',
  })
  excludedRows?: number[];
  @ApiPropertyOptional({ description: 'Why flagged lines are paid all the same' })
  approvalReason?: string;
  @ApiPropertyOptional({
    type: [Number],
    description:
      'The rows of check.flagged still flagged when the roster was approved (a finding not dismissed): what the reason or excludedRows answered for; absent on approvals recorded before it was kept',
  })
  approvalFlaggedRows?: number[];
  @ApiPropertyOptional({ description: 'Lines approved for payment (accepted less excluded)' })
  approvedLines?: number;
  @ApiPropertyOptional({ example: '36000.00', description: 'Their total in yuan' })
  approvedTotal?: string;
  @ApiPropertyOptional({ type: ActorDto }) rejectedBy?: ActorDto;
  @ApiPropertyOptional() rejectionReason?: string;
  @ApiPropertyOptional({
    type: [RosterSettlementFileDto],
    description: 'The bank settlement files received, in order',
  })
  settlementFiles?: RosterSettlementFileDto[];
}

export class RosterViewDto extends RosterSummaryDto {
  @ApiProperty({
    type: OpenFindingsDto,
    description:
      'Open findings (raised, assigned or reopened) on the roster’s lines, from the findings read model (it follows the log by a moment). Approval answers for stillFlaggedRows, not for this list: a finding disposed as confirmed, rectified or recovered is no longer open but its line is still flagged',
  })
  openFindings!: OpenFindingsDto;
  @ApiPropertyOptional({
    type: [Number],
    description:
      'While the roster awaits approval (parsed) and was checked: the rows of check.flagged that approving it must answer for now, with a reason or by excluding them (excludedRows) — those with a finding not disposed as dismissed (open, or found right: confirmed, rectified, recovered), read from the findings’ own streams. A row whose every finding was dismissed is paid without a reason; reopening one flags it again',
  })
  stillFlaggedRows?: number[];
}

export class RosterEntryDto {
  @ApiProperty({ enum: ['accepted', 'rejected'] }) status!: string;
  @ApiProperty({ description: 'Row of the file; the header is row 1' }) row!: number;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ description: 'Normalised ID number (accepted entries)' })
  idNumber?: string;
  @ApiPropertyOptional() villageGroup?: string;
  @ApiPropertyOptional() bankAccount?: string;
  @ApiPropertyOptional({ example: '3600.00' }) amount?: string;
  @ApiPropertyOptional() householdId?: string;
  @ApiPropertyOptional() appliedOn?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  extra?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Rejected: the column at fault, or "row"' }) field?: string;
  @ApiPropertyOptional({ description: 'Rejected: why' }) reason?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Rejected: the line as written (evidence)',
  })
  values?: Record<string, string>;
}

export class RosterEntriesPageDto {
  @ApiProperty() rosterId!: string;
  @ApiPropertyOptional({
    enum: ['accepted', 'rejected'],
    description: 'The filter, when one was given',
  })
  status?: string;
  @ApiProperty({ minimum: 1 }) page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty({ type: [RosterEntryDto] }) entries!: RosterEntryDto[];
  @ApiProperty() hasMore!: boolean;
}

export class RejectRosterDto {
  @ApiProperty({ maxLength: 500, example: '村民小组核实：第 12、37 行无此人' })
  @IsHumanText(500)
  reason!: string;
}

/**
 * A roster with no line still flagged is approved with no body at all. Otherwise the approver
 * excludes the flagged rows not to pay, and gives a reason for any still-flagged row paid.
 */
export class ApproveRosterDto {
  @ApiPropertyOptional({
    maxLength: 500,
    example: '经村民小组核实，第 3 行车辆为挂名登记',
    description:
      'Required when a line to be paid is still flagged: one of check.flagged with a finding not disposed as dismissed (open, confirmed, rectified or recovered; the roster view lists them as stillFlaggedRows)',
  })
  @IsOptional()
  @IsHumanText(500)
  reason?: string;

  @ApiPropertyOptional({
    type: [Number],
    maxItems: 100_000,
    uniqueItems: true,
    description: 'Flagged rows (check.flagged[].row, still flagged or cleared since) not to pay',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100_000)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(2, { each: true })
  @Max(10_000_000, { each: true })
  excludedRows?: number[];
}

export class RosterApprovalAcceptedDto {
  @ApiProperty({ example: 'ro-530325102-7f3a9c2b1d4e' })
  rosterId!: string;
  @ApiProperty({
    example: 'roster-approvals.0b9f3c1e-5a7d-8e8b-9c2f-1d3e5f7a9b0c',
    description:
      'GET /jobs/{jobId}: the job that requests every accepted line; one per roster, so approving again answers the same job',
  })
  jobId!: string;
  @ApiProperty({
    minimum: 1,
    description: 'Accepted lines, each becoming one disbursement request',
  })
  accepted!: number;
  @ApiProperty({ example: '7200.50', description: 'The total reserved on the pool (yuan)' })
  total!: string;
}

export class RosterSettlementAcceptedDto {
  @ApiProperty({ example: 'ro-530325102-7f3a9c2b1d4e' })
  rosterId!: string;
  @ApiProperty({
    example: 'roster-settlements.0b9f3c1e-5a7d-8e8b-9c2f-1d3e5f7a9b0c',
    description:
      'GET /jobs/{jobId}: lines paid, failed, unchanged and the problems by row; one job per roster and file',
  })
  jobId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' })
  fileSha256!: string;
  @ApiProperty({ minimum: 1 })
  bytes!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] })
  format!: string;
}

export class RosterSettlementFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The bank settlement file (CSV or XLSX): 转账编号 / transfer_id, 结果 / outcome (成功 / paid, 失败 / failed), 银行流水号 / bank_reference when paid, 失败原因 / reason when failed',
  })
  file!: unknown;
}
