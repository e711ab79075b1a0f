import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OpenFindingsDto } from '@sunlight/http';

/*
 * The shapes the household read routes answer with, for the OpenAPI document. Nested records
 * (members, incomes, payments) are described by their own classes.
 */

export class MemberViewDto {
  @ApiProperty({ example: '530325198002150314' }) idNumber!: string;
  @ApiProperty({ example: '阿呷·木乃' }) name!: string;
  @ApiProperty({ example: '户主' }) relation!: string;
  @ApiProperty({ enum: ['男', '女'] }) sex!: string;
  @ApiProperty({ example: '1980-02-15' }) birthDate!: string;
  @ApiProperty({ example: '健康' }) health!: string;
  @ApiProperty({ example: '初中' }) schooling!: string;
  @ApiProperty({ example: '普通劳动力' }) labour!: string;
  @ApiProperty({ description: 'The day the member was added (China time)', example: '2026-03-01' })
  since!: string;
}

export class IncomeYearDto {
  @ApiProperty({ example: 2025 }) year!: number;
  @ApiProperty({ description: 'Counted income of every type, yuan', example: '12000.00' })
  gross!: string;
  @ApiProperty({ description: '生产经营性支出, yuan', example: '2000.00' }) cost!: string;
  @ApiProperty({ description: 'gross − cost, yuan', example: '10000.00' }) net!: string;
  @ApiProperty({
    description: '年人均纯收入: net ÷ members, truncated to the fen',
    nullable: true,
    type: String,
    example: '3333.33',
  })
  perCapitaNet!: string | null;
  @ApiProperty({ example: 3 }) memberCount!: number;
  @ApiProperty({ description: 'Income types with a counted amount above zero', type: [String] })
  sources!: string[];
}

export class CardRosterEntryDto {
  @ApiProperty({ example: 'ro-530325102-7f3a9c2b1d4e' }) rosterId!: string;
  @ApiProperty({ minimum: 2, description: 'Row of the file; the header is row 1' }) row!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) fileSha256!: string;
  @ApiProperty({ description: 'Who uploaded the roster' }) uploadedBy!: string;
  @ApiProperty({ description: 'Who approved the roster' }) approvedBy!: string;
}

export class CardPaymentDto {
  @ApiProperty({ example: 'fy-2026-001' }) fundId!: string;
  @ApiProperty({ description: "The paying pool's division", example: '530325102' })
  divisionCode!: string;
  @ApiProperty({ example: 'd-0001' }) transferId!: string;
  @ApiProperty({
    description: '{kind, name, idNumber}',
    type: 'object',
    additionalProperties: true,
  })
  beneficiary!: Record<string, unknown>;
  @ApiProperty({ example: '3600.00' }) amount!: string;
  @ApiProperty({ description: 'Reversed or recovered since', example: '0.00' }) returned!: string;
  @ApiProperty({
    enum: ['requested', 'approved', 'rejected', 'paid', 'failed', 'reversed', 'recovered'],
  })
  status!: string;
  @ApiProperty({ nullable: true, type: String }) purpose!: string | null;
  @ApiProperty() requestedAt!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ description: 'Who approved it (审批人)', nullable: true, type: String })
  approvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) paidAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The bank's reference once paid" })
  bankReference!: string | null;
  @ApiPropertyOptional({
    type: CardRosterEntryDto,
    description:
      'For a payment made from a roster (花名册) line: the roster, its row, the SHA-256 of the file as uploaded, who uploaded and who approved it',
  })
  rosterEntry?: CardRosterEntryDto;
  @ApiProperty({
    description:
      'The log position of the request (DisbursementRequested): ask /log/proofs/inclusion?position= or /log/proofs/tlog-proof?position= for the proof that it is in the signed log',
    pattern: '^[1-9][0-9]*$',
    example: '1042',
  })
  position!: string;
  @ApiProperty({
    description:
      'The log positions of every step recorded for it (request, approval, payment, returns), in order',
    type: [String],
    example: ['1042', '1043', '1051'],
  })
  positions!: string[];
}

class HouseholdFactsDto {
  @ApiProperty({ example: 'hh-530325102202-17' }) householdId!: string;
  @ApiProperty({ example: '530325102202' }) villageCode!: string;
  @ApiProperty({ nullable: true, type: String, example: '营上村民委员会' }) villageName!:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: '530325102202-3' }) villageGroupCode!:
    string | null;
  @ApiProperty({ example: '阿呷·木乃' }) headName!: string;
  @ApiProperty() address!: string;
  @ApiProperty() phone!: string;
  @ApiProperty({ enum: ['国家', '省定', '市定'] }) identificationStandard!: string;
  @ApiProperty({ example: '一般贫困户' }) attribute!: string;
  @ApiProperty({ example: '因病' }) mainCause!: string;
  @ApiProperty({ type: [String] }) otherCauses!: string[];
  @ApiProperty({ example: 2016 }) identifiedYear!: number;
  @ApiProperty() bankName!: string;
  @ApiProperty() bankAccount!: string;
  @ApiProperty({
    description:
      'Where the household stands (registered; exited and returned follow the exit procedure)',
    example: 'registered',
  })
  status!: string;
  @ApiProperty({ type: [MemberViewDto] }) members!: MemberViewDto[];
  @ApiProperty({
    description: '[{policy, year, description?}]',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  policies!: unknown[];
  @ApiProperty({
    description: '{name, unit, phone} of 帮扶责任人',
    nullable: true,
    type: 'object',
    additionalProperties: true,
  })
  helper!: unknown;
  @ApiProperty({
    description: '{safety, assessor, assessedOn}',
    nullable: true,
    type: 'object',
    additionalProperties: true,
  })
  housing!: unknown;
  @ApiProperty({
    description: '[{projectId, joinedOn}]',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  industryProjects!: unknown[];
  @ApiProperty({ description: 'Whether a monitoring (防止返贫动态监测) is open' })
  monitored!: boolean;
  @ApiProperty({
    description:
      'Every monitoring, oldest first: {monitoringId, monitoringType, riskTypes, measures, identifiedOn, note, eliminatedOn, rulesVersion}; the open one has eliminatedOn null',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  monitorings!: unknown[];
}

export class HouseholdCardDto extends HouseholdFactsDto {
  @ApiProperty({ description: 'This year and last', type: [IncomeYearDto] })
  income!: IncomeYearDto[];
  @ApiProperty({
    description:
      'Every disbursement to the household or to an ID number that has been its member, in log order',
    type: [CardPaymentDto],
  })
  payments!: CardPaymentDto[];
  @ApiProperty({ description: 'Paid, less reversed and recovered, yuan', example: '3600.00' })
  paidTotal!: string;
  @ApiProperty({
    type: OpenFindingsDto,
    description:
      'Open findings (疑点: raised, assigned or reopened) on the ID number of anyone who has been a member, inside the caller’s jurisdiction',
  })
  openFindings!: OpenFindingsDto;
}

export class HouseholdViewDto extends HouseholdFactsDto {
  @ApiProperty({ example: 4 }) memberCount!: number;
  @ApiProperty({
    description: 'Members who left: {idNumber, name, reason, date, since}',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  formerMembers!: unknown[];
  @ApiProperty({
    description:
      'Every income record: {recordId, year, incomeType, amount, correctsRecordId, recordedAt}',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  incomes!: unknown[];
  @ApiProperty() registeredAt!: string;
  @ApiProperty({ nullable: true, type: String }) registeredBy!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class HouseholdSummaryDto {
  @ApiProperty() householdId!: string;
  @ApiProperty() villageCode!: string;
  @ApiProperty({ nullable: true, type: String }) villageGroupCode!: string | null;
  @ApiProperty() headName!: string;
  @ApiProperty() attribute!: string;
  @ApiProperty() mainCause!: string;
  @ApiProperty() status!: string;
  @ApiProperty() memberCount!: number;
  @ApiProperty() identifiedYear!: number;
}

export class HouseholdPageDto {
  @ApiProperty({ type: [HouseholdSummaryDto] }) items!: HouseholdSummaryDto[];
  @ApiProperty({ description: 'Households matching, in all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class PersonStayDto {
  @ApiProperty() householdId!: string;
  @ApiProperty({ example: '2026-03-01' }) since!: string;
  @ApiProperty({ nullable: true, type: String }) until!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '迁出' }) reason!: string | null;
}

export class PersonViewDto {
  @ApiProperty() idNumber!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The household the person belongs to now, or last belonged to' })
  householdId!: string;
  @ApiProperty() villageCode!: string;
  @ApiProperty() relation!: string;
  @ApiProperty({ description: 'An active member now' }) active!: boolean;
  @ApiProperty({ description: 'Member of that household since' }) since!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) until!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) removalReason!: string | null;
  @ApiProperty({
    description:
      "Households inside the caller's jurisdiction the person was a member of, oldest first",
    type: [PersonStayDto],
  })
  stays!: PersonStayDto[];
}

export class MonitoringCandidateDto {
  @ApiProperty({ example: 'hh-530325102202-17' }) householdId!: string;
  @ApiProperty({ example: '530325102202' }) villageCode!: string;
  @ApiProperty({ nullable: true, type: String }) villageGroupCode!: string | null;
  @ApiProperty() headName!: string;
  @ApiProperty({ example: 'exited' }) status!: string;
  @ApiProperty() attribute!: string;
  @ApiProperty({ example: 4 }) memberCount!: number;
  @ApiProperty({ description: '年人均纯收入 of the year asked, yuan', example: '5200.00' })
  perCapitaNet!: string;
}

export class MonitoringCandidatePageDto {
  @ApiProperty({ example: 2023 }) year!: number;
  @ApiProperty({ description: 'The monitoring line applied, yuan', example: '6900.00' })
  incomeLine!: string;
  @ApiProperty({
    description: 'The version of data/households/monitoring-lines.json applied',
    example: 'yn-monitoring-2023',
  })
  rulesVersion!: string;
  @ApiProperty({ type: [MonitoringCandidateDto], description: 'Lowest per-capita income first' })
  items!: MonitoringCandidateDto[];
  @ApiProperty({ description: 'Candidates in all pages' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class HouseholdDashboardDto {
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ example: '富源县' }) divisionName!: string;
  @ApiProperty({ example: 'county' }) level!: string;
  @ApiProperty({ description: 'The year the *ThisYear figures count', example: 2026 })
  year!: number;
  @ApiProperty({ description: 'Households registered (建档立卡户)' }) households!: number;
  @ApiProperty({ description: 'People registered: active members' }) people!: number;
  @ApiProperty({
    description: 'Households by attribute (贫困户属性), every attribute listed',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 一般贫困户: 120, 低保贫困户: 30, 特困供养贫困户: 4 },
  })
  byAttribute!: Record<string, number>;
  @ApiProperty({
    description: 'Households by main poverty cause, every cause listed',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  byMainCause!: Record<string, number>;
  @ApiProperty({ description: 'Exits approved (县审批) dated this year' }) exitedThisYear!: number;
  @ApiProperty({ description: 'Exits approved, every year' }) exitedTotal!: number;
  @ApiProperty({ description: 'Returns to poverty (返贫) dated this year' })
  returnedThisYear!: number;
  @ApiProperty({ description: 'Returns to poverty, every year' }) returnedTotal!: number;
  @ApiProperty({
    description: 'Households monitored now (防止返贫监测), by type, every type listed',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 脱贫不稳定户: 3, 边缘易致贫户: 2, 突发严重困难户: 1 },
  })
  monitoredByType!: Record<string, number>;
  @ApiProperty({ description: 'Households monitored now' }) monitoredTotal!: number;
  @ApiProperty({ description: 'Monitorings ever started' }) monitoringsStarted!: number;
  @ApiProperty({ description: '风险消除 dated this year' }) risksEliminatedThisYear!: number;
  @ApiProperty({ description: '风险消除, every year' }) risksEliminatedTotal!: number;
  @ApiProperty({
    description:
      'The log position the read model had applied when the answer was read (compare with the log head in /health); null before any',
    nullable: true,
    type: String,
  })
  readModelPosition!: string | null;
  @ApiProperty({
    description: "The position of the last event that changed this division's figures",
    nullable: true,
    type: String,
  })
  lastPosition!: string | null;
}
