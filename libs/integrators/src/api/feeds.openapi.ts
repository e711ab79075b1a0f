import { decimalStringSchema, nullable, type OpenApiSchema } from '@sunlight/http';

/** The OpenAPI schemas of the feeds' answers, merged into the app's document. */
export const integratorsOpenApiSchemas: Record<string, OpenApiSchema> = {
  FeedEvent: {
    type: 'object',
    description:
      "An event as the feeds hand it on: the log's envelope, with personal data masked unless the caller may see it",
    required: [
      'position',
      'streamName',
      'revision',
      'eventId',
      'type',
      'data',
      'metadata',
      'recordedAt',
      'chainHash',
    ],
    properties: {
      position: {
        ...decimalStringSchema,
        description: 'Position in the whole log; resume after it',
      },
      streamName: { type: 'string', example: 'pool-yn-2026-cyfz-001.530325' },
      revision: { ...decimalStringSchema, description: 'Position in its stream, from 0' },
      eventId: { type: 'string', format: 'uuid' },
      type: { type: 'string', example: 'DisbursementRequested' },
      data: { type: 'object', additionalProperties: true },
      metadata: { type: 'object', additionalProperties: true },
      recordedAt: { type: 'string', format: 'date-time' },
      chainHash: nullable({
        type: 'string',
        pattern: '^[0-9a-f]{64}$',
        description: 'SHA-256(previous hash ‖ JCS(event)), hex, as `sunlight verify` recomputes it',
      }),
    },
  },
  FeedPage: {
    type: 'object',
    description: 'A page of the feed (format=json), streamed as it is read',
    required: ['events', 'next', 'count'],
    properties: {
      events: {
        type: 'array',
        items: {
          oneOf: [
            { $ref: '#/components/schemas/FeedEvent' },
            { $ref: '#/components/schemas/CloudEvent' },
          ],
        },
      },
      next: nullable({
        ...decimalStringSchema,
        description:
          'Pass as `after` for the next page: the last position read (it may lie past the last event sent, when the filters skipped the rest); null when nothing was read',
      }),
      count: { type: 'integer', minimum: 0, maximum: 10_000 },
    },
  },
  CloudEvent: {
    type: 'object',
    description:
      'CloudEvents 1.0 structured JSON: id = event id, source = the log origin, subject = stream, extensions position, revision, chainhash',
    required: [
      'specversion',
      'id',
      'source',
      'type',
      'subject',
      'time',
      'data',
      'position',
      'revision',
    ],
    properties: {
      specversion: { type: 'string', enum: ['1.0'] },
      id: { type: 'string' },
      source: { type: 'string' },
      type: { type: 'string' },
      subject: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      datacontenttype: { type: 'string', enum: ['application/json'] },
      data: { type: 'object', additionalProperties: true },
      position: decimalStringSchema,
      revision: decimalStringSchema,
      chainhash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
  },
};
