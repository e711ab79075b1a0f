import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { IsHumanText } from '@sunlight/http';
import { villageGroupNameLengthMax } from '../../domain';
import { villageGroupNumberMax } from '../../village-group';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;

export class RegisterVillageGroupDto {
  @ApiProperty({
    description: 'Number of the village group (村民小组) within its village, 1 to 999',
    example: 3,
    minimum: 1,
    maximum: villageGroupNumberMax,
  })
  @IsInt()
  @Min(1)
  @Max(villageGroupNumberMax)
  groupNumber!: number;

  @ApiProperty({
    description: 'Name of the village group (村民小组名称)',
    example: '第三村民小组',
    maxLength: villageGroupNameLengthMax,
  })
  @Transform(trimmed)
  @IsString()
  @IsHumanText(villageGroupNameLengthMax)
  name!: string;
}

export class VillageGroupRegisteredDataDto {
  @ApiProperty({ example: '530325001001' })
  villageCode!: string;

  @ApiProperty({ example: 3 })
  groupNumber!: number;

  @ApiProperty({ description: 'The group code <villageCode>-<n>', example: '530325001001-3' })
  code!: string;

  @ApiProperty({ example: '第三村民小组' })
  name!: string;
}

/** The `VillageGroupRegistered` event exactly as the log holds it. */
export class RecordedEventDto {
  @ApiProperty({ example: 'villagegroups-530325001001' })
  streamName!: string;

  @ApiProperty({ description: '0-based place in the stream, as a decimal string', example: '0' })
  revision!: string;

  @ApiProperty({ description: 'Global position in the log (opaque)', example: '42' })
  position!: string;

  @ApiProperty({ description: 'UUID; the idempotency key within the stream' })
  eventId!: string;

  @ApiProperty({ example: 'VillageGroupRegistered' })
  type!: string;

  @ApiProperty({ type: VillageGroupRegisteredDataDto })
  data!: VillageGroupRegisteredDataDto;

  @ApiProperty({
    description:
      'actor {id, role, division}, occurredAt, commandId, correlationId, causationId, schemaVersion',
    type: 'object',
    additionalProperties: true,
  })
  metadata!: Record<string, unknown>;

  @ApiProperty({
    description: 'When the store wrote it (UTC)',
    example: '2026-03-01T08:00:00.123Z',
  })
  recordedAt!: string;
}
