import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import {
  descriptionLengthMax,
  healthStatuses,
  housingSafetyGrades,
  identifiedYearMin,
  identifierFormat,
  incomeTypes,
  incomeYearMin,
  labourStatuses,
  memberRemovalReasons,
  organisationLengthMax,
  personNameLengthMax,
  phoneFormat,
  phonePattern,
  policyKinds,
  projectIdPattern,
  recordIdPattern,
  relationsToHead,
  schoolingLevels,
  sexes,
  type HealthStatus,
  type HousingSafety,
  type IncomeType,
  type LabourStatus,
  type MemberRemovalReason,
  type PolicyKind,
  type RelationToHead,
  type SchoolingLevel,
  type Sex,
} from '../../domain';
import { trimmed } from './households.dto';
import {
  AgreesWithIdNumber,
  IsHouseholdIdNumber,
  IsIncomeYuan,
  IsPastDate,
  IsYearUpToNow,
  normaliseIdNumberInput,
} from './validators';

const datePattern = '^\\d{4}-\\d{2}-\\d{2}$';
const idNumberSchema = {
  description:
    'Resident ID number (公民身份号码, GB 11643-1999): 18 characters, valid check character; full-width digits and a lower-case x are normalised. Legacy 15-digit numbers are refused.',
  pattern: '^\\d{17}[\\dX]$',
  example: '530325199001011237',
};

export class AddMemberDto {
  @ApiProperty(idNumberSchema)
  @Transform(normaliseIdNumberInput)
  @IsHouseholdIdNumber()
  idNumber!: string;

  @ApiProperty({
    description: 'Name as on the ID card, any script (Chinese, Yi, `·` in transliterations)',
    maxLength: personNameLengthMax,
    example: '阿呷·木乃',
  })
  @IsString()
  @IsHumanText(personNameLengthMax)
  name!: string;

  @ApiProperty({ description: 'Relation to the head (与户主关系)', enum: relationsToHead })
  @IsIn(relationsToHead)
  relation!: RelationToHead;

  @ApiProperty({ description: 'Sex (性别); must agree with the ID number', enum: sexes })
  @IsIn(sexes)
  @AgreesWithIdNumber('sex')
  sex!: Sex;

  @ApiProperty({
    description: 'Birth date (出生日期), YYYY-MM-DD; must agree with the ID number',
    pattern: datePattern,
    example: '1990-01-01',
  })
  @IsString()
  @AgreesWithIdNumber('birthDate')
  birthDate!: string;

  @ApiProperty({ description: 'Health (健康状况)', enum: healthStatuses })
  @IsIn(healthStatuses)
  health!: HealthStatus;

  @ApiProperty({ description: 'Schooling (文化程度 / 在校生状况)', enum: schoolingLevels })
  @IsIn(schoolingLevels)
  schooling!: SchoolingLevel;

  @ApiProperty({ description: 'Labour status (劳动技能)', enum: labourStatuses })
  @IsIn(labourStatuses)
  labour!: LabourStatus;
}

export class RemoveMemberDto {
  @ApiProperty({ description: 'Why the member leaves (减员原因)', enum: memberRemovalReasons })
  @IsIn(memberRemovalReasons)
  reason!: MemberRemovalReason;

  @ApiProperty({
    description: 'When (YYYY-MM-DD), not in the future',
    pattern: datePattern,
    example: '2026-03-01',
  })
  @IsPastDate()
  date!: string;
}

export class RecordIncomeDto {
  @ApiProperty({
    description: `Client-chosen id of this record, unique in the household: ${identifierFormat}`,
    pattern: recordIdPattern.source,
    example: 'inc-2025-wage-1',
  })
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  recordId!: string;

  @ApiProperty({ description: 'Income year (收入年度)', minimum: incomeYearMin, example: 2025 })
  @IsYearUpToNow(incomeYearMin)
  year!: number;

  @ApiProperty({
    description: 'Income type (收入类型); 生产经营性支出 is a cost, subtracted',
    enum: incomeTypes,
  })
  @IsIn(incomeTypes)
  incomeType!: IncomeType;

  @ApiProperty({
    description: 'Yuan (元), zero or more, at most two decimals',
    pattern: '^\\d{1,10}(\\.\\d{1,2})?$',
    example: '12000.00',
  })
  @IsIncomeYuan()
  amount!: string;

  @ApiPropertyOptional({
    description: 'The record this one corrects (same year and type); it then no longer counts',
    pattern: recordIdPattern.source,
  })
  @IsOptional()
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  correctsRecordId?: string;
}

export class AssessHousingDto {
  @ApiProperty({ description: 'Housing safety (住房安全等级)', enum: housingSafetyGrades })
  @IsIn(housingSafetyGrades)
  safety!: HousingSafety;

  @ApiProperty({
    description: 'Who assessed it (鉴定人)',
    maxLength: personNameLengthMax,
    example: '县住建局 李工',
  })
  @IsString()
  @IsHumanText(personNameLengthMax)
  assessor!: string;

  @ApiProperty({
    description: 'Assessment date, not in the future',
    pattern: datePattern,
    example: '2026-02-10',
  })
  @IsPastDate()
  assessedOn!: string;
}

export class AssignHelperDto {
  @ApiProperty({
    description: 'Helper (帮扶责任人) name',
    maxLength: personNameLengthMax,
    example: '王芳',
  })
  @IsString()
  @IsHumanText(personNameLengthMax)
  name!: string;

  @ApiProperty({
    description: 'Work unit (工作单位)',
    maxLength: organisationLengthMax,
    example: '富源县财政局',
  })
  @IsString()
  @IsHumanText(organisationLengthMax)
  unit!: string;

  @ApiProperty({
    description: `Phone, ${phoneFormat}`,
    pattern: phonePattern.source,
    example: '13900000000',
  })
  @Transform(trimmed)
  @IsString()
  @Matches(phonePattern, { message: `$property must be ${phoneFormat}` })
  phone!: string;
}

export class RecordPolicyDto {
  @ApiProperty({ description: 'Policy enjoyed (享受政策)', enum: policyKinds })
  @IsIn(policyKinds)
  policy!: PolicyKind;

  @ApiProperty({ description: 'Year', minimum: identifiedYearMin, example: 2025 })
  @IsYearUpToNow(identifiedYearMin)
  year!: number;

  @ApiPropertyOptional({
    description: 'What exactly (e.g. 雨露计划 3000元)',
    maxLength: descriptionLengthMax,
  })
  @IsOptional()
  @IsString()
  @IsHumanText(descriptionLengthMax)
  description?: string;
}

export class JoinIndustryProjectDto {
  @ApiProperty({
    description: `Industry project id (产业项目); ${identifierFormat}`,
    pattern: projectIdPattern.source,
    example: 'prj-530325-2025-cattle',
  })
  @IsString()
  @Matches(projectIdPattern, { message: `$property must be ${identifierFormat}` })
  projectId!: string;

  @ApiProperty({
    description: 'When the household joined, not in the future',
    pattern: datePattern,
    example: '2025-04-01',
  })
  @IsPastDate()
  joinedOn!: string;
}
