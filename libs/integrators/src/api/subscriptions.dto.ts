import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { anyDivisionCodePattern } from '@sunlight/geo';
import { subscriptionIdPattern } from '../domain/subscription.decider';
import { filterPrefixesMax, streamPrefixLengthMax } from '../application/subscriptions';
import { webhookUrlLengthMax } from '../application/webhook-delivery';
import { positionPattern } from './feed-query';

/* The OpenAPI shapes of the subscription routes, and the JSON bodies they validate. */

export const subscriptionIdParam = {
  name: 'subscriptionId',
  description: 'sub-<owner division>-<12 hex digits>',
  schema: { type: 'string', pattern: subscriptionIdPattern.source, maxLength: 32 },
  example: 'sub-530325-7f3a9c2b1d4e',
} as const;

const streamPrefixPattern = /^[a-z][A-Za-z0-9._:-]*$/;

export class CreateSubscriptionDto {
  @ApiProperty({
    description:
      'Where deliveries are POSTed: https (http only for a host on WEBHOOK_ALLOWED_HOSTS); never a loopback, private or link-local address unless allow-listed',
    maxLength: webhookUrlLengthMax,
    example: 'https://receiver.example/sunlight',
  })
  @IsString()
  @MaxLength(webhookUrlLengthMax)
  url!: string;

  @ApiPropertyOptional({
    description:
      "Event-type prefixes (Disbursement); each must lie within the caller's scopes. Empty or absent: every type the scopes admit",
    type: [String],
    maxItems: filterPrefixesMax,
    example: ['Disbursement'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(filterPrefixesMax)
  @IsString({ each: true })
  @Matches(/^[A-Z][A-Za-z0-9]{0,63}$/, {
    each: true,
    message: '$property must hold event-type prefixes such as Disbursement',
  })
  types?: string[];

  @ApiPropertyOptional({
    description: 'Stream-name prefixes (pool-, household-hh-530325). Empty or absent: every stream',
    type: [String],
    maxItems: filterPrefixesMax,
    example: ['pool-'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(filterPrefixesMax)
  @IsString({ each: true })
  @MaxLength(streamPrefixLengthMax, { each: true })
  @Matches(streamPrefixPattern, {
    each: true,
    message: '$property must hold stream-name prefixes such as pool-',
  })
  streams?: string[];

  @ApiPropertyOptional({
    description:
      "Only events of streams in this division (the caller's own or one inside it). Absent: the caller's jurisdiction, published fund lines included",
    pattern: anyDivisionCodePattern.source,
    example: '530325',
  })
  @IsOptional()
  @IsString()
  @Matches(anyDivisionCodePattern, { message: '$property must be a division code' })
  division?: string;

  @ApiPropertyOptional({
    description:
      'Deliver events after this log position (0: the whole log). Absent: only events appended from now on',
    pattern: positionPattern.source,
    example: '0',
  })
  @IsOptional()
  @IsString()
  @Matches(positionPattern, { message: '$property must be a log position (1 to 20 digits)' })
  after?: string;
}

export class ReplaySubscriptionDto {
  @ApiProperty({
    description:
      'Send again every matching event at or after this log position (a delivery’s `after` + 1, or an event’s position); resumes a dead-lettered subscription',
    pattern: positionPattern.source,
    example: '42',
  })
  @IsString()
  @Matches(positionPattern, { message: '$property must be a log position (1 to 20 digits)' })
  from!: string;
}

/** Rotation carries nothing; a client may send no body at all. */
export class RotateSecretDto {}

class SubscriptionFilterDto {
  @ApiProperty({ type: [String], example: ['Disbursement'] }) types!: string[];
  @ApiProperty({ type: [String], example: ['pool-'] }) streams!: string[];
  @ApiProperty({ example: '530325' }) division!: string;
}

class OwnerDto {
  @ApiProperty({ example: 'bank-530325' }) id!: string;
  @ApiProperty({ example: 'integrator' }) role!: string;
  @ApiProperty({ example: '530325' }) division!: string;
}

export class DeliveryViewDto {
  @ApiProperty({ example: 'webhooks.0b9f3c1e-5a7d-8e8b-9c2f-1d3e5f7a9b0c' }) deliveryId!: string;
  @ApiProperty({
    example: 'msg_0b9f3c1e5a7d8e8b9c2f1d3e5f7a9b0c',
    description: 'The webhook-id header: the same on every try of this delivery',
  })
  webhookId!: string;
  @ApiProperty({ enum: ['delivered', 'dead-lettered', 'pending'] }) status!: string;
  @ApiProperty({
    minimum: 0,
    description: 'Tries made (for a pending delivery: tries that failed)',
  })
  attempts!: number;
  @ApiPropertyOptional({
    description: "Why the last try failed (the receiver's status, a timeout…)",
  })
  lastError?: string;
  @ApiProperty({
    example: '00000000000000000041',
    description: 'Exclusive: the delivery follows this position',
  })
  after!: string;
  @ApiProperty({
    example: '00000000000000000142',
    description: 'The last event position it carries',
  })
  through!: string;
  @ApiProperty({ minimum: 1 }) eventCount!: number;
  @ApiPropertyOptional({ format: 'date-time' }) recordedAt?: string;
}

export class SubscriptionViewDto {
  @ApiProperty({ example: 'sub-530325-7f3a9c2b1d4e' }) subscriptionId!: string;
  @ApiProperty({ example: 'https://receiver.example/sunlight' }) url!: string;
  @ApiProperty({ type: SubscriptionFilterDto }) filter!: SubscriptionFilterDto;
  @ApiProperty({
    enum: ['active', 'dead-lettered', 'deleted'],
    description: 'dead-lettered: stopped at a delivery that used every try, until a replay',
  })
  status!: string;
  @ApiProperty({ example: '00000000000000000142', description: 'The last position delivered' })
  cursor!: string;
  @ApiProperty({ minimum: 1 }) secretVersion!: number;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Until then deliveries are signed with the previous secret too',
  })
  previousSecretValidUntil?: string;
  @ApiProperty({ type: OwnerDto }) owner!: OwnerDto;
  @ApiPropertyOptional({ type: DeliveryViewDto, description: 'The delivery it stopped at' })
  deadLetter?: DeliveryViewDto;
}

export class SubscriptionCreatedDto extends SubscriptionViewDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret (Standard Webhooks). Shown once: keep it',
  })
  secret!: string;
}

export class SecretRotatedDto {
  @ApiProperty({ example: 'sub-530325-7f3a9c2b1d4e' }) subscriptionId!: string;
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The new secret, shown once',
  })
  secret!: string;
  @ApiProperty({ minimum: 2 }) secretVersion!: number;
  @ApiProperty({
    format: 'date-time',
    description: 'Until then deliveries carry a signature by the previous secret too',
  })
  previousSecretValidUntil!: string;
}
