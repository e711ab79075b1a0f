import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Jurisdiction } from '@sunlight/auth';
import { ApiProblemResponse } from '@sunlight/http';
import { RequestFieldError } from '@sunlight/kernel';
import { findRule, ruleCatalogue, type RuleDefinition } from '../domain';
import { UnknownRuleError } from '../oversight.errors';
import { RuleDto, RuleListDto, RuleParameterDto } from './dto/rules.dto';

const ruleIdPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const ruleIdParam = {
  name: 'ruleId',
  schema: {
    type: 'string',
    pattern: ruleIdPattern.source,
    maxLength: 64,
    example: 'vehicle-owner',
  },
} as const;

/** The rule a path names: 400 when the id is malformed, 404 when the catalogue has none. */
export function requireRule(ruleId: string): RuleDefinition {
  if (ruleId.length > 64 || !ruleIdPattern.test(ruleId))
    throw new RequestFieldError(
      'ruleId',
      `must match ${ruleIdPattern.source} (at most 64 characters)`,
    );
  const rule = findRule(ruleId);
  if (rule === undefined) throw new UnknownRuleError(ruleId);
  return rule;
}

/** The cross-check rules as documentation: the same for every caller, read by every role. */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@ApiExtraModels(RuleParameterDto)
@Jurisdiction({ kind: 'none', why: 'the rule catalogue is the same for every caller' })
@Controller('rules')
export class RulesController {
  @Get()
  @ApiOperation({
    summary:
      'Every cross-check rule: method, inputs, parameters with defaults, exclusions, example',
    description:
      'Rules raise leads (疑点) for a commission to check, never verdicts. docs/rules.md lists the same.',
  })
  @ApiOkResponse({ type: RuleListDto })
  @ApiProblemResponse(401, 'No valid bearer token')
  list(): RuleListDto {
    return { items: ruleCatalogue.map(ruleView) };
  }

  @Get(':ruleId')
  @ApiOperation({ summary: 'One cross-check rule, as GET /rules lists it' })
  @ApiParam(ruleIdParam)
  @ApiOkResponse({ type: RuleDto })
  @ApiProblemResponse(400, 'The rule id is malformed')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(404, 'No rule has this id (OVERSIGHT.UNKNOWN_RULE)')
  get(@Param('ruleId') ruleId: string): RuleDto {
    return ruleView(requireRule(ruleId));
  }
}

function ruleView(rule: RuleDefinition): RuleDto {
  return {
    id: rule.id,
    version: rule.version,
    title: rule.title,
    method: rule.method,
    inputs: rule.inputs,
    registries: rule.registries,
    parameters: Object.fromEntries(
      Object.entries(rule.parameters).map(([name, p]) => [
        name,
        { description: p.description, default: p.default },
      ]),
    ),
    exclusions: rule.exclusions,
    example: rule.example,
  };
}
