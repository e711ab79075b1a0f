import { ApiProperty } from '@nestjs/swagger';
import { registryKinds } from '../../domain';

export class ExplanationDto {
  @ApiProperty({ example: '有车辆登记' }) zh!: string;
  @ApiProperty({ example: 'Registered vehicle owner' }) en!: string;
}

export class RuleParameterDto {
  @ApiProperty({ example: 'Vehicle types that are farm machinery and never count' })
  description!: string;

  @ApiProperty({
    description: 'The value used when a check does not set it',
    oneOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'array', items: { type: 'string' } },
      { type: 'object', additionalProperties: { type: 'string' } },
    ],
    example: ['三轮农用车', '拖拉机', '低速货车', '农用运输车'],
  })
  default!: unknown;
}

export class RuleDto {
  @ApiProperty({ example: 'vehicle-owner' }) id!: string;
  @ApiProperty({ minimum: 1, example: 1, description: 'A new behaviour is a new version' })
  version!: number;
  @ApiProperty({ type: ExplanationDto }) title!: ExplanationDto;
  @ApiProperty({ description: 'What the rule computes' }) method!: string;
  @ApiProperty({ type: [String] }) inputs!: string[];
  @ApiProperty({
    enum: registryKinds,
    isArray: true,
    description: 'Registries the rule needs; without a snapshot of one in force it raises nothing',
  })
  registries!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RuleParameterDto' },
    description: 'Each parameter with its description and default',
  })
  parameters!: Record<string, RuleParameterDto>;
  @ApiProperty({ type: [String], description: 'What the rule deliberately leaves out' })
  exclusions!: string[];
  @ApiProperty() example!: string;
}

export class RuleListDto {
  @ApiProperty({ type: [RuleDto] }) items!: RuleDto[];
}
