import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiProblemResponse } from '@sunlight/http';
import { ProjectEventDto } from './dto/views.dto';

const replayedHeader = {
  'Idempotent-Replayed': {
    description: 'true when the request repeated an earlier one and nothing new was written',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

/** Every status a project command answers, with its body (an event or problem+json). */
export function ProjectCommandResponses(conflicts: string): MethodDecorator {
  return applyDecorators(
    ApiCreatedResponse({
      type: ProjectEventDto,
      description: 'Written; the event as stored',
      headers: replayedHeader,
    }),
    ApiOkResponse({
      type: ProjectEventDto,
      description:
        'A repeat: the event written the first time (Idempotent-Replayed: true); nothing new is written',
      headers: replayedHeader,
    }),
    ApiProblemResponse(
      400,
      'A field is not valid (problem+json naming each field); nothing is written',
    ),
    ApiProblemResponse(401, 'No bearer token, or an invalid or expired one'),
    ApiProblemResponse(
      403,
      "Role not allowed, or the project's division lies outside the caller's jurisdiction; nothing is written",
    ),
    ApiProblemResponse(404, 'No such project (PROJECTS.PROJECT_NOT_FOUND)'),
    ApiProblemResponse(409, conflicts),
    ApiProblemResponse(
      422,
      'PROJECTS.INVALID_COMMAND: a business rule refused a field; nothing is written',
    ),
  );
}
