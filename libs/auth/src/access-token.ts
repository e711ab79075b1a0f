import { createSecretKey, type KeyObject } from 'node:crypto';
import jsonwebtoken, { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import type { Actor as KernelActor } from '@sunlight/kernel';
import { isDivisionCode } from '@sunlight/geo';
import { AuthenticationError } from './auth.errors';
import { isRole, roles, type Role } from './roles';
import { scopesProblem } from './scopes';

/** A caller proven by a bearer token: its role is one of `roles`. */
type Actor = KernelActor<Role>;

export const tokenIssuer = 'sunlight';
// Pinned on both sides: a verifier that trusted the token's own `alg` header could be fed `none`.
export const tokenAlgorithm = 'HS256';
export const tokenLifetimeSecondsDefault = 8 * 60 * 60;
// A leaked token is good until it expires and cannot be revoked, so no token lives longer than this.
export const tokenLifetimeSecondsMax = 31 * 24 * 60 * 60;
// Room for clocks of several app instances and the machine running the CLI to disagree slightly.
export const tokenClockToleranceSeconds = 30;
// The same bound the funds deciders apply to `actor.id`.
export const actorIdLengthMax = 128;
export const actorNameLengthMax = 64;
// A real token is a few hundred bytes; anything far longer is not worth handing to the verifier.
export const bearerTokenLengthMax = 4096;

/** The JWT payload of a Sunlight bearer token. */
export interface AccessTokenClaims {
  sub: string;
  role: Role;
  division: string;
  name?: string;
  /** Only on `integrator` tokens: event-type prefixes and maybe `personal-data` (scopes.ts). */
  scopes?: string[];
  iat: number;
  exp: number;
  iss: typeof tokenIssuer;
}

export interface IssueAccessToken {
  /** Checked here: the role must be one of `roles`. */
  actor: KernelActor;
  /** A display name (张三) for logs and screens; never used for decisions. */
  name?: string;
  /** For an `integrator`: the event-type prefixes it reads, and `personal-data` when it may. */
  scopes?: readonly string[];
  lifetimeSeconds?: number;
  nowMs?: number;
}

export interface VerifiedAccessToken {
  actor: Actor;
  name?: string;
  /** Empty for every role but `integrator`. */
  scopes: readonly string[];
  expiresAt: Date;
}

export interface VerifyAccessTokenOptions {
  nowMs?: number;
  /** When given, a token naming a division this returns false for is refused. */
  isKnownDivision?: (code: string) => boolean;
}

/**
 * jsonwebtoken turns a string secret into a key object on every call, first trying to parse it
 * as a public key; that costs more than the whole rest of a request. The key object is built once.
 */
const secretKeys = new Map<string, KeyObject>();
const secretKeysMax = 8;

function secretKeyOf(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (key === undefined) {
    if (secretKeys.size >= secretKeysMax) secretKeys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Signs a token; the caller has validated its input, so a bad one here is a bug and throws. */
export function signAccessToken(secret: string, request: IssueAccessToken): string {
  const { actor, name } = request;
  const scopes = request.scopes ?? [];
  const lifetimeSeconds = request.lifetimeSeconds ?? tokenLifetimeSecondsDefault;
  const issuedAt = Math.floor((request.nowMs ?? Date.now()) / 1000);
  const problem =
    actorIdProblem(actor.id) ??
    (isRole(actor.role) ? undefined : `role must be one of ${roles.join(', ')}`) ??
    (isDivisionCode(actor.division) ? undefined : 'division must be a division code') ??
    (name === undefined ? undefined : actorNameProblem(name)) ??
    scopesProblem(actor.role, scopes) ??
    lifetimeProblem(lifetimeSeconds);
  if (problem !== undefined) throw new RangeError(`Cannot sign an access token: ${problem}`);

  const role = actor.role;
  if (!isRole(role)) throw new RangeError(`Cannot sign an access token: role ${role}`);
  const claims: AccessTokenClaims = {
    sub: actor.id,
    role,
    division: actor.division,
    ...(name === undefined ? {} : { name }),
    ...(scopes.length === 0 ? {} : { scopes: [...scopes] }),
    iat: issuedAt,
    exp: issuedAt + lifetimeSeconds,
    iss: tokenIssuer,
  };
  return jsonwebtoken.sign(claims, secretKeyOf(secret), { algorithm: tokenAlgorithm });
}

/** Checks signature, issuer, expiry and claims; every refusal is an AuthenticationError saying why. */
export function verifyAccessToken(
  secret: string,
  token: string,
  options: VerifyAccessTokenOptions = {},
): VerifiedAccessToken {
  if (token.length > bearerTokenLengthMax) {
    throw new AuthenticationError(
      'invalid-token',
      `The bearer token is longer than ${bearerTokenLengthMax} characters.`,
    );
  }
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const verified = verifiedPayloads.get(secret, token, nowSeconds);
  if (verified !== undefined) return readClaims(verified, options);
  let payload: unknown;
  try {
    payload = jsonwebtoken.verify(token, secretKeyOf(secret), {
      algorithms: [tokenAlgorithm],
      issuer: tokenIssuer,
      clockTimestamp: nowSeconds,
      clockTolerance: tokenClockToleranceSeconds,
    });
  } catch (error) {
    throw explainVerifyFailure(error);
  }
  const claims = readClaims(payload, options);
  verifiedPayloads.set(secret, token, payload as { exp: number });
  return claims;
}

/**
 * Payloads of tokens whose signature and issuer were checked, by secret and exact token text:
 * a client sends the same token with every request, and checking the HMAC and parsing the
 * token again cost a tenth of a cached dashboard read. A hit is still refused once the token
 * expires (it then goes through jsonwebtoken, which says so), and the claims are read again.
 */
class VerifiedPayloads {
  private readonly entries = new Map<string, { exp: number }>();

  constructor(private readonly entriesMax: number) {}

  get(secret: string, token: string, nowSeconds: number): { exp: number } | undefined {
    const payload = this.entries.get(`${secret}\n${token}`);
    // jsonwebtoken's rule: expired once now >= exp + tolerance.
    return payload !== undefined && nowSeconds < payload.exp + tokenClockToleranceSeconds
      ? payload
      : undefined;
  }

  set(secret: string, token: string, payload: { exp: number }): void {
    if (this.entries.size >= this.entriesMax)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(`${secret}\n${token}`, payload);
  }
}

const verifiedPayloads = new VerifiedPayloads(10_000);

/** `Authorization: Bearer <token>` → the token; a missing or differently shaped header is a 401. */
export function parseAuthorizationHeader(header: string | readonly string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new AuthenticationError(
      'authentication-required',
      'No bearer token: send the header "Authorization: Bearer <token>" (issue one with `npx sunlight token`).',
    );
  }
  if (typeof header !== 'string') {
    throw new AuthenticationError(
      'invalid-token',
      'The request carries more than one Authorization header.',
    );
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match === null) {
    throw new AuthenticationError(
      'invalid-token',
      'The Authorization header must have the form "Bearer <token>".',
    );
  }
  return match[1] as string;
}

/** "8h", "30m", "7d", "90s" or a plain number of seconds → seconds, within the allowed lifetime. */
export function parseTokenLifetime(text: string): number {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  const unitSeconds: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
  const seconds =
    match === null ? Number.NaN : Number(match[1]) * (unitSeconds[match[2] as string] as number);
  const problem = Number.isNaN(seconds)
    ? 'must look like 90s, 30m, 8h or 7d'
    : lifetimeProblem(seconds);
  if (problem !== undefined) throw new RangeError(`expires-in ${problem} (got "${text}")`);
  return seconds;
}

function explainVerifyFailure(error: unknown): unknown {
  if (error instanceof TokenExpiredError) {
    return new AuthenticationError(
      'token-expired',
      `The bearer token expired at ${error.expiredAt.toISOString()}; issue a new one.`,
    );
  }
  if (error instanceof NotBeforeError) {
    return new AuthenticationError(
      'invalid-token',
      `The bearer token is not valid before ${error.date.toISOString()}.`,
    );
  }
  if (error instanceof JsonWebTokenError) {
    const reason =
      error.message === 'invalid signature'
        ? "its signature does not match this server's key"
        : error.message.replace(/^jwt /, 'token ');
    return new AuthenticationError('invalid-token', `The bearer token is not valid: ${reason}.`);
  }
  return error;
}

function readClaims(payload: unknown, options: VerifyAccessTokenOptions): VerifiedAccessToken {
  const refuse = (reason: string): never => {
    throw new AuthenticationError('invalid-token', `The bearer token is not valid: ${reason}.`);
  };
  if (typeof payload !== 'object' || payload === null)
    return refuse('its payload is not a JSON object');
  const claims = payload as Partial<Record<keyof AccessTokenClaims, unknown>>;
  // jsonwebtoken accepts tokens without `exp`; a token that never expires is refused here.
  if (typeof claims.exp !== 'number') return refuse('it has no expiry (exp)');
  const idProblem = actorIdProblem(claims.sub);
  if (idProblem !== undefined) return refuse(`sub ${idProblem}`);
  if (!isRole(claims.role))
    return refuse(`role ${JSON.stringify(claims.role)} is not one of ${roles.join(', ')}`);
  const division = claims.division;
  if (!isDivisionCode(division)) return refuse('division is not a division code');
  if (options.isKnownDivision !== undefined && !options.isKnownDivision(division)) {
    return refuse(`division ${division} is not a known division`);
  }
  if (claims.name !== undefined && actorNameProblem(claims.name) !== undefined)
    return refuse('name is not a short string');
  const scopes = claims.scopes ?? [];
  if (!Array.isArray(scopes)) return refuse('scopes is not a list');
  const scopeProblem = scopesProblem(claims.role, scopes);
  if (scopeProblem !== undefined) return refuse(scopeProblem);
  return {
    actor: { id: claims.sub as string, role: claims.role, division },
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    scopes: scopes as string[],
    expiresAt: new Date(claims.exp * 1000),
  };
}

function actorIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.trim() === '' || id.length > actorIdLengthMax) {
    return `must be a non-blank string of at most ${actorIdLengthMax} characters`;
  }
  return undefined;
}

function actorNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '' || name.length > actorNameLengthMax) {
    return `name must be a non-blank string of at most ${actorNameLengthMax} characters`;
  }
  return undefined;
}

function lifetimeProblem(seconds: number): string | undefined {
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > tokenLifetimeSecondsMax) {
    return `must be from 1 second to ${tokenLifetimeSecondsMax / 86400} days`;
  }
  return undefined;
}
