// Proves that the global guard lets @Public() routes through, refuses a missing or bad token with 401 and a WWW-Authenticate header, attaches the actor, and enforces @Roles with admin passing every check.
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { signAccessToken } from './access-token';
import type { Actor } from '@sunlight/kernel';
import { actorOf, Public, Roles, type RequestWithActor } from './auth.decorators';
import { AuthenticationError, ForbiddenRoleError } from './auth.errors';
import { AuthGuard } from './auth.guard';
import type { Role } from './roles';

const secret = 'g'.repeat(48);
const knownDivisions = new Set(['53', '5303', '530325']);

class OpenRoutes {
  any() {}
  @Public()
  health() {}
  @Roles('approver')
  approve() {}
}

@Roles('finance')
class FinanceRoutes {
  allocate() {}
  @Roles('bank')
  settle() {}
}

@Public()
class PublicRoutes {
  portal() {}
}

interface Call {
  request: RequestWithActor & { headers: Record<string, string | undefined> };
  headers: Record<string, string>;
  run: () => boolean;
}

function call(controller: new () => object, handler: string, authorization?: string): Call {
  const request = { headers: { authorization } };
  const headers: Record<string, string> = {};
  const response = { setHeader: (name: string, value: string) => void (headers[name] = value) };
  const context = {
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  const guard = new AuthGuard(new Reflector(), secret, { has: (code) => knownDivisions.has(code) });
  return { request, headers, run: () => guard.canActivate(context) };
}

function bearer(role: Role, division = '530325'): string {
  return `Bearer ${signAccessToken(secret, { actor: { id: `user-${role}`, role, division } })}`;
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the guard to throw');
}

describe('AuthGuard', () => {
  it('given a @Public() handler or controller, when called without a token, then it passes and no actor is attached', () => {
    for (const route of [call(OpenRoutes, 'health'), call(PublicRoutes, 'portal')]) {
      expect(route.run()).toBe(true);
      expect(route.request.actor).toBeUndefined();
    }
  });

  it('given no token, when a guarded route is called, then 401 authentication-required with a bare Bearer challenge', () => {
    const route = call(OpenRoutes, 'any');

    expect(thrownBy(route.run)).toMatchObject({
      httpStatus: 401,
      code: 'AUTH.AUTHENTICATION_REQUIRED',
    });
    expect(route.headers['WWW-Authenticate']).toBe('Bearer realm="sunlight"');
  });

  it('given a forged token, when called, then 401 invalid-token with an invalid_token challenge', () => {
    const forged = `Bearer ${signAccessToken('f'.repeat(48), { actor: { id: 'u1', role: 'admin', division: '53' } })}`;
    const route = call(OpenRoutes, 'any', forged);

    const error = thrownBy(route.run);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
    expect(route.headers['WWW-Authenticate']).toBe(
      'Bearer realm="sunlight", error="invalid_token", error_description="The bearer token is not valid"',
    );
  });

  it('given a token for a division the registry does not know, when called, then 401 invalid-token', () => {
    expect(thrownBy(call(OpenRoutes, 'any', bearer('finance', '539999')).run)).toMatchObject({
      code: 'AUTH.INVALID_TOKEN',
    });
  });

  it('given a valid token and no @Roles, when called, then any role passes and the actor is attached', () => {
    const route = call(OpenRoutes, 'any', bearer('village_staff'));

    expect(route.run()).toBe(true);
    expect(actorOf(route.request)).toEqual<Actor>({
      id: 'user-village_staff',
      role: 'village_staff',
      division: '530325',
    });
  });

  it('given @Roles on the handler, when another role calls, then 403 forbidden-role naming the roles allowed', () => {
    const error = thrownBy(call(OpenRoutes, 'approve', bearer('finance')).run);

    expect(error).toBeInstanceOf(ForbiddenRoleError);
    expect(error).toMatchObject({ httpStatus: 403, code: 'AUTH.FORBIDDEN_ROLE' });
    expect((error as Error).message).toBe(
      'Role "finance" may not call this route; it needs one of: approver, admin.',
    );
  });

  it('given @Roles on the controller, when its role or admin calls, then they pass and others get 403', () => {
    expect(call(FinanceRoutes, 'allocate', bearer('finance')).run()).toBe(true);
    expect(call(FinanceRoutes, 'allocate', bearer('admin', '53')).run()).toBe(true);
    expect(thrownBy(call(FinanceRoutes, 'allocate', bearer('commission')).run)).toBeInstanceOf(
      ForbiddenRoleError,
    );
  });

  it("given @Roles on both, when called, then the handler's list replaces the controller's", () => {
    expect(call(FinanceRoutes, 'settle', bearer('bank')).run()).toBe(true);
    expect(thrownBy(call(FinanceRoutes, 'settle', bearer('finance')).run)).toBeInstanceOf(
      ForbiddenRoleError,
    );
  });

  it('given a route without an actor, when the actor is asked for, then it is a wiring bug and throws', () => {
    expect(() => actorOf({})).toThrow('@CurrentActor() used on a route that is not authenticated');
  });
});
