import type { Role } from './roles';

/*
 * These errors meet the problem+json filter's HttpMappedError contract (`httpStatus` and `code`),
 * so they stay plain classes that pure helpers can throw without importing Nest.
 */

export type AuthenticationFailure = 'authentication-required' | 'invalid-token' | 'token-expired';

const authenticationTitles: Readonly<Record<AuthenticationFailure, string>> = {
  'authentication-required': 'A bearer token is required',
  'invalid-token': 'The bearer token is not valid',
  'token-expired': 'The bearer token has expired',
};

/** 401: the caller did not prove who they are; `code` says whether the token was missing, bad or old. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  readonly httpStatus = 401;
  readonly title: string;

  constructor(
    readonly code: AuthenticationFailure,
    message: string,
  ) {
    super(message);
    this.title = authenticationTitles[code];
  }
}

/** 403: the caller is known, but no role allowed on this route is theirs. */
export class ForbiddenRoleError extends Error {
  override readonly name = 'ForbiddenRoleError';
  readonly httpStatus = 403;
  readonly code = 'forbidden-role';
  readonly title = 'Your role may not do this';

  constructor(
    readonly role: Role,
    readonly allowedRoles: readonly Role[],
  ) {
    super(
      `Role "${role}" may not call this route; it needs one of: ${[...allowedRoles, 'admin'].join(', ')}.`,
    );
  }
}

/** 403: the target division lies outside the caller's jurisdiction (管辖范围). */
export class ForbiddenJurisdictionError extends Error {
  override readonly name = 'ForbiddenJurisdictionError';
  readonly httpStatus = 403;
  readonly code = 'forbidden-jurisdiction';
  readonly title = 'The division is outside your jurisdiction';

  constructor(
    readonly divisionCode: string,
    readonly jurisdictionCode: string,
    message: string,
  ) {
    super(message);
  }
}
