import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import {
  assistanceMeasures,
  monitoringRiskTypes,
  monitoringTypes,
  type AssistanceMeasure,
  type MonitoringRiskType,
  type MonitoringType,
  descriptionLengthMax,
  exitNoticeDaysMin,
  exitSteps,
  identifierFormat,
  incomeYearMin,
  povertyCauses,
  recordIdPattern,
  type ExitStep,
  type PovertyCause,
} from '../../domain';
import { IsPastDate, IsYearUpToNow } from './validators';

const datePattern = '^\\d{4}-\\d{2}-\\d{2}$';

export class EvaluateExitDto {
  @ApiProperty({
    description: `Client-chosen id of this evaluation, unique in the household: ${identifierFormat}`,
    pattern: recordIdPattern.source,
    example: 'exit-2018',
  })
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  evaluationId!: string;

  @ApiProperty({
    description: 'The year evaluated; the criteria in force for the province and that year apply',
    minimum: incomeYearMin,
    example: 2018,
  })
  @IsYearUpToNow(incomeYearMin)
  year!: number;
}

export class RecordExitStepDto {
  @ApiProperty({
    description: 'The step (申请, 村评议, 乡镇审核, 公示, 县审批), in this order',
    enum: exitSteps,
  })
  @IsIn(exitSteps)
  step!: ExitStep;

  @ApiProperty({
    description: 'The day of the step (for 公示 its first day), not in the future',
    pattern: datePattern,
    example: '2018-11-01',
  })
  @IsPastDate()
  date!: string;

  @ApiPropertyOptional({
    description: `公示 only: its last day, at least ${exitNoticeDaysMin} days after the first`,
    pattern: datePattern,
    example: '2018-11-08',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written YYYY-MM-DD' })
  endDate?: string;

  @ApiPropertyOptional({
    description: '申请 only: the evaluation (met) the application rests on',
    pattern: recordIdPattern.source,
  })
  @IsOptional()
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  evaluationId?: string;

  @ApiPropertyOptional({
    description: 'A remark (e.g. the review meeting)',
    maxLength: descriptionLengthMax,
  })
  @IsOptional()
  @IsString()
  @IsHumanText(descriptionLengthMax)
  note?: string;
}

export class ReturnToPovertyDto {
  @ApiProperty({ description: 'Cause of the return (返贫原因)', enum: povertyCauses })
  @IsIn(povertyCauses)
  cause!: PovertyCause;

  @ApiProperty({
    description: 'When, not in the future',
    pattern: datePattern,
    example: '2020-05-01',
  })
  @IsPastDate()
  date!: string;
}

export class StartMonitoringDto {
  @ApiProperty({
    description: `Client-chosen id of this monitoring, unique in the household: ${identifierFormat}`,
    pattern: recordIdPattern.source,
    example: 'mon-2023-1',
  })
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  monitoringId!: string;

  @ApiProperty({
    description: '监测对象类型; a 脱贫不稳定户 is a household that has exited',
    enum: monitoringTypes,
  })
  @IsIn(monitoringTypes)
  monitoringType!: MonitoringType;

  @ApiProperty({
    description: '风险类型, at least one, none repeated',
    type: 'array',
    items: { type: 'string', enum: [...monitoringRiskTypes] },
    example: ['因病', '因务工就业不稳'],
    minItems: 1,
    maxItems: monitoringRiskTypes.length,
    uniqueItems: true,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(monitoringRiskTypes.length)
  @ArrayUnique()
  @IsIn(monitoringRiskTypes, { each: true })
  riskTypes!: MonitoringRiskType[];

  @ApiProperty({
    description: '帮扶措施 applied, at least one, none repeated',
    type: 'array',
    items: { type: 'string', enum: [...assistanceMeasures] },
    example: ['健康帮扶', '就业帮扶'],
    minItems: 1,
    maxItems: assistanceMeasures.length,
    uniqueItems: true,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(assistanceMeasures.length)
  @ArrayUnique()
  @IsIn(assistanceMeasures, { each: true })
  measures!: AssistanceMeasure[];

  @ApiProperty({
    description: 'The day the household was identified as monitored (纳入监测), not in the future',
    pattern: datePattern,
    example: '2023-03-01',
  })
  @IsPastDate()
  identifiedOn!: string;

  @ApiPropertyOptional({ description: 'A remark', maxLength: descriptionLengthMax })
  @IsOptional()
  @IsString()
  @IsHumanText(descriptionLengthMax)
  note?: string;
}

export class EliminateRiskDto {
  @ApiProperty({
    description: 'The open monitoring this closes',
    pattern: recordIdPattern.source,
    example: 'mon-2023-1',
  })
  @IsString()
  @Matches(recordIdPattern, { message: `$property must be ${identifierFormat}` })
  monitoringId!: string;

  @ApiProperty({
    description:
      'The day of 风险消除, not in the future, and at least the required months (data/households/monitoring-lines.json) after monitoring began',
    pattern: datePattern,
    example: '2023-09-01',
  })
  @IsPastDate()
  eliminatedOn!: string;

  @ApiPropertyOptional({ description: 'A remark', maxLength: descriptionLengthMax })
  @IsOptional()
  @IsString()
  @IsHumanText(descriptionLengthMax)
  note?: string;
}
