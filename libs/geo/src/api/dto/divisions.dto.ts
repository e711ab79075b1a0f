import { ApiProperty } from '@nestjs/swagger';
import { divisionLevels, type DivisionLevel } from '@sunlight/geo';

export class DivisionSummaryDto {
  @ApiProperty({ description: 'Division code (行政区划代码)', example: '530325' })
  code!: string;

  @ApiProperty({ description: 'Name (名称)', example: '富源县' })
  name!: string;

  @ApiProperty({
    description:
      'Level: 省 province, 州/市 prefecture, 县 county, 乡/镇 township, 村 village, 村民小组 village group',
    enum: divisionLevels,
    example: 'county',
  })
  level!: DivisionLevel;
}

export class DivisionDto extends DivisionSummaryDto {
  @ApiProperty({
    description: 'Code of the division one level up; null for a province',
    type: String,
    nullable: true,
    example: '5303',
  })
  parentCode!: string | null;

  @ApiProperty({
    description: 'Every division above this one, from the province down',
    type: [DivisionSummaryDto],
    example: [
      { code: '53', name: '云南省', level: 'province' },
      { code: '5303', name: '曲靖市', level: 'prefecture' },
    ],
  })
  ancestors!: DivisionSummaryDto[];
}

export class DivisionChildrenDto {
  @ApiProperty({ description: 'The parent division code', example: '5303' })
  code!: string;

  @ApiProperty({
    description: 'The divisions directly below, in code order',
    type: [DivisionSummaryDto],
    example: [
      { code: '530302', name: '麒麟区', level: 'county' },
      { code: '530325', name: '富源县', level: 'county' },
    ],
  })
  children!: DivisionSummaryDto[];
}
