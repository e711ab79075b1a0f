import {
  createParamDecorator,
  SetMetadata,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { Actor as KernelActor } from '@sunlight/kernel';
import type { Role } from './roles';

/** A caller proven by a bearer token: its role is one of `roles`. */
type Actor = KernelActor<Role>;

export const IS_PUBLIC_KEY = 'sunlight:isPublic';
export const ROLES_KEY = 'sunlight:roles';

/** Exempts a route or controller from authentication: health, metrics and, later, the public portal. */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Limits a route or controller to these roles; `admin` passes every check. A handler's list
 * replaces its controller's. Without `@Roles`, any authenticated role may call the route.
 */
export function Roles(...allowedRoles: [Role, ...Role[]]): CustomDecorator<string> {
  if (allowedRoles.length === 0) throw new Error('@Roles() needs at least one role');
  return SetMetadata(ROLES_KEY, allowedRoles);
}

/** Where the guard leaves the authenticated caller on the request. */
export interface RequestWithActor {
  actor?: Actor;
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
