// Proves that the auth errors become the problem+json bodies clients rely on: 401 authentication-required / invalid-token / token-expired, 403 forbidden-role and forbidden-jurisdiction, each with a title and a detail naming the reason.
import { ProblemDetailsFilter } from './problem-details.filter';
import {
  AuthenticationError,
  ForbiddenJurisdictionError,
  ForbiddenRoleError,
} from '@sunlight/auth';

const filter = new ProblemDetailsFilter({ error: () => undefined, warn: () => undefined });
const problemOf = (error: Error) => filter.toProblem(error, { method: 'GET', url: '/api/v1/x' });

describe('auth errors as problem+json', () => {
  it.each([
    ['authentication-required', 'A bearer token is required'],
    ['invalid-token', 'The bearer token is not valid'],
    ['token-expired', 'The bearer token has expired'],
  ] as const)('given AuthenticationError %s, then a 401 of that type', (code, title) => {
    expect(problemOf(new AuthenticationError(code, 'why'))).toEqual({
      type: `https://sunlight.example/problems/auth/${code}`,
      title,
      status: 401,
      detail: 'why',
    });
  });

  it('given ForbiddenRoleError, then a 403 forbidden-role naming the role and the roles allowed', () => {
    expect(problemOf(new ForbiddenRoleError('bank', ['finance']))).toEqual({
      type: 'https://sunlight.example/problems/auth/forbidden-role',
      title: 'Your role may not do this',
      status: 403,
      detail: 'Role "bank" may not call this route; it needs one of: finance, admin.',
    });
  });

  it('given ForbiddenJurisdictionError, then a 403 forbidden-jurisdiction', () => {
    expect(
      problemOf(
        new ForbiddenJurisdictionError(
          '530302',
          '530325',
          'Division 530302 (麒麟区) is outside your jurisdiction 530325 (富源县).',
        ),
      ),
    ).toEqual({
      type: 'https://sunlight.example/problems/auth/forbidden-jurisdiction',
      title: 'The division is outside your jurisdiction',
      status: 403,
      detail: 'Division 530302 (麒麟区) is outside your jurisdiction 530325 (富源县).',
    });
  });
});
