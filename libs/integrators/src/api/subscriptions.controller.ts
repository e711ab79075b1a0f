import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, CurrentScopes, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds } from '@sunlight/event-store';
import { ApiProblemResponse, RequestCommandIds, type OutcomeResponse } from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import {
  idempotencyKeyPattern,
  Subscriptions,
  type DeliveryView,
  type SubscriptionView,
} from '../application/subscriptions';
import {
  CreateSubscriptionDto,
  DeliveryViewDto,
  ReplaySubscriptionDto,
  RotateSecretDto,
  SecretRotatedDto,
  SubscriptionCreatedDto,
  subscriptionIdParam,
  SubscriptionViewDto,
} from './subscriptions.dto';

const ownerRule = {
  kind: 'owner',
  why: 'the subscribing integrator and users above its jurisdiction see a subscription; to anyone else it does not exist (404)',
} as const;

@ApiTags('subscriptions (事件推送)')
@ApiBearerAuth()
@Roles('integrator')
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: Subscriptions) {}

  @Post()
  @Jurisdiction({ kind: 'division', in: 'body', name: 'division' })
  @ApiOperation({
    summary: 'Subscribe a URL to the log: signed webhooks of the events the filter admits',
    description:
      'Deliveries are POSTed in log order, each a CloudEvents batch (application/cloudevents-batch+json, up to WEBHOOK_BATCH_MAX events), ' +
      'signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) with the secret this answer carries once. ' +
      "Events are filtered and masked exactly as the feeds do for the caller's token (its scopes and jurisdiction, fixed at subscription). " +
      'A try fails on any answer but 2xx (redirects are not followed), a timeout (WEBHOOK_TIMEOUT_MS) or a refused address; it is tried again with exponential backoff and jitter, ' +
      'WEBHOOK_ATTEMPTS times in all, with the same webhook-id; then the delivery is dead-lettered and the subscription stops there until POST …/replay. Role: integrator.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes a retry safe: the same key from the same caller answers the subscription the first try created (200, Idempotent-Replayed: true) instead of subscribing twice',
    schema: { type: 'string', pattern: idempotencyKeyPattern.source, minLength: 8, maxLength: 128 },
  })
  @ApiCreatedResponse({ type: SubscriptionCreatedDto })
  @ApiProblemResponse(
    400,
    'A field is missing or not valid: a URL that is not https, private or loopback; a type outside the scopes (problem+json naming it)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the division lies outside the caller's jurisdiction",
  )
  @ApiOkResponse({
    type: SubscriptionCreatedDto,
    description:
      'A retry with the same Idempotency-Key (same URL and filter): the subscription its first try created, with its current secret; nothing is written',
  })
  @ApiProblemResponse(
    409,
    'The caller has as many subscriptions as it may (INTEGRATORS.TOO_MANY_SUBSCRIPTIONS), or the Idempotency-Key created another subscription or one since deleted (INTEGRATORS.IDEMPOTENCY_KEY_REUSED)',
  )
  async create(
    @Body() body: CreateSubscriptionDto,
    @CurrentActor() actor: Actor,
    @CurrentScopes() scopes: readonly string[],
    @RequestCommandIds() ids: CommandIds,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<SubscriptionView & { secret: string }> {
    const { replayed, ...created } = await this.subscriptions.create(
      actor,
      scopes,
      body,
      ids,
      idempotencyKey,
    );
    response.setHeader('Idempotent-Replayed', String(replayed));
    response.status(replayed ? 200 : 201);
    return created;
  }

  @Get()
  @Jurisdiction({ kind: 'caller' })
  @ApiOperation({
    summary: "The caller's subscriptions (and those of integrators below its jurisdiction)",
  })
  @ApiOkResponse({ type: [SubscriptionViewDto] })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  list(@CurrentActor() actor: Actor): Promise<SubscriptionView[]> {
    return this.subscriptions.list(actor);
  }

  @Get(':subscriptionId')
  @Jurisdiction(ownerRule)
  @ApiOperation({ summary: 'One subscription: its filter, status and cursor (never its secret)' })
  @ApiParam(subscriptionIdParam)
  @ApiOkResponse({ type: SubscriptionViewDto })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  @ApiProblemResponse(
    404,
    'No such subscription that the caller may see (INTEGRATORS.SUBSCRIPTION_NOT_FOUND)',
  )
  get(
    @Param('subscriptionId') subscriptionId: string,
    @CurrentActor() actor: Actor,
  ): Promise<SubscriptionView> {
    return this.subscriptions.get(actor, subscriptionId);
  }

  @Delete(':subscriptionId')
  @Jurisdiction(ownerRule)
  @ApiOperation({
    summary: 'Unsubscribe: nothing more is delivered (a delivery in flight may still arrive)',
  })
  @ApiParam(subscriptionIdParam)
  @ApiOkResponse({ type: SubscriptionViewDto, description: 'The subscription, now deleted' })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  @ApiProblemResponse(
    404,
    'No such subscription that the caller may see (INTEGRATORS.SUBSCRIPTION_NOT_FOUND)',
  )
  delete(
    @Param('subscriptionId') subscriptionId: string,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<SubscriptionView> {
    return this.subscriptions.delete(actor, subscriptionId, ids);
  }

  @Post(':subscriptionId/secret/rotate')
  @Jurisdiction(ownerRule)
  @ApiOperation({
    summary:
      'A new signing secret; the previous one keeps signing beside it for WEBHOOK_SECRET_OVERLAP_MS',
    description:
      'During the overlap every delivery carries two signatures in webhook-signature (space-separated, Standard Webhooks), so a receiver verifies with either secret while it switches.',
  })
  @ApiParam(subscriptionIdParam)
  @ApiCreatedResponse({ type: SecretRotatedDto, description: 'A new secret: shown once' })
  @ApiProblemResponse(400, 'The body is not valid (it takes no fields)')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  @ApiProblemResponse(
    404,
    'No such subscription that the caller may see (INTEGRATORS.SUBSCRIPTION_NOT_FOUND)',
  )
  rotate(
    @Param('subscriptionId') subscriptionId: string,
    @Body() _body: RotateSecretDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<SecretRotatedDto> {
    // Every rotation makes a new secret: none is a replay of an earlier one.
    response.setHeader('Idempotent-Replayed', 'false');
    return this.subscriptions.rotateSecret(actor, subscriptionId, ids);
  }

  @Get(':subscriptionId/deliveries')
  @Jurisdiction(ownerRule)
  @ApiOperation({
    summary:
      'Deliveries: the one in flight (tries so far, last error), then the recorded ones, newest first',
    description: 'At most 100. A dead-lettered delivery says why its last try failed.',
  })
  @ApiParam(subscriptionIdParam)
  @ApiOkResponse({ type: [DeliveryViewDto] })
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  @ApiProblemResponse(
    404,
    'No such subscription that the caller may see (INTEGRATORS.SUBSCRIPTION_NOT_FOUND)',
  )
  deliveries(
    @Param('subscriptionId') subscriptionId: string,
    @CurrentActor() actor: Actor,
  ): Promise<DeliveryView[]> {
    return this.subscriptions.deliveries(actor, subscriptionId);
  }

  @Post(':subscriptionId/replay')
  @HttpCode(202)
  @Jurisdiction(ownerRule)
  @ApiOperation({
    summary: 'Send again from a position; resumes a dead-lettered subscription',
    description:
      'Every matching event at or after `from` is delivered again, in order, under new webhook-ids. A delivery in flight for the old cursor is dropped before its next try.',
  })
  @ApiParam(subscriptionIdParam)
  @ApiAcceptedResponse({
    type: SubscriptionViewDto,
    description: 'Accepted: deliveries resume from there',
  })
  @ApiProblemResponse(400, 'from is missing or not a log position (problem+json naming it)')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'Role not allowed')
  @ApiProblemResponse(
    404,
    'No such subscription that the caller may see (INTEGRATORS.SUBSCRIPTION_NOT_FOUND)',
  )
  @ApiProblemResponse(409, 'The subscription was deleted (INTEGRATORS.SUBSCRIPTION_DELETED)')
  replay(
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: ReplaySubscriptionDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<SubscriptionView> {
    return this.subscriptions.replay(actor, subscriptionId, body.from, ids);
  }
}
