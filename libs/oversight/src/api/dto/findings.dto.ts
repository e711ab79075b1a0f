import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { transferIdPattern } from '@sunlight/funds';
import { IsHumanText } from '@sunlight/http';
import { actorIdLengthMax } from '@sunlight/kernel';
import {
  findingDispositions,
  findingReasonLengthMax,
  findingStatuses,
  registryKinds,
} from '../../domain';

const divisionPattern = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;

class AssigneeInputDto {
  @ApiProperty({
    maxLength: actorIdLengthMax,
    example: 'jw-530325-01',
    description: 'The commission member’s user id (as their bearer token names them)',
  })
  @IsString()
  @IsHumanText(actorIdLengthMax)
  id!: string;

  @ApiProperty({
    pattern: divisionPattern.source,
    example: '530325',
    description:
      'The member’s commission (纪委监委): a known division containing the finding’s village, inside the caller’s jurisdiction',
  })
  @IsString()
  @Matches(divisionPattern, {
    message: '$property must be a division code of 2, 4, 6, 9 or 12 digits',
  })
  division!: string;
}

export class AssignFindingDto {
  @ApiProperty({ type: AssigneeInputDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AssigneeInputDto)
  assignee!: AssigneeInputDto;

  @ApiPropertyOptional({
    maxLength: findingReasonLengthMax,
    example: '请于十个工作日内入户核实',
    description: 'What the assigner asks of the member',
  })
  @IsOptional()
  @IsString()
  @IsHumanText(findingReasonLengthMax)
  note?: string;
}

export class DisposeFindingDto {
  @ApiProperty({
    enum: findingDispositions,
    example: 'dismissed',
    description:
      'confirmed 属实; dismissed 不属实、予以了结 (reason required); rectified 已整改; recovered 已追回 (transferId required)',
  })
  @IsIn(findingDispositions)
  disposition!: string;

  @ApiPropertyOptional({
    maxLength: findingReasonLengthMax,
    example: '经入户核实，车辆已于申请前转让，登记信息未更新',
    description: 'What the check found; required when dismissed',
  })
  @ValidateIf(
    (dto: DisposeFindingDto) => dto.disposition === 'dismissed' || dto.reason !== undefined,
  )
  @IsString()
  @IsHumanText(findingReasonLengthMax)
  reason?: string;

  @ApiPropertyOptional({
    pattern: transferIdPattern.source,
    maxLength: 128,
    description:
      'The recovery (追回) itself: the transferId of a FundsRecovered in the ledger (POST /transfers/{id}/recover), inside your jurisdiction. Required when recovered, refused otherwise',
  })
  @ValidateIf(
    (dto: DisposeFindingDto) => dto.disposition === 'recovered' || dto.transferId !== undefined,
  )
  @IsString()
  @MaxLength(128)
  @Matches(transferIdPattern, { message: '$property must be a transfer id' })
  transferId?: string;
}

export class ReopenFindingDto {
  @ApiProperty({
    maxLength: findingReasonLengthMax,
    example: '复查发现车辆登记在申请日之前，处置理由不成立',
    description: 'Why the disposition is not accepted',
  })
  @IsString()
  @IsHumanText(findingReasonLengthMax)
  reason!: string;
}

class ExplanationDto {
  @ApiProperty({
    example:
      '张三（530325198001011232）名下有小型轿车（云D12345），2018-11-02登记，早于2019-03-01。',
  })
  zh!: string;
  @ApiProperty({
    example:
      '张三 (530325198001011232) owns a 小型轿车 (云D12345) registered on 2018-11-02, on or before 2019-03-01.',
  })
  en!: string;
}

class ActorDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() division!: string;
}

class AssigneeDto {
  @ApiProperty({ example: 'jw-530325-01' }) id!: string;
  @ApiProperty({ enum: ['commission'] }) role!: string;
  @ApiProperty({ example: '530325' }) division!: string;
}

class RecoveryDto {
  @ApiProperty({ description: 'The FundsRecovered transfer' }) transferId!: string;
  @ApiProperty({ description: 'The payment it recovered' }) originalTransferId!: string;
  @ApiProperty({ description: 'Integer fen' }) amountFen!: string;
  @ApiProperty({ description: 'The pool stream holding it' }) streamName!: string;
  @ApiProperty({ description: 'Its global position in the log' }) position!: string;
}

class FindingStepDto {
  @ApiProperty({ enum: ['raised', 'assigned', 'disposed', 'reopened'] }) step!: string;
  @ApiProperty({ format: 'date-time', description: 'Business time of the step' }) at!: string;
  @ApiProperty({ type: ActorDto, description: 'Who took the step' }) actor!: ActorDto;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ description: 'Global position of the step’s event' }) position!: string;
  @ApiPropertyOptional({ type: AssigneeDto }) assignee?: AssigneeDto;
  @ApiPropertyOptional({
    enum: findingDispositions,
    description: 'The disposition made (disposed) or set aside (reopened)',
  })
  disposition?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ type: RecoveryDto }) recovery?: RecoveryDto;
}

/** The workflow fields a finding carries in every view. */
class FindingWorkflowFieldsDto {
  @ApiProperty({
    enum: findingStatuses,
    description: 'raised → assigned → disposed; reopened (then assigned again)',
  })
  status!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: {
      id: { type: 'string', example: 'jw-530325-01' },
      role: { type: 'string', enum: ['commission'] },
      division: { type: 'string', example: '530325' },
    },
    required: ['id', 'role', 'division'],
    description: 'Who checks it now; null before the first assignment and after a reopening',
  })
  assignee!: AssigneeDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: `^(${findingDispositions.join('|')})$`,
    description:
      'The disposition in force (confirmed, dismissed, rectified or recovered); null unless disposed',
  })
  disposition!: string | null;
  @ApiProperty({ type: [FindingStepDto], description: 'Every step so far, oldest first' })
  history!: FindingStepDto[];
}

export class FindingWorkflowDto extends FindingWorkflowFieldsDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty({ example: 'vehicle-owner' }) ruleId!: string;
  @ApiProperty({ example: 1 }) ruleVersion!: number;
  @ApiProperty({ example: '530325102201', description: 'The subject’s village' })
  divisionCode!: string;
}

export class FindingListItemDto extends FindingWorkflowFieldsDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty({ example: 'vehicle-owner' }) ruleId!: string;
  @ApiProperty({ example: 1 }) ruleVersion!: number;
  @ApiProperty({ example: '530325102201', description: 'The subject’s village' })
  divisionCode!: string;
  @ApiProperty({ example: 'roster-entry:ro-530325-7f3a9c2b1d4e#2' }) subjectId!: string;
  @ApiProperty() subjectName!: string;
  @ApiProperty({ type: String, nullable: true }) rosterId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) row!: number | null;
  @ApiProperty() fundId!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ type: ExplanationDto }) explanation!: ExplanationDto;
  @ApiProperty({ description: 'Registry rows the finding rests on' }) registryRows!: number;
  @ApiProperty({ description: 'The cross-check job that raised it' }) checkId!: string;
  @ApiProperty({ format: 'date-time' }) raisedAt!: string;
}

export class FindingsPageDto {
  @ApiProperty({ type: [FindingListItemDto] }) items!: FindingListItemDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

class SubjectEventDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ description: 'Global position in the log' }) position!: string;
  @ApiProperty({ example: 'roster-ro-530325-7f3a9c2b1d4e' }) streamName!: string;
}

class SubjectRefDto {
  @ApiProperty({ example: 'roster-entry:ro-530325-7f3a9c2b1d4e#2' }) id!: string;
  @ApiProperty({ type: SubjectEventDto }) event!: SubjectEventDto;
  @ApiPropertyOptional() rosterId?: string;
  @ApiPropertyOptional({ description: 'Row of the roster file (the header is row 1)' })
  row?: number;
}

class EvidenceEventDto extends SubjectEventDto {
  @ApiProperty({ example: 'MemberAdded', description: 'The event’s type' }) type!: string;
}

class FindingSubjectDto extends SubjectRefDto {
  @ApiProperty({
    enum: ['roster-entry', 'payment', 'project'],
    description:
      'A project has no ID number (idNumber is empty); its villageCode is its division. A payment’s villageCode is the division of the pool that paid it, its period the fund line’s fiscal year',
  })
  kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The ID number as recorded' }) idNumber!: string;
  @ApiProperty() villageCode!: string;
  @ApiProperty() fundId!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty() period!: string;
  @ApiProperty({
    description:
      'The day the rule judged the person at (application date, else upload; for a payment, its request)',
  })
  referenceDate!: string;
  @ApiProperty({ description: 'Integer fen' }) amountFen!: string;
}

class RegistryRowRefDto {
  @ApiProperty({ enum: registryKinds }) kind!: string;
  @ApiProperty({ example: 'rg-vehicles-530325-7f3a9c2b1d4e' }) snapshotId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the snapshot’s file' })
  snapshotSha256!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty({ description: '1-based data row of the file' }) row!: number;
}

class ResolvedPaymentDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The payment’s request as DisbursementRequested recorded it (transferId, fundId, divisionCode, beneficiary {kind, id, name, idNumber?, bankAccount?}, amountFen, purpose?, requestedBy, …)',
  })
  request!: Record<string, unknown>;
  @ApiProperty({
    type: [EvidenceEventDto],
    description:
      'Its events so far, in order: DisbursementRequested, then DisbursementApproved or DisbursementRejected, then DisbursementPaid or DisbursementFailed',
  })
  events!: EvidenceEventDto[];
}

class ResolvedEntryDto {
  @ApiProperty({ type: SubjectRefDto }) ref!: SubjectRefDto;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The roster line as RosterEntryAccepted recorded it (name, idNumber, villageGroup, bankAccount, amountFen, appliedOn, …)',
  })
  entry?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: ResolvedPaymentDto,
    description: 'For a payment (`payment:<pool stream>/<transferId>`): the payment from its pool',
  })
  payment?: ResolvedPaymentDto;
}

class StoredRegistryRowDto {
  @ApiProperty() snapshotId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The registry row as imported: kind, the ID numbers, name, dates, and source {snapshotSha256, asOf, row}',
  })
  row!: Record<string, unknown>;
}

class EvidenceDto {
  @ApiProperty({ type: ResolvedEntryDto }) subject!: ResolvedEntryDto;
  @ApiProperty({
    type: [ResolvedEntryDto],
    description: 'The first 50 related lines and payments resolved',
  })
  related!: ResolvedEntryDto[];
  @ApiProperty({ type: [StoredRegistryRowDto] }) registryRows!: StoredRegistryRowDto[];
}

export class FindingDto extends FindingWorkflowFieldsDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty() ruleVersion!: number;
  @ApiProperty() divisionCode!: string;
  @ApiProperty({ type: FindingSubjectDto }) subject!: FindingSubjectDto;
  @ApiProperty({ type: [SubjectRefDto] }) related!: SubjectRefDto[];
  @ApiProperty({ type: [RegistryRowRefDto] }) registryRows!: RegistryRowRefDto[];
  @ApiPropertyOptional({
    type: [EvidenceEventDto],
    description:
      'Other events the lead rests on: household members added or removed, photos, project payments, the roster upload',
  })
  events?: EvidenceEventDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The rule’s parameters in force (defaults included)',
  })
  parameters!: Record<string, unknown>;
  @ApiProperty({ type: ExplanationDto }) explanation!: ExplanationDto;
  @ApiProperty() checkId!: string;
  @ApiProperty({ type: ActorDto }) raisedBy!: ActorDto;
  @ApiProperty({
    type: EvidenceDto,
    description: 'The evidence resolved to the rows and lines it names',
  })
  evidence!: EvidenceDto;
}

class StatusCountsDto {
  @ApiProperty() raised!: number;
  @ApiProperty() assigned!: number;
  @ApiProperty() disposed!: number;
  @ApiProperty() reopened!: number;
}

class DispositionCountsDto {
  @ApiProperty() confirmed!: number;
  @ApiProperty() dismissed!: number;
  @ApiProperty() rectified!: number;
  @ApiProperty() recovered!: number;
}

export class RuleStatsDto {
  @ApiProperty({ example: 'vehicle-owner' }) ruleId!: string;
  @ApiPropertyOptional({ description: 'The rule version counted, when the query named one' })
  ruleVersion?: number;
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ description: 'Findings the rule raised in the division' }) hits!: number;
  @ApiProperty({ description: 'Findings not disposed: raised, assigned or reopened' })
  open!: number;
  @ApiProperty({ type: StatusCountsDto }) byStatus!: StatusCountsDto;
  @ApiProperty({ description: 'Findings disposed (the disposition in force)' }) disposed!: number;
  @ApiProperty({ type: DispositionCountsDto }) dispositions!: DispositionCountsDto;
  @ApiProperty({ description: 'Disposed findings found right: confirmed + rectified + recovered' })
  confirmed!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    example: 0.75,
    description: 'Measured precision = confirmed / disposed; null while nothing is disposed',
  })
  precision!: number | null;
}
