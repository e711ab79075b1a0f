import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { householdEventTypes } from '../../domain';

/** RFC 9457 problem details, as every error of these routes answers (application/problem+json). */
export class ProblemDto {
  @ApiProperty({
    example: 'https://sunlight.example/problems/households/person-in-another-household',
  })
  type!: string;

  @ApiProperty({ example: 'Conflict' })
  title!: string;

  @ApiProperty({ example: 409 })
  status!: number;

  @ApiProperty({
    example:
      'This ID number is an active member of household hh-530325102001-3; remove the member there first',
  })
  detail!: string;

  @ApiProperty({ example: '/api/v1/households/hh-530325102001-17/members' })
  instance!: string;

  @ApiPropertyOptional({
    description: 'The fields refused, by dotted path',
    type: 'array',
    items: {
      type: 'object',
      properties: { field: { type: 'string' }, message: { type: 'string' } },
      required: ['field', 'message'],
    },
  })
  errors?: { field: string; message: string }[];
}

/** A household event exactly as the log holds it: what every command answers with. */
export class HouseholdEventDto {
  @ApiProperty({ example: 'household-hh-530325102001-17' })
  streamName!: string;

  @ApiProperty({ description: '0-based place in the stream, as a decimal string', example: '0' })
  revision!: string;

  @ApiProperty({ description: 'Global position in the log (opaque)', example: '42' })
  position!: string;

  @ApiProperty({ description: 'UUID; the idempotency key within the stream' })
  eventId!: string;

  @ApiProperty({
    description: 'Event type (docs/event-catalogue.md)',
    enum: householdEventTypes,
  })
  type!: string;

  @ApiProperty({
    description: "The event's data, as docs/event-catalogue.md lists it for its type",
    type: 'object',
    additionalProperties: true,
  })
  data!: Record<string, unknown>;

  @ApiProperty({
    description:
      'actor {id, role, division}, occurredAt, commandId, correlationId, causationId, schemaVersion; reason for a removal; claims/releases (person:<idNumber>) for member changes',
    type: 'object',
    additionalProperties: true,
  })
  metadata!: Record<string, unknown>;

  @ApiProperty({
    description: 'When the store wrote it (UTC)',
    example: '2026-03-01T08:00:00.123Z',
  })
  recordedAt!: string;
}
