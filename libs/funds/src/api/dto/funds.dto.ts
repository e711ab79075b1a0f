import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normaliseIdNumber } from '@sunlight/geo';
import {
  beneficiaryKinds,
  divisionCodePattern,
  fiscalYearMax,
  fiscalYearMin,
  fundIdPattern,
  fundSources,
  nameLengthMax,
  purposeCategories,
  reasonLengthMax,
  referenceLengthMax,
  transferIdPattern,
} from '../../domain';
import { IsHumanText, IsResidentIdNumber } from '@sunlight/http';
import { IsYuanAmount } from './validators';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class AppropriationDto {
  @ApiProperty({
    description: 'Division whose pool receives the appropriation (行政区划代码)',
    example: '53',
  })
  @IsString()
  @Matches(divisionCodePattern, {
    message: '$property must be a division code of 2, 4, 6, 9 or 12 digits',
  })
  divisionCode!: string;

  @ApiProperty({ description: 'Amount in yuan (元), a decimal string', example: '10000000.00' })
  @IsYuanAmount()
  amount!: string;
}

export class CreateFundDto {
  @ApiProperty({
    description: 'Client-chosen id of the fund line (资金项目编号)',
    example: 'yn-2026-cyfz-001',
  })
  @IsString()
  @Matches(fundIdPattern, {
    message: '$property must be 1-64 letters, digits, "_" or "-", starting with a letter or digit',
  })
  fundId!: string;

  @ApiProperty({ description: 'Name of the fund line', example: '2026年云南省产业发展专项资金' })
  @Transform(trimmed)
  @IsString()
  @IsHumanText(nameLengthMax)
  name!: string;

  @ApiProperty({ description: 'Fiscal year (预算年度)', example: 2026 })
  @IsInt()
  @Min(fiscalYearMin)
  @Max(fiscalYearMax)
  fiscalYear!: number;

  @ApiProperty({
    description: 'Purpose category (资金用途)',
    enum: purposeCategories,
    example: '产业发展',
  })
  @IsIn(purposeCategories)
  purposeCategory!: (typeof purposeCategories)[number];

  @ApiProperty({
    description: 'Source of the money (资金来源)',
    enum: fundSources,
    example: '中央财政',
  })
  @IsIn(fundSources)
  source!: (typeof fundSources)[number];

  @ApiProperty({
    description: 'Where the money is appropriated (下达) and how much',
    type: AppropriationDto,
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AppropriationDto)
  appropriation!: AppropriationDto;
}

export class SendAllocationDto {
  @ApiProperty({
    description: 'Client-chosen, idempotent transfer id',
    example: 'alloc-53-5303-001',
  })
  @IsString()
  @Matches(transferIdPattern, {
    message: '$property must be 1-128 letters, digits, ".", "_", ":" or "-"',
  })
  transferId!: string;

  @ApiProperty({ description: "The sending pool's division (上级)", example: '53' })
  @IsString()
  @Matches(divisionCodePattern, { message: '$property must be a division code' })
  fromDivisionCode!: string;

  @ApiProperty({
    description: 'A direct child division (下级) that receives the allocation',
    example: '5303',
  })
  @IsString()
  @Matches(divisionCodePattern, { message: '$property must be a division code' })
  toDivisionCode!: string;

  @ApiProperty({ description: 'Amount in yuan (元)', example: '6000000.00' })
  @IsYuanAmount()
  amount!: string;
}

export class BeneficiaryDto {
  @ApiProperty({
    description: 'household (户), person (个人) or project (项目承建方)',
    enum: beneficiaryKinds,
    example: 'household',
  })
  @IsIn(beneficiaryKinds)
  kind!: (typeof beneficiaryKinds)[number];

  @ApiProperty({
    description: 'Id of the household, person or project',
    example: 'hh-530325102201-017',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, {
    message: '$property must be 1-128 letters, digits, ".", "_", ":" or "-"',
  })
  id!: string;

  @ApiProperty({ description: 'Name of the payee (户主姓名 / 收款人)', example: '张三' })
  @Transform(trimmed)
  @IsString()
  @IsHumanText(nameLengthMax)
  name!: string;

  @ApiPropertyOptional({
    description: 'Resident ID number (公民身份号码); lower-case or full-width x is accepted',
    example: '11010519491231002X',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? normaliseIdNumber(value) : value))
  @IsResidentIdNumber()
  idNumber?: string;

  @ApiPropertyOptional({ description: 'Bank account (一卡通账号)', example: '6217 0000 1234 5678' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z -]{1,64}$/, {
    message: '$property must be 1-64 digits, letters, spaces or "-"',
  })
  bankAccount?: string;
}

export class RequestDisbursementDto {
  @ApiProperty({
    description: 'Client-chosen, idempotent transfer id',
    example: 'disb-530325102-0001',
  })
  @IsString()
  @Matches(transferIdPattern, {
    message: '$property must be 1-128 letters, digits, ".", "_", ":" or "-"',
  })
  transferId!: string;

  @ApiProperty({ description: "The paying pool's division", example: '530325102' })
  @IsString()
  @Matches(divisionCodePattern, { message: '$property must be a division code' })
  divisionCode!: string;

  @ApiProperty({ type: BeneficiaryDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BeneficiaryDto)
  beneficiary!: BeneficiaryDto;

  @ApiProperty({ description: 'Amount in yuan (元)', example: '3600.00' })
  @IsYuanAmount()
  amount!: string;

  @ApiPropertyOptional({
    description: 'Transfer id of the allocation this money came from',
    example: 'alloc-530325-530325102-001',
  })
  @IsOptional()
  @IsString()
  @Matches(transferIdPattern, { message: '$property must be a transfer id' })
  allocationRef?: string;

  @ApiPropertyOptional({
    description: 'Roster entry (花名册条目) behind this payment',
    example: 'roster-2026-03:17',
  })
  @IsOptional()
  @IsString()
  @MaxLength(referenceLengthMax)
  rosterEntryRef?: string;

  @ApiPropertyOptional({ description: 'What the payment is for', example: '产业发展补助（养牛）' })
  @IsOptional()
  @IsString()
  @IsHumanText(500)
  purpose?: string;
}

export class ApproveDisbursementDto {}

export class ReasonDto {
  @ApiProperty({ description: 'Why (理由); recorded in the event', example: '花名册核对不符' })
  @Transform(trimmed)
  @IsString()
  @IsHumanText(reasonLengthMax)
  reason!: string;
}

export class SettleDisbursementDto {
  @ApiProperty({
    description: 'paid (已到账) or failed (支付失败)',
    enum: ['paid', 'failed'],
    example: 'paid',
  })
  @IsIn(['paid', 'failed'])
  outcome!: 'paid' | 'failed';

  @ApiPropertyOptional({
    description: "The bank's reference, required when paid",
    example: 'ICBC-20261128-000123',
  })
  @ValidateIf(
    (dto: SettleDisbursementDto) => dto.outcome === 'paid' || dto.bankReference !== undefined,
  )
  @IsString()
  @IsNotEmpty()
  @MaxLength(referenceLengthMax)
  bankReference?: string;

  @ApiPropertyOptional({
    description: 'Why the payment failed, required when failed',
    example: '账户已销户',
  })
  @ValidateIf(
    (dto: SettleDisbursementDto) => dto.outcome === 'failed' || dto.failureReason !== undefined,
  )
  @IsString()
  @IsHumanText(reasonLengthMax)
  failureReason?: string;
}

export class ReverseTransferDto extends ReasonDto {
  @ApiProperty({
    description: 'Client-chosen id of the reversal (冲正) itself',
    example: 'rev-disb-530325102-0001',
  })
  @IsString()
  @Matches(transferIdPattern, { message: '$property must be a transfer id' })
  transferId!: string;
}

export class RecoverFundsDto extends ReasonDto {
  @ApiProperty({
    description: 'Client-chosen id of the recovery (追回) itself',
    example: 'rec-disb-530325102-0002',
  })
  @IsString()
  @Matches(transferIdPattern, { message: '$property must be a transfer id' })
  transferId!: string;

  @ApiProperty({
    description: 'Amount recovered in yuan, at most what was paid and not yet returned',
    example: '3600.00',
  })
  @IsYuanAmount()
  amount!: string;
}
