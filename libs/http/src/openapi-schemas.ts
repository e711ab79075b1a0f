import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiQuery } from '@nestjs/swagger';

/**
 * OpenAPI 3.0 schemas shared by every context's routes, and the helpers a controller uses to
 * declare its answers. The app merges each context's schemas into the document's components
 * (src/http/openapi-document.ts), which also adds the problem+json answers every route can give.
 */
export type OpenApiSchema = Record<string, unknown>;

export const schemaRef = (name: string): OpenApiSchema => ({
  $ref: `#/components/schemas/${name}`,
});

/** Positions and revisions are decimal strings: they outgrow a JSON number's exact integers. */
export const decimalStringSchema: OpenApiSchema = { type: 'string', pattern: '^[0-9]+$' };
export const yuanStringSchema: OpenApiSchema = {
  type: 'string',
  pattern: '^-?[0-9]+\\.[0-9]{2}$',
  description: 'Yuan (元) as a decimal string with two decimals',
};
export const nullable = (schema: OpenApiSchema): OpenApiSchema => ({ ...schema, nullable: true });

export const sharedOpenApiSchemas: Record<string, OpenApiSchema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details (application/problem+json)',
    required: ['type', 'title', 'status', 'detail', 'instance'],
    properties: {
      type: {
        type: 'string',
        description: 'https://sunlight.example/problems/<context>/<code>, or about:blank',
        example: 'https://sunlight.example/problems/funds/insufficient-funds',
      },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string', description: 'The request path' },
      errors: {
        type: 'array',
        description: 'One entry per invalid field of the request',
        items: schemaRef('ProblemFieldError'),
      },
    },
  },
  ProblemFieldError: {
    type: 'object',
    required: ['field', 'message'],
    properties: {
      field: { type: 'string', example: 'beneficiary.idNumber' },
      message: { type: 'string' },
    },
  },
  RecordedEvent: {
    type: 'object',
    description: 'An event as the log stores it',
    required: [
      'streamName',
      'revision',
      'position',
      'eventId',
      'type',
      'data',
      'metadata',
      'recordedAt',
    ],
    properties: {
      streamName: { type: 'string', example: 'pool-yn-2026-cyfz-001.530325' },
      revision: { ...decimalStringSchema, description: 'Position in its stream, from 0' },
      position: { ...decimalStringSchema, description: 'Position in the whole log' },
      eventId: { type: 'string' },
      type: { type: 'string', example: 'DisbursementRequested' },
      data: { type: 'object', additionalProperties: true },
      metadata: { type: 'object', additionalProperties: true },
      recordedAt: { type: 'string', format: 'date-time' },
    },
  },
};

/** A command's success: the event it wrote (201); a repeat's 200 is added by the app's document. */
export const ApiRecordedEvent = (description = 'Recorded: the event as the log stores it') =>
  ApiCreatedResponse({ description, schema: schemaRef('RecordedEvent') });

/** A read's 200 answer, one of the components' schemas. */
export const ApiAnswer = (schemaName: string, description = 'The answer') =>
  ApiOkResponse({ description, schema: schemaRef(schemaName) });

/** A path parameter checked against `pattern` (a 400 or 404 otherwise, as the route says). */
export const ApiPatternParam = (
  name: string,
  pattern: RegExp,
  example: string,
  description?: string,
) =>
  ApiParam({
    name,
    schema: { type: 'string', pattern: pattern.source, example },
    ...(description === undefined ? {} : { description }),
  });

/** An optional integer query parameter with its bounds; anything else is a 400 naming it. */
export const ApiIntegerQuery = (
  name: string,
  bounds: { minimum: number; maximum: number; default: number },
  description?: string,
) =>
  ApiQuery({
    name,
    required: false,
    schema: { type: 'integer', ...bounds },
    ...(description === undefined ? {} : { description }),
  });
