import { Controller, Get, Inject, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Jurisdiction } from '@sunlight/auth';
import { UnknownDivisionError, type Division } from '../division';
import { anyDivisionCodePattern } from '../division-code';
import type { DivisionRegistry } from '../division-registry';
import { DivisionCodePipe } from './division-code.pipe';
import { DivisionChildrenDto, DivisionDto, type DivisionSummaryDto } from './dto/divisions.dto';
import { DivisionNotFoundError } from './divisions.errors';
import { DIVISION_REGISTRY } from '../tokens';

const codeParam = {
  name: 'code',
  description:
    'Division code (行政区划代码): 2, 4, 6, 9 or 12 digits, or a village group code <12 digits>-<n>',
  schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
};

/** Reference data: any authenticated role may read it; nothing here is public or jurisdiction-bound. */
@ApiTags('divisions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No bearer token, or an invalid or expired one (problem+json)',
})
@Jurisdiction({ kind: 'none', why: 'reference data, the same for every caller' })
@Controller('divisions')
export class DivisionsController {
  constructor(@Inject(DIVISION_REGISTRY) private readonly registry: DivisionRegistry) {}

  @Get(':code')
  @ApiOperation({
    summary: 'One administrative division (行政区划) and its ancestors, e.g. 530325 富源县',
  })
  @ApiParam(codeParam)
  @ApiOkResponse({ type: DivisionDto })
  @ApiBadRequestResponse({
    description: 'The code is malformed (problem+json naming the field `code`)',
  })
  @ApiNotFoundResponse({ description: 'No division has this code (problem+json naming the code)' })
  division(@Param('code', new DivisionCodePipe()) code: string): DivisionDto {
    const division = this.lookUp(code, () => this.registry.require(code));
    return {
      ...summary(division),
      parentCode: division.parentCode,
      ancestors: this.registry.ancestorsOf(code).map(summary),
    };
  }

  @Get(':code/children')
  @ApiOperation({
    summary:
      'The divisions (下级行政区划) directly below one division, e.g. the counties of 5303 曲靖市',
  })
  @ApiParam({ ...codeParam, schema: { ...codeParam.schema, example: '5303' } })
  @ApiOkResponse({ type: DivisionChildrenDto })
  @ApiBadRequestResponse({
    description: 'The code is malformed (problem+json naming the field `code`)',
  })
  @ApiNotFoundResponse({ description: 'No division has this code (problem+json naming the code)' })
  children(@Param('code', new DivisionCodePipe()) code: string): DivisionChildrenDto {
    return { code, children: this.lookUp(code, () => this.registry.childrenOf(code)).map(summary) };
  }

  private lookUp<T>(code: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof UnknownDivisionError) throw new DivisionNotFoundError(code);
      throw error;
    }
  }
}

function summary(division: Division): DivisionSummaryDto {
  return { code: division.code, name: division.name, level: division.level };
}
