import { decimalStringSchema, schemaRef, type OpenApiSchema } from '@sunlight/http';

/** The answers of the stream routes, merged into the OpenAPI document's components. */
export const streamsOpenApiSchemas: Record<string, OpenApiSchema> = {
  StreamPage: {
    type: 'object',
    required: ['streamName', 'events'],
    properties: {
      streamName: { type: 'string' },
      events: { type: 'array', items: schemaRef('RecordedEvent') },
      nextRevision: {
        ...decimalStringSchema,
        description: 'Pass as fromRevision for the next page; absent on the last page',
      },
    },
  },
  StreamAsOf: {
    type: 'object',
    required: ['streamName', 'asOf', 'state', 'events'],
    properties: {
      streamName: { type: 'string' },
      asOf: { type: 'string', nullable: true, description: 'As asked; null for the whole stream' },
      state: {
        type: 'object',
        nullable: true,
        additionalProperties: true,
        description: "The stream's state folded up to asOf; null for a category without a fold",
      },
      events: { type: 'array', items: schemaRef('RecordedEvent') },
    },
  },
};
