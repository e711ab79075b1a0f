import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** RFC 9457 problem details as src/http/problem-details.ts renders every error. */
export const problemSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** One documented error status with its problem+json body. */
export function ProblemResponse(status: number, description: string): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status,
      description: `${description} (problem+json)`,
      content: { 'application/problem+json': { schema: problemSchema } },
    }),
  );
}

/** A text/plain answer (signed notes, tlog-proof bundles). */
export function TextResponse(description: string, example: string): MethodDecorator {
  return ApiResponse({
    status: 200,
    description,
    content: { 'text/plain; charset=utf-8': { schema: { type: 'string', example } } },
  });
}

export const checkpointExample =
  'sunlight.local/log\n1042\nq4i0U8mWnA8rN1V5kG0F0tjb2c8b2uGq1XwXbAkZr1Q=\n\n— sunlight.local/log Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

export const base64HashSchema: SchemaObject = {
  type: 'string',
  pattern: '^[A-Za-z0-9+/]{43}=$',
  example: 'q4i0U8mWnA8rN1V5kG0F0tjb2c8b2uGq1XwXbAkZr1Q=',
};
