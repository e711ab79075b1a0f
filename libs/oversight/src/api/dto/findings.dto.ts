import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { findingStatuses, registryKinds } from '../../domain';

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

export class FindingListItemDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty({ example: 'vehicle-owner' }) ruleId!: string;
  @ApiProperty({ example: 1 }) ruleVersion!: number;
  @ApiProperty({ example: '530325102201', description: 'The subject’s village' })
  divisionCode!: string;
  @ApiProperty({ enum: findingStatuses }) status!: string;
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
    description: 'A project has no ID number (idNumber is empty); its villageCode is its division',
  })
  kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The ID number as recorded' }) idNumber!: string;
  @ApiProperty() villageCode!: string;
  @ApiProperty() fundId!: string;
  @ApiProperty() purpose!: string;
  @ApiProperty() period!: string;
  @ApiProperty({
    description: 'The day the rule judged the person at (application date, else upload)',
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

class ActorDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() division!: string;
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
  @ApiProperty({ type: [ResolvedEntryDto], description: 'The first 50 related lines resolved' })
  related!: ResolvedEntryDto[];
  @ApiProperty({ type: [StoredRegistryRowDto] }) registryRows!: StoredRegistryRowDto[];
}

export class FindingDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty() ruleVersion!: number;
  @ApiProperty() divisionCode!: string;
  @ApiProperty({ enum: findingStatuses }) status!: string;
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
