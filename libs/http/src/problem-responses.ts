import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';

/*
 * OpenAPI for error answers: every error is RFC 9457 problem details, sent as
 * application/problem+json by the app's problem-details filter. Routes declare each status they
 * can answer with `@ApiProblemResponse(status, description)`.
 */

export class FieldErrorDto {
  @ApiProperty({ example: 'file' })
  field!: string;
  @ApiProperty({ example: 'must be a CSV or XLSX file' })
  message!: string;
}

export class ProblemDetailsDto {
  @ApiProperty({ example: 'https://sunlight.example/problems/request/validation-failed' })
  type!: string;
  @ApiProperty({ example: 'The request is not valid' })
  title!: string;
  @ApiProperty({ example: 400, minimum: 400, maximum: 599 })
  status!: number;
  @ApiProperty({ example: '1 field is not valid: file.' })
  detail!: string;
  @ApiProperty({ example: '/api/v1/rosters' })
  instance!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Each invalid field, by its path' })
  errors?: FieldErrorDto[];
}

export function ApiProblemResponse(status: number, description: string): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto, FieldErrorDto),
    ApiResponse({
      status,
      description,
      content: {
        'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } },
      },
    }),
  );
}
