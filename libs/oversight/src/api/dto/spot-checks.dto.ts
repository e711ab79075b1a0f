import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import {
  spotCheckIdPattern,
  spotCheckPerUnitMax,
  spotCheckPeriodFormat,
  spotCheckPeriodPattern,
  spotCheckPopulations,
  spotCheckRemarksLengthMax,
  spotCheckResults,
  spotCheckUnitsMax,
} from '../../domain';

const divisionPattern = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;
const datePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class DrawSpotCheckDto {
  @ApiProperty({
    pattern: divisionPattern.source,
    example: '530325',
    description: 'The division whose population is sampled: inside the caller’s jurisdiction',
  })
  @IsString()
  @Matches(divisionPattern, {
    message: '$property must be a division code of 2, 4, 6, 9 or 12 digits',
  })
  divisionCode!: string;

  @ApiProperty({
    enum: spotCheckPopulations,
    example: 'households',
    description:
      'What is sampled: households (建档立卡户, unit: their village), projects (扶贫项目, unit: their village or township) ' +
      'or roster entries (花名册条目, unit: their roster; rejected rosters are left out)',
  })
  @IsIn(spotCheckPopulations)
  population!: string;

  @ApiProperty({
    minimum: 1,
    maximum: spotCheckPerUnitMax,
    example: 20,
    description:
      'Items drawn in each sampled unit (e.g. at least 20 households per sampled village); all of a smaller unit',
  })
  @IsInt()
  @Min(1)
  @Max(spotCheckPerUnitMax)
  perUnit!: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: spotCheckUnitsMax,
    description:
      'Units sampled (villages, rosters); absent, every unit with something left to draw',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(spotCheckUnitsMax)
  units?: number;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 1,
    description:
      'The log position whose chain hash seeds the draw (at or below the head; the latest signed checkpoint’s size is a good choice, named before the draw)',
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seedPosition!: number;

  @ApiProperty({
    pattern: spotCheckPeriodPattern.source,
    example: '2026',
    description: `The period (${spotCheckPeriodFormat}): nothing drawn in it for this population is drawn again`,
  })
  @IsString()
  @Matches(spotCheckPeriodPattern, { message: `$property must be ${spotCheckPeriodFormat}` })
  period!: string;
}

export class RecordSpotCheckVisitDto {
  @ApiProperty({
    maxLength: 64,
    example: 'hh-530325102202-1',
    description: 'A sampled item: a household id, a project id or `<rosterId>#<row>`',
  })
  @IsString()
  @MaxLength(64)
  item!: string;

  @ApiProperty({
    enum: spotCheckResults,
    description:
      'accurate 属实, inaccurate 不属实, partly-accurate 部分属实, unverifiable 无法核实',
  })
  @IsIn(spotCheckResults)
  result!: string;

  @ApiProperty({ maxLength: spotCheckRemarksLengthMax, example: '入户核实，家庭人口与档案一致' })
  @IsString()
  @IsHumanText(spotCheckRemarksLengthMax)
  remarks!: string;

  @ApiProperty({
    example: '2026-03-15',
    description: 'The day of the visit (YYYY-MM-DD), not in the future',
  })
  @IsString()
  @Matches(datePattern, { message: '$property must be a date written YYYY-MM-DD' })
  visitedOn!: string;
}

class SpotCheckActorDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() division!: string;
}

class SpotCheckItemDto {
  @ApiProperty({ example: 'hh-530325102202-1' }) id!: string;
  @ApiProperty({ example: '530325102202', description: 'Its village, its division or its roster' })
  unit!: string;
}

class SpotCheckSampleDto {
  @ApiProperty({ type: [String], description: 'The units sampled, in the order drawn' })
  units!: string[];
  @ApiProperty({ type: [SpotCheckItemDto], description: 'Unit by unit, in the order drawn' })
  items!: SpotCheckItemDto[];
}

class PopulationSnapshotDto {
  @ApiProperty({ example: '1042', description: 'The log was read up to this position, inclusive' })
  position!: string;
  @ApiProperty() size!: number;
  @ApiProperty() units!: number;
  @ApiProperty({
    pattern: '^[0-9a-f]{64}$',
    description: 'SHA-256 of `<id>\\t<unit>\\n` per item, in id order',
  })
  sha256!: string;
}

class ExcludedDto {
  @ApiProperty({ description: 'Items of the population drawn before in the period' })
  count!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
}

class SpotCheckVisitDto {
  @ApiProperty() item!: string;
  @ApiProperty({ enum: spotCheckResults }) result!: string;
  @ApiProperty() remarks!: string;
  @ApiProperty({ example: '2026-03-15' }) visitedOn!: string;
  @ApiProperty({ type: SpotCheckActorDto }) visitor!: SpotCheckActorDto;
}

export class SpotCheckDto {
  @ApiProperty({ pattern: spotCheckIdPattern.source, example: 'sc-530325-7f3a9c2b1d4e' })
  spotCheckId!: string;
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ enum: spotCheckPopulations }) population!: string;
  @ApiProperty({ example: '2026' }) period!: string;
  @ApiProperty() perUnit!: number;
  @ApiPropertyOptional() units?: number;
  @ApiProperty({ example: '1000' }) seedPosition!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'The chain hash at the seed position' })
  seedHash!: string;
  @ApiProperty({ example: 'hmac-sha256-ctr/fisher-yates/v1' }) algorithm!: string;
  @ApiProperty({ type: PopulationSnapshotDto }) populationSnapshot!: PopulationSnapshotDto;
  @ApiProperty({ type: ExcludedDto }) excluded!: ExcludedDto;
  @ApiProperty({ type: SpotCheckSampleDto }) sample!: SpotCheckSampleDto;
  @ApiProperty({ type: SpotCheckActorDto }) drawnBy!: SpotCheckActorDto;
  @ApiProperty({ type: [SpotCheckVisitDto] }) visits!: SpotCheckVisitDto[];
  @ApiProperty({ description: 'Sampled items not visited yet' }) pending!: number;
}

export class SpotCheckListEntryDto {
  @ApiProperty({ example: 'sc-530325-7f3a9c2b1d4e' }) spotCheckId!: string;
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ enum: spotCheckPopulations }) population!: string;
  @ApiProperty({ example: '2026' }) period!: string;
  @ApiProperty({ example: '1000' }) seedPosition!: string;
  @ApiProperty() sampled!: number;
  @ApiProperty() visited!: number;
  @ApiProperty({ type: SpotCheckActorDto }) drawnBy!: SpotCheckActorDto;
}
