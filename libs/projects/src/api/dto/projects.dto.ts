import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
  Max,
  Min,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import {
  acceptanceResults,
  beneficiariesMax,
  creditCodeFormat,
  creditCodePattern,
  milestoneIdFormat,
  milestoneIdPattern,
  organisationLengthMax,
  outputLengthMax,
  outputsMax,
  personNameLengthMax,
  phoneFormat,
  phonePattern,
  projectCategories,
  projectIdFormat,
  projectIdPattern,
  projectNameLengthMax,
  reasonsMax,
  remarksLengthMax,
  type AcceptanceResult,
  type ProjectCategory,
} from '../../domain';
import { IsRealDate } from './validators';

const yuanPattern = /^\d{1,13}(?:\.\d{1,2})?$/;

export class ImplementerDto {
  @ApiProperty({
    description: 'The implementing unit or contractor (实施单位)',
    maxLength: organisationLengthMax,
    example: '富源县营上养殖专业合作社',
  })
  @IsString()
  @IsHumanText(organisationLengthMax)
  name!: string;

  @ApiPropertyOptional({
    description: `Its ${creditCodeFormat}, where it has one`,
    pattern: creditCodePattern.source,
    example: '93530325MA6K12345X',
  })
  @IsOptional()
  @IsString()
  @Matches(creditCodePattern, { message: `$property must be ${creditCodeFormat}` })
  creditCode?: string;
}

export class ResponsiblePersonDto {
  @ApiProperty({ description: '项目负责人', maxLength: personNameLengthMax, example: '李四' })
  @IsString()
  @IsHumanText(personNameLengthMax)
  name!: string;

  @ApiPropertyOptional({
    description: phoneFormat,
    pattern: phonePattern.source,
    example: '13800000000',
  })
  @IsOptional()
  @IsString()
  @Matches(phonePattern, { message: `$property must be ${phoneFormat}` })
  phone?: string;
}

export class BeneficiariesDto {
  @ApiProperty({
    description: 'Registered households meant to benefit (hh-<village>-<n>)',
    type: [String],
    maxItems: beneficiariesMax,
    example: ['hh-530325102202-17'],
  })
  @IsArray()
  @ArrayMaxSize(beneficiariesMax)
  @IsString({ each: true })
  householdIds!: string[];

  @ApiProperty({
    description: 'ID numbers of people meant to benefit who are not in a registered household',
    type: [String],
    maxItems: beneficiariesMax,
    example: [],
  })
  @IsArray()
  @ArrayMaxSize(beneficiariesMax)
  @IsString({ each: true })
  idNumbers!: string[];
}

export class SiteDto {
  @ApiProperty({
    description: 'Degrees north (WGS 84)',
    minimum: -90,
    maximum: 90,
    example: 25.674,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({
    description: 'Degrees east (WGS 84)',
    minimum: -180,
    maximum: 180,
    example: 104.253,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;
}

export class PlanProjectDto {
  @ApiProperty({
    description: `Client-chosen project id, ${projectIdFormat}; the division in it must be divisionCode. Repeating a plan is idempotent.`,
    pattern: projectIdPattern.source,
    example: 'prj-530325102202-1',
  })
  @IsString()
  @Matches(projectIdPattern, { message: `$property must be ${projectIdFormat}` })
  projectId!: string;

  @ApiProperty({
    description: 'The village (12 digits) or township (9 digits) the project is in',
    pattern: '^(\\d{9}|\\d{12})$',
    example: '530325102202',
  })
  @IsString()
  @Matches(/^(\d{9}|\d{12})$/, {
    message: '$property must be a 9-digit township or 12-digit village code',
  })
  divisionCode!: string;

  @ApiProperty({ description: '项目类别', enum: projectCategories })
  @IsIn(projectCategories)
  category!: ProjectCategory;

  @ApiProperty({ maxLength: projectNameLengthMax, example: '营上村生猪养殖项目' })
  @IsString()
  @IsHumanText(projectNameLengthMax)
  name!: string;

  @ApiProperty({
    description: 'Budget in yuan, at most two decimals',
    pattern: yuanPattern.source,
    example: '180000.00',
  })
  @IsString()
  @Matches(yuanPattern, {
    message: '$property must be yuan with at most two decimals, such as 180000.00',
  })
  budget!: string;

  @ApiProperty({ type: ImplementerDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImplementerDto)
  implementer!: ImplementerDto;

  @ApiProperty({ type: ResponsiblePersonDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ResponsiblePersonDto)
  responsiblePerson!: ResponsiblePersonDto;

  @ApiProperty({ format: 'date', example: '2026-03-01' })
  @IsString()
  @IsRealDate()
  plannedStart!: string;

  @ApiProperty({ format: 'date', example: '2026-12-31' })
  @IsString()
  @IsRealDate()
  plannedEnd!: string;

  @ApiProperty({ type: BeneficiariesDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => BeneficiariesDto)
  beneficiaries!: BeneficiariesDto;

  @ApiProperty({
    description: 'Expected outputs (预期产出)',
    type: [String],
    minItems: 1,
    maxItems: outputsMax,
    example: ['圈舍 400 平方米', '仔猪 200 头'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(outputsMax)
  @IsHumanText(outputLengthMax, { each: true })
  expectedOutputs!: string[];

  @ApiPropertyOptional({
    type: SiteDto,
    description:
      "Where the work is: the photos' GPS is measured against it (without it, the distance check is recorded as not possible)",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SiteDto)
  site?: SiteDto;
}

export class ReachMilestoneDto {
  @ApiProperty({
    description: milestoneIdFormat,
    pattern: milestoneIdPattern.source,
    example: 'm1',
  })
  @IsString()
  @Matches(milestoneIdPattern, { message: `$property must be ${milestoneIdFormat}` })
  milestoneId!: string;

  @ApiProperty({ maxLength: projectNameLengthMax, example: '圈舍主体完工' })
  @IsString()
  @IsHumanText(projectNameLengthMax)
  name!: string;

  @ApiProperty({
    format: 'date',
    description: 'Not after today (China time)',
    example: '2026-05-20',
  })
  @IsString()
  @IsRealDate()
  date!: string;

  @ApiPropertyOptional({ maxLength: remarksLengthMax })
  @IsOptional()
  @IsString()
  @IsHumanText(remarksLengthMax)
  note?: string;
}

export class CompleteProjectDto {
  @ApiProperty({
    format: 'date',
    description: 'Not after today (China time)',
    example: '2026-05-30',
  })
  @IsString()
  @IsRealDate()
  date!: string;

  @ApiPropertyOptional({ maxLength: remarksLengthMax })
  @IsOptional()
  @IsString()
  @IsHumanText(remarksLengthMax)
  note?: string;
}

export class AcceptProjectDto {
  @ApiProperty({
    description: 'Who inspected it (验收单位或人员)',
    maxLength: organisationLengthMax,
    example: '富源县乡村振兴局',
  })
  @IsString()
  @IsHumanText(organisationLengthMax)
  acceptedBy!: string;

  @ApiProperty({ description: '验收结果', enum: acceptanceResults })
  @IsIn(acceptanceResults)
  result!: AcceptanceResult;

  @ApiProperty({ maxLength: remarksLengthMax, example: '现场核验，圈舍与合同一致' })
  @IsString()
  @IsHumanText(remarksLengthMax)
  remarks!: string;

  @ApiProperty({
    format: 'date',
    description: 'Not before the completion, not after today',
    example: '2026-05-31',
  })
  @IsString()
  @IsRealDate()
  date!: string;
}

export class SuspendProjectDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: reasonsMax, example: ['实施单位资金挪用'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(reasonsMax)
  @IsHumanText(remarksLengthMax, { each: true })
  reasons!: string[];

  @ApiProperty({
    format: 'date',
    description: 'Not after today (China time)',
    example: '2026-05-25',
  })
  @IsString()
  @IsRealDate()
  date!: string;
}
