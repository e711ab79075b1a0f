import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { HouseholdEventDto, ProblemDto } from './dto/responses.dto';

const replayedHeader = {
  'Idempotent-Replayed': {
    description: 'true when the request repeated an earlier one and nothing new was written',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

/** Every status a household command answers, with its body (an event or problem+json). */
export function HouseholdCommandResponses(conflicts?: string): MethodDecorator & ClassDecorator {
  const decorators = [
    ApiCreatedResponse({
      type: HouseholdEventDto,
      description: 'Written; the event as stored',
      headers: replayedHeader,
    }),
    ApiOkResponse({
      type: HouseholdEventDto,
      description:
        'A repeat: the event written the first time (Idempotent-Replayed: true); nothing new is written',
      headers: replayedHeader,
    }),
    ApiBadRequestResponse({
      type: ProblemDto,
      description: 'A field is not valid (problem+json naming each field); nothing is written',
    }),
    ApiUnauthorizedResponse({
      type: ProblemDto,
      description: 'No bearer token, or an invalid or expired one',
    }),
    ApiForbiddenResponse({
      type: ProblemDto,
      description:
        "Role not allowed, or the household's village lies outside the caller's jurisdiction; nothing is written",
    }),
    ApiNotFoundResponse({ type: ProblemDto, description: 'No such household (or member)' }),
    ApiUnprocessableEntityResponse({
      type: ProblemDto,
      description:
        'HOUSEHOLDS.INVALID_COMMAND or HOUSEHOLDS.CORRECTED_RECORD_MISMATCH: a business rule refused it; nothing is written',
    }),
  ];
  if (conflicts !== undefined) {
    decorators.push(ApiConflictResponse({ type: ProblemDto, description: conflicts }));
  }
  return applyDecorators(...decorators);
}
