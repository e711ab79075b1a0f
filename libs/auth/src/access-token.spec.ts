// Proves that bearer tokens are signed HS256 with the Sunlight claims, and that verification refuses a missing, malformed, forged, expired, unsigned or wrongly-claimed token with a 401 naming the reason.
import { createHmac } from 'node:crypto';
import {
  parseAuthorizationHeader,
  parseTokenLifetime,
  signAccessToken,
  tokenClockToleranceSeconds,
  tokenLifetimeSecondsDefault,
  verifyAccessToken,
} from './access-token';
import type { Actor } from '@sunlight/kernel';
import { AuthenticationError } from './auth.errors';

const secret = 's'.repeat(48);
const nowMs = Date.UTC(2025, 0, 15, 9, 0, 0);
const actor: Actor = { id: 'u1', role: 'finance', division: '530325' };

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(token.split('.')[index] as string, 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
}

/** Builds a token by hand, so tests can produce what `signAccessToken` refuses to. */
function handMadeToken(header: object, payload: object, key = secret): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

function failureOf(run: () => unknown): AuthenticationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('expected an AuthenticationError');
}

const iat = nowMs / 1000;
const validClaims = {
  sub: 'u1',
  role: 'finance',
  division: '530325',
  iat,
  exp: iat + 3600,
  iss: 'sunlight',
};

describe('signAccessToken', () => {
  it('given an actor, when signed, then the token is HS256 with sub, role, division, name, iat, exp and iss', () => {
    const token = signAccessToken(secret, { actor, name: '张三', nowMs });

    expect(decodePart(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodePart(token, 1)).toEqual({
      sub: 'u1',
      role: 'finance',
      division: '530325',
      name: '张三',
      iat,
      exp: iat + tokenLifetimeSecondsDefault,
      iss: 'sunlight',
    });
  });

  it.each([
    [{ ...actor, id: ' ' }, /actor.id|non-blank/],
    [{ ...actor, role: 'public' }, /role must be one of/],
    [{ ...actor, division: '53-03' }, /division must be a division code/],
  ])(
    'given an invalid actor %j, when signed, then it throws instead of issuing',
    (badActor, message) => {
      expect(() => signAccessToken(secret, { actor: badActor as Actor, nowMs })).toThrow(message);
    },
  );

  it('given a lifetime beyond the maximum, when signed, then it throws', () => {
    expect(() => signAccessToken(secret, { actor, lifetimeSeconds: 400 * 86400, nowMs })).toThrow(
      /from 1 second to 31 days/,
    );
  });
});

describe('verifyAccessToken', () => {
  it('given a token it signed, when verified, then the actor, name and expiry come back', () => {
    const token = signAccessToken(secret, { actor, name: '张三', lifetimeSeconds: 3600, nowMs });

    expect(verifyAccessToken(secret, token, { nowMs: nowMs + 1000 })).toEqual({
      actor,
      name: '张三',
      scopes: [],
      expiresAt: new Date(nowMs + 3600 * 1000),
    });
  });

  it('given an integrator token with scopes, when verified, then its scopes come back', () => {
    const integrator: Actor = { id: 'bank-1', role: 'integrator', division: '53' };
    const token = signAccessToken(secret, {
      actor: integrator,
      scopes: ['Disbursement', 'personal-data'],
      nowMs,
    });

    expect(decodePart(token, 1)).toMatchObject({ scopes: ['Disbursement', 'personal-data'] });
    expect(verifyAccessToken(secret, token, { nowMs })).toMatchObject({
      actor: integrator,
      scopes: ['Disbursement', 'personal-data'],
    });
  });

  it('given scopes on a finance actor or none on an integrator, when signed, then it throws', () => {
    expect(() => signAccessToken(secret, { actor, scopes: ['Disbursement'], nowMs })).toThrow(
      /only an integrator token carries scopes/,
    );
    expect(() =>
      signAccessToken(secret, { actor: { ...actor, role: 'integrator' }, nowMs }),
    ).toThrow(/at least one event-type scope/);
  });

  it('given a token signed with another key, when verified, then invalid-token says the signature does not match', () => {
    const token = signAccessToken('x'.repeat(48), { actor, nowMs });

    const failure = failureOf(() => verifyAccessToken(secret, token, { nowMs }));

    expect(failure).toMatchObject({ httpStatus: 401, code: 'AUTH.INVALID_TOKEN' });
    expect(failure.message).toContain("signature does not match this server's key");
  });

  it('given an expired token, when verified past the clock tolerance, then token-expired names the expiry time', () => {
    const token = signAccessToken(secret, { actor, lifetimeSeconds: 60, nowMs });
    const expiredAtMs = nowMs + 60_000;

    expect(
      verifyAccessToken(secret, token, {
        nowMs: expiredAtMs + (tokenClockToleranceSeconds - 1) * 1000,
      }).actor,
    ).toEqual(actor);
    const failure = failureOf(() =>
      verifyAccessToken(secret, token, {
        nowMs: expiredAtMs + (tokenClockToleranceSeconds + 1) * 1000,
      }),
    );

    expect(failure).toMatchObject({
      httpStatus: 401,
      code: 'AUTH.TOKEN_EXPIRED',
      title: 'The bearer token has expired',
    });
    expect(failure.message).toContain(new Date(expiredAtMs).toISOString());
  });

  it.each([
    ['garbage', 'not-a-jwt', /token malformed/],
    [
      'alg none',
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(validClaims)).toString('base64url')}.`,
      /not valid/,
    ],
    [
      'another algorithm',
      handMadeToken({ alg: 'HS512', typ: 'JWT' }, validClaims),
      /invalid algorithm/,
    ],
    [
      'another issuer',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, iss: 'elsewhere' }),
      /issuer invalid/,
    ],
    [
      'no expiry',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, exp: undefined }),
      /no expiry \(exp\)/,
    ],
    [
      'no subject',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, sub: '' }),
      /sub must be a non-blank string/,
    ],
    [
      'the public role',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, role: 'public' }),
      /role "public" is not one of/,
    ],
    [
      'a malformed division',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, division: 'yunnan' }),
      /division is not a division code/,
    ],
    [
      'an integrator without scopes',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, role: 'integrator' }),
      /at least one event-type scope/,
    ],
    [
      'scopes on a finance token',
      handMadeToken({ alg: 'HS256', typ: 'JWT' }, { ...validClaims, scopes: ['Disbursement'] }),
      /only an integrator token carries scopes/,
    ],
    [
      'scopes that are not a list',
      handMadeToken(
        { alg: 'HS256', typ: 'JWT' },
        { ...validClaims, role: 'integrator', scopes: 'Disbursement' },
      ),
      /scopes is not a list/,
    ],
    [
      'a malformed scope',
      handMadeToken(
        { alg: 'HS256', typ: 'JWT' },
        { ...validClaims, role: 'integrator', scopes: ['Disbursement', 'a b'] },
      ),
      /scope "a b" is neither/,
    ],
    ['an oversized token', 'x'.repeat(5000), /longer than 4096 characters/],
  ])('given %s, when verified, then invalid-token explains why', (_case, token, message) => {
    const failure = failureOf(() => verifyAccessToken(secret, token, { nowMs }));

    expect(failure).toMatchObject({ httpStatus: 401, code: 'AUTH.INVALID_TOKEN' });
    expect(failure.message).toMatch(message);
  });

  // Verified tokens are remembered (by secret and token text); a repeat must not skip any check.
  it('given a token already verified, when verified under another key, then the signature is checked again and refused', () => {
    const token = signAccessToken(secret, { actor, nowMs });
    expect(verifyAccessToken(secret, token, { nowMs }).actor).toEqual(actor);

    const failure = failureOf(() => verifyAccessToken('y'.repeat(48), token, { nowMs }));

    expect(failure).toMatchObject({ httpStatus: 401, code: 'AUTH.INVALID_TOKEN' });
    expect(failure.message).toContain("signature does not match this server's key");
  });

  it('given a token already verified, when verified against a registry without its division, then the claims are read again and refused', () => {
    const token = signAccessToken(secret, { actor: { ...actor, division: '539998' }, nowMs });
    expect(verifyAccessToken(secret, token, { nowMs }).actor.division).toBe('539998');

    const failure = failureOf(() =>
      verifyAccessToken(secret, token, { nowMs, isKnownDivision: (code) => code !== '539998' }),
    );

    expect(failure.message).toContain('division 539998 is not a known division');
  });

  it('given a token already verified, when one character of its signature changes, then it is refused', () => {
    const token = signAccessToken(secret, { actor, nowMs });
    expect(verifyAccessToken(secret, token, { nowMs }).actor).toEqual(actor);
    const last = token[token.length - 2] === 'A' ? 'B' : 'A';
    const forged = `${token.slice(0, -2)}${last}${token.slice(-1)}`;

    expect(failureOf(() => verifyAccessToken(secret, forged, { nowMs }))).toMatchObject({
      httpStatus: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
  });

  it('given a division the registry does not know, when verified, then invalid-token names the division', () => {
    const token = signAccessToken(secret, { actor: { ...actor, division: '539999' }, nowMs });

    const failure = failureOf(() =>
      verifyAccessToken(secret, token, { nowMs, isKnownDivision: (code) => code !== '539999' }),
    );

    expect(failure.message).toContain('division 539999 is not a known division');
  });
});

describe('parseAuthorizationHeader', () => {
  it('given "Bearer <token>" in any case, when parsed, then the token comes back', () => {
    expect(parseAuthorizationHeader('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(parseAuthorizationHeader('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('given no header, when parsed, then authentication-required', () => {
    expect(failureOf(() => parseAuthorizationHeader(undefined))).toMatchObject({
      httpStatus: 401,
      code: 'AUTH.AUTHENTICATION_REQUIRED',
    });
  });

  it.each([['Basic dTE6cHc='], ['Bearer'], ['Bearer a b']])(
    'given %j, when parsed, then invalid-token',
    (header) => {
      expect(failureOf(() => parseAuthorizationHeader(header))).toMatchObject({
        code: 'AUTH.INVALID_TOKEN',
      });
    },
  );
});

describe('parseTokenLifetime', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['8h', 28800],
    ['7d', 604800],
    ['3600', 3600],
  ])('given %s, when parsed, then %d seconds', (text, seconds) => {
    expect(parseTokenLifetime(text)).toBe(seconds);
  });

  it.each([['0s'], ['8 hours'], ['-1h'], ['32d'], ['']])(
    'given %j, when parsed, then a RangeError naming expires-in',
    (text) => {
      expect(() => parseTokenLifetime(text)).toThrow(/^expires-in /);
    },
  );
});
