import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import {
  addressLengthMax,
  bankAccountFormat,
  bankAccountPattern,
  householdAttributes,
  householdIdFormat,
  householdIdPattern,
  identificationStandards,
  identifiedYearMin,
  organisationLengthMax,
  personNameLengthMax,
  phoneFormat,
  phonePattern,
  povertyCauses,
  secondaryCausesMax,
  type HouseholdAttribute,
  type IdentificationStandard,
  type PovertyCause,
} from '../../domain';
import { IsYearUpToNow } from './validators';

export const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;
/** Bank account numbers are read off cards in groups of four; the spaces are not part of them. */
export const withoutSpaces = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/\s+/g, '') : value;

export class RegisterHouseholdDto {
  @ApiProperty({
    description: `Client-chosen household id (户编号), ${householdIdFormat}; the village in it must be villageCode. Repeating a registration is idempotent.`,
    pattern: householdIdPattern.source,
    example: 'hh-530325102001-17',
  })
  @IsString()
  @Matches(householdIdPattern, { message: `$property must be ${householdIdFormat}` })
  householdId!: string;

  @ApiProperty({
    description: 'The village (行政村), a known 12-digit statistical code',
    pattern: '^\\d{12}$',
    example: '530325102001',
  })
  @IsString()
  @Matches(/^\d{12}$/, { message: '$property must be a 12-digit village code' })
  villageCode!: string;

  @ApiPropertyOptional({
    description: 'The village group (村民小组), <villageCode>-<n>, registered under that village',
    pattern: '^\\d{12}-[1-9]\\d{0,2}$',
    example: '530325102001-3',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{12}-[1-9]\d{0,2}$/, { message: '$property must be <12-digit village code>-<n>' })
  villageGroupCode?: string;

  @ApiProperty({
    description: 'Head of household (户主) as written, any script',
    maxLength: personNameLengthMax,
    example: '阿呷·木乃',
  })
  @IsString()
  @IsHumanText(personNameLengthMax)
  headName!: string;

  @ApiProperty({
    description: 'Address (住址)',
    maxLength: addressLengthMax,
    example: '营上镇营上村第三村民小组12号',
  })
  @IsString()
  @IsHumanText(addressLengthMax)
  address!: string;

  @ApiProperty({ description: 'Identification standard (识别标准)', enum: identificationStandards })
  @IsIn(identificationStandards)
  identificationStandard!: IdentificationStandard;

  @ApiProperty({ description: 'Household attribute (贫困户属性)', enum: householdAttributes })
  @IsIn(householdAttributes)
  attribute!: HouseholdAttribute;

  @ApiProperty({ description: 'Main poverty cause (主要致贫原因)', enum: povertyCauses })
  @IsIn(povertyCauses)
  mainCause!: PovertyCause;

  @ApiProperty({
    description: `Other causes (其他致贫原因), at most ${secondaryCausesMax}, none repeating the main one`,
    enum: povertyCauses,
    isArray: true,
    maxItems: secondaryCausesMax,
    uniqueItems: true,
    example: ['缺技术'],
  })
  @IsArray()
  @ArrayMaxSize(secondaryCausesMax, {
    message: `$property must hold at most ${secondaryCausesMax} causes`,
  })
  @IsIn(povertyCauses, {
    each: true,
    message: `each of $property must be one of ${povertyCauses.join(', ')}`,
  })
  otherCauses!: PovertyCause[];

  @ApiProperty({
    description: 'Bank (开户银行)',
    maxLength: organisationLengthMax,
    example: '富源县农村信用合作联社',
  })
  @IsString()
  @IsHumanText(organisationLengthMax)
  bankName!: string;

  @ApiProperty({
    description: `Bank account (银行账号, 一卡通), ${bankAccountFormat}; spaces are dropped`,
    pattern: bankAccountPattern.source,
    example: '6217 0000 1234 5678',
  })
  @Transform(withoutSpaces)
  @IsString()
  @Matches(bankAccountPattern, { message: `$property must be ${bankAccountFormat}` })
  bankAccount!: string;

  @ApiProperty({
    description: `Phone (联系电话), ${phoneFormat}`,
    pattern: phonePattern.source,
    example: '13800000000',
  })
  @Transform(trimmed)
  @IsString()
  @Matches(phonePattern, { message: `$property must be ${phoneFormat}` })
  phone!: string;

  @ApiProperty({
    description: 'Year of identification (识别年度)',
    minimum: identifiedYearMin,
    example: 2016,
  })
  @IsYearUpToNow(identifiedYearMin)
  identifiedYear!: number;
}
