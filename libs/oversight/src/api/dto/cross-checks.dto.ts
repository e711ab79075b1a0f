import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsHumanText } from '@sunlight/http';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { findingIdPattern, ruleCatalogue } from '../../domain';

const ruleIds = ruleCatalogue.map((rule) => rule.id);
export const crossCheckDivisionPattern = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;
export const crossCheckRosterIdPattern = /^ro-(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})-([0-9a-f]{12})$/;

export class CrossCheckRequestDto {
  @ApiProperty({
    pattern: crossCheckDivisionPattern.source,
    example: '530325',
    description:
      'The division whose roster lines and payments are checked (its own and the villages below it); inside your jurisdiction',
  })
  @IsString()
  @Matches(crossCheckDivisionPattern, {
    message: 'division must be a division code of 2, 4, 6, 9 or 12 digits',
  })
  division!: string;

  @ApiPropertyOptional({
    type: [String],
    enum: ruleIds,
    maxItems: ruleIds.length,
    uniqueItems: true,
    example: ['vehicle-owner'],
    description: 'Rule ids (GET /rules); every rule when absent or empty',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ruleIds.length)
  @ArrayUnique()
  @IsIn(ruleIds, { each: true, message: `each of rules must be one of ${ruleIds.join(', ')}` })
  rules?: string[];

  @ApiPropertyOptional({
    pattern: crossCheckRosterIdPattern.source,
    maxLength: 32,
    description:
      'Check only this roster’s lines (those in the division); its division and the check’s must lie one inside the other',
  })
  @IsOptional()
  @IsString()
  @Matches(crossCheckRosterIdPattern, {
    message: 'rosterId must be ro-<division code>-<12 hex digits>',
  })
  rosterId?: string;

  @ApiPropertyOptional({
    maxLength: 64,
    example: '2019年危房改造',
    description:
      'Check only rosters of this period (as uploaded), and payments of this fiscal year (2019)',
  })
  @IsOptional()
  @IsHumanText(64)
  period?: string;
}

export class CrossCheckAcceptedDto {
  @ApiProperty({
    example: 'cross-checks.0b9f3c1e-5a7d-4e8b-9c2f-1d3e5f7a9b0c',
    description:
      'GET /jobs/{jobId}: progress (done/total: subjects loaded, then hits recorded) and, once completed, the result (CrossCheckResult)',
  })
  jobId!: string;
  @ApiProperty({ example: '530325' }) division!: string;
  @ApiProperty({ type: [String], description: 'The rules that run' }) rules!: string[];
  @ApiPropertyOptional() rosterId?: string;
  @ApiPropertyOptional() period?: string;
}

export const findingIdParam = {
  name: 'findingId',
  description: 'fd-<division code of the subject’s village>-<24 hex digits>',
  schema: { type: 'string', pattern: findingIdPattern.source, maxLength: 40 },
  example: 'fd-530325102201-0123456789abcdef01234567',
} as const;
