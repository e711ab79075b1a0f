import { AppError } from '@sunlight/kernel';
import type { Role } from './roles';

/** Why a caller was not authenticated: no token, a bad one, or an old one. */
export type AuthenticationFailure = 'authentication-required' | 'invalid-token' | 'token-expired';

const authenticationCodes: Readonly<Record<AuthenticationFailure, string>> = {
  'authentication-required': 'AUTH.AUTHENTICATION_REQUIRED',
  'invalid-token': 'AUTH.INVALID_TOKEN',
  'token-expired': 'AUTH.TOKEN_EXPIRED',
};

const authenticationTitles: Readonly<Record<AuthenticationFailure, string>> = {
  'authentication-required': 'A bearer token is required',
  'invalid-token': 'The bearer token is not valid',
  'token-expired': 'The bearer token has expired',
};

/** 401: the caller did not prove who they are; `failure` says whether the token was missing, bad or old. */
export class AuthenticationError extends AppError {
  override readonly name = 'AuthenticationError';
  readonly httpStatus = 401;
  readonly code: string;
  override readonly title: string;

  constructor(
    readonly failure: AuthenticationFailure,
    message: string,
  ) {
    super(message);
    this.code = authenticationCodes[failure];
    this.title = authenticationTitles[failure];
  }
}

/** 403: the caller is known, but no role allowed on this route is theirs. */
export class ForbiddenRoleError extends AppError {
  override readonly name = 'ForbiddenRoleError';
  readonly httpStatus = 403;
  readonly code = 'AUTH.FORBIDDEN_ROLE';
  override readonly title = 'Your role may not do this';

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
export class ForbiddenJurisdictionError extends AppError {
  override readonly name = 'ForbiddenJurisdictionError';
  readonly httpStatus = 403;
  readonly code = 'AUTH.FORBIDDEN_JURISDICTION';
  override readonly title = 'The division is outside your jurisdiction';

  constructor(
    readonly divisionCode: string,
    readonly jurisdictionCode: string,
    message: string,
  ) {
    super(message);
  }
}
