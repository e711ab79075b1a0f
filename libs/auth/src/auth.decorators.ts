import {
  applyDecorators,
  createParamDecorator,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Actor as KernelActor } from '@sunlight/kernel';
import type { Role } from './roles';

/** A caller proven by a bearer token: its role is one of `roles`. */
type Actor = KernelActor<Role>;

export const IS_PUBLIC_KEY = 'sunlight:isPublic';
export const ROLES_KEY = 'sunlight:roles';

/** Exempts a route or controller from authentication: health, metrics and, later, the public portal. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(publicExtension, true));

/** The OpenAPI extension marking an operation that needs no bearer token. */
export const publicExtension = 'x-sunlight-public';

/**
 * Limits a route or controller to these roles; `admin` passes every check. A handler's list
 * replaces its controller's. Without `@Roles`, any authenticated role may call the route.
 */
export function Roles(...allowedRoles: [Role, ...Role[]]): MethodDecorator & ClassDecorator {
  if (allowedRoles.length === 0) throw new Error('@Roles() needs at least one role');
  // The OpenAPI document carries the roles too: its 403 answers and the security matrix
  // (test/security-matrix.e2e.spec.ts) are derived from them.
  return applyDecorators(
    SetMetadata(ROLES_KEY, allowedRoles),
    ApiExtension(rolesExtension, allowedRoles),
  );
}

/** The OpenAPI extension on each operation naming the roles `@Roles` admits. */
export const rolesExtension = 'x-sunlight-roles';
/** The OpenAPI extension on each operation saying how its jurisdiction is checked. */
export const jurisdictionExtension = 'x-sunlight-jurisdiction';

/**
 * How a route keeps a caller to its jurisdiction (the check itself is in the handler); declared
 * on every route under /api/v1 so that the security matrix knows which divisions to try:
 * - `division`: a division code in the path, query or body (`name` is a dotted body path) must lie in it;
 * - `stream`: the stream named in the path must belong to a division in it (the StreamCatalog);
 * - `transfer`: the pool that holds the transfer named in the path must lie in it;
 * - `event`: the stream of the event at the log position in the query must be readable by it;
 * - `owner`: the record names who may see it; anyone else is told it does not exist (404);
 * - `caller`: nothing is named; answers are filtered to the caller's own jurisdiction;
 * - `none`: published to every authenticated caller (`why` says why).
 */
export type JurisdictionRule =
  | {
      kind: 'division';
      in: 'path' | 'query' | 'body';
      name: string;
      /** The level the code must have, when the route takes only one (a village). */
      level?: 'village';
      /** How the value embeds the code, when it is not the bare code: `hh-{code}-1`. */
      template?: string;
      /** Other body fields that must agree with the code, by dotted path: `{ householdId: 'hh-{code}-1' }`. */
      also?: Record<string, string>;
    }
  | { kind: 'event'; name: string }
  | { kind: 'owner'; why: string }
  | { kind: 'stream'; name: string }
  | { kind: 'transfer'; name: string }
  | { kind: 'caller' }
  | { kind: 'none'; why: string };

export function Jurisdiction(rule: JurisdictionRule): MethodDecorator & ClassDecorator {
  return ApiExtension(jurisdictionExtension, rule);
}

/** Where the guard leaves the authenticated caller on the request. */
export interface RequestWithActor {
  actor?: Actor;
  /** The token's scopes (only an integrator's has any). */
  scopes?: readonly string[];
}

export function actorOf(request: RequestWithActor): Actor {
  // Only a @Public() route reaches a handler without an actor; asking for one there is a wiring bug.
  if (request.actor === undefined)
    throw new Error('@CurrentActor() used on a route that is not authenticated');
  return request.actor;
}

/** The authenticated caller: `handler(@CurrentActor() actor: Actor)`. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor =>
    actorOf(context.switchToHttp().getRequest<RequestWithActor>()),
);

/** The authenticated caller's token scopes (empty but for an `integrator`): `handler(@CurrentScopes() scopes)`. */
export const CurrentScopes = createParamDecorator(
  (_data: unknown, context: ExecutionContext): readonly string[] => {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    actorOf(request);
    return request.scopes ?? [];
  },
);
