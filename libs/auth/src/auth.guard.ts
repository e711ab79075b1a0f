import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { DivisionRegistry } from '@sunlight/geo';
import { DIVISION_REGISTRY } from '@sunlight/geo';
import { parseAuthorizationHeader, verifyAccessToken } from './access-token';
import type { Actor as KernelActor } from '@sunlight/kernel';
import { IS_PUBLIC_KEY, ROLES_KEY, type RequestWithActor } from './auth.decorators';
import { AuthenticationError, ForbiddenRoleError } from './auth.errors';
import { ACCESS_TOKEN_SECRET } from './auth.tokens';
import { isRoleAllowed, type Role } from './roles';

/** A caller proven by a bearer token: its role is one of `roles`. */
type Actor = KernelActor<Role>;

interface GuardedRequest extends RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
}
interface GuardedResponse {
  setHeader(name: string, value: string): unknown;
}

export const authRealm = 'sunlight';

/**
 * The app-wide guard (APP_GUARD): every route needs a valid bearer token unless it is marked
 * `@Public()`, and a route marked `@Roles(...)` also needs one of those roles. Failures are
 * typed errors that the problem+json filter turns into 401 or 403 bodies.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_TOKEN_SECRET) private readonly secret: string,
    @Inject(DIVISION_REGISTRY) private readonly registry: Pick<DivisionRegistry, 'has'>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true)
      return true;

    const http = context.switchToHttp();
    const request = http.getRequest<GuardedRequest>();
    let actor: Actor;
    try {
      ({ actor, scopes: request.scopes } = this.authenticate(request.headers.authorization));
    } catch (error) {
      if (error instanceof AuthenticationError) {
        http.getResponse<GuardedResponse>().setHeader('WWW-Authenticate', wwwAuthenticate(error));
      }
      throw error;
    }
    request.actor = actor;

    const allowedRoles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(
      ROLES_KEY,
      targets,
    );
    if (allowedRoles !== undefined && !isRoleAllowed(actor.role, allowedRoles)) {
      throw new ForbiddenRoleError(actor.role, allowedRoles);
    }
    return true;
  }

  private authenticate(header: string | string[] | undefined): {
    actor: Actor;
    scopes: readonly string[];
  } {
    const token = parseAuthorizationHeader(header);
    return verifyAccessToken(this.secret, token, {
      isKnownDivision: (code) => this.registry.has(code),
    });
  }
}

/** RFC 6750 §3: no error code when no token was sent, `invalid_token` when one was and failed. */
export function wwwAuthenticate(error: AuthenticationError): string {
  if (error.failure === 'authentication-required') return `Bearer realm="${authRealm}"`;
  // The description is a fixed title: header values must not carry quotes from a client's token.
  return `Bearer realm="${authRealm}", error="invalid_token", error_description="${error.title}"`;
}
