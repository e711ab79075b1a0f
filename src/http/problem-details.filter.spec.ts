// Proves that every kind of failure leaves the API as an RFC 9457 problem+json body with the right status, naming each bad field, that an unreachable read store or a lost or dropped database is a 503 (never a 500), and that unknown errors become a logged 500 that reveals nothing.
import 'reflect-metadata';
import { ConflictException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
  WrongExpectedVersionError,
} from '@sunlight/event-store';
import { AppError } from '@sunlight/kernel';
import { ReadStoreUnavailableError } from '@sunlight/read-store';
import { RequestBodyError } from './json-body';
import { ProblemDetailsFilter } from './problem-details.filter';
import type { ProblemDetails } from './problem-details';
import { createValidationPipe } from './request-validation.error';

class BeneficiaryDto {
  @IsString() @Length(18, 18) idNumber!: string;
}
class MemberDto {
  @IsString() name!: string;
}
class DisbursementDto {
  @IsInt() @Min(1) amountFen!: number;
  @ValidateNested() @Type(() => BeneficiaryDto) beneficiary!: BeneficiaryDto;
  @ValidateNested({ each: true }) @Type(() => MemberDto) members!: MemberDto[];
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: ProblemDetails | undefined;
}

function respond(exception: unknown, url = '/v1/disbursements?token=secret', method = 'POST') {
  const logged: string[] = [];
  const log = (message: unknown) => void logged.push(String(message));
  const filter = new ProblemDetailsFilter({ error: log, warn: log });
  const sent: Sent = { status: 0, headers: {}, body: undefined };
  const response = {
    headersSent: false,
    statusCode: 200,
    setHeader: (name: string, value: string) => void (sent.headers[name.toLowerCase()] = value),
    end: (body?: string) => {
      sent.status = response.statusCode;
      sent.body = body === undefined ? undefined : (JSON.parse(body) as ProblemDetails);
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method, originalUrl: url }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  filter.catch(exception, host);
  return { ...sent, logged };
}

async function validationFailure(body: unknown): Promise<unknown> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: DisbursementDto });
  } catch (error) {
    return error;
  }
  throw new Error('expected validation to fail');
}

describe('ProblemDetailsFilter', () => {
  it('given a body failing validation, when filtered, then 400 names every field with nested paths and unknown fields', async () => {
    const error = await validationFailure({
      amountFen: 0,
      beneficiary: { idNumber: '123', nickname: 'x' },
      members: [{ name: 'a' }, { name: 7 }],
      x: 1,
    });

    const { status, headers, body } = respond(error);

    expect(status).toBe(400);
    expect(headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(body).toMatchObject({
      type: 'https://sunlight.example/problems/request/validation-failed',
      status: 400,
      instance: '/v1/disbursements',
    });
    expect(body?.errors).toEqual(
      expect.arrayContaining([
        { field: 'amountFen', message: 'amountFen must not be less than 1' },
        {
          field: 'beneficiary.idNumber',
          message: 'idNumber must be longer than or equal to 18 characters',
        },
        { field: 'beneficiary.nickname', message: 'property nickname should not exist' },
        { field: 'members[1].name', message: 'name must be a string' },
        { field: 'x', message: 'property x should not exist' },
      ]),
    );
    expect(body?.detail).toContain('beneficiary.idNumber');
  });

  it('given a rejected ID number, when filtered, then the value itself is not echoed', async () => {
    const error = await validationFailure({
      amountFen: 1,
      beneficiary: { idNumber: '53032519900101123' },
      members: [],
    });
    expect(JSON.stringify(respond(error).body)).not.toContain('53032519900101123');
  });

  it('given malformed JSON from the body parser, when filtered, then 400 malformed-json rather than 500', () => {
    const parserError = Object.assign(
      new SyntaxError("Expected property name or '}' in JSON at position 1"),
      {
        status: 400,
        statusCode: 400,
        type: 'entity.parse.failed',
        expose: true,
      },
    );

    for (const error of [
      parserError,
      new RequestBodyError(400, 'entity.parse.failed', parserError.message),
    ]) {
      const { status, body } = respond(error);
      expect(status).toBe(400);
      expect(body).toMatchObject({
        type: 'https://sunlight.example/problems/request/malformed-json',
        status: 400,
      });
      expect(body?.detail).toContain('position 1');
    }
  });

  it('given a body over the limit, when filtered, then 413', () => {
    const { status, body } = respond(
      new RequestBodyError(413, 'entity.too.large', 'request entity too large'),
    );
    expect(status).toBe(413);
    expect(body?.type).toBe('https://sunlight.example/problems/request/body-too-large');
  });

  it('given a Nest HttpException, when filtered, then its status with about:blank and the status phrase', () => {
    expect(respond(new NotFoundException('Cannot GET /nope')).body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /nope',
      instance: '/v1/disbursements',
    });
    expect(respond(new ConflictException()).status).toBe(409);
  });

  it('given a domain error with httpStatus and code, when filtered, then its status and a type derived from the code', () => {
    class OverdraftError extends AppError {
      readonly httpStatus = 422;
      readonly code = 'FUNDS.OVERDRAFT';
      override readonly title = 'The fund pool cannot cover this allocation';
      constructor() {
        super('Pool 5303 has 100 fen, 500 requested');
      }
    }
    const overdraft = new OverdraftError();

    expect(respond(overdraft).body).toEqual({
      type: 'https://sunlight.example/problems/funds/overdraft',
      title: 'The fund pool cannot cover this allocation',
      status: 422,
      detail: 'Pool 5303 has 100 fen, 500 requested',
      instance: '/v1/disbursements',
    });
  });

  it('given a domain error with a nonsense status, when filtered, then it is a logged 500', () => {
    class OopsError extends AppError {
      readonly httpStatus = 200;
      readonly code = 'TEST.OOPS';
      constructor() {
        super('x');
      }
    }
    const { status, logged } = respond(new OopsError());
    expect(status).toBe(500);
    expect(logged).toHaveLength(1);
  });

  it('given a concurrent write, when filtered, then 409 wrong-expected-version', () => {
    const { status, body } = respond(new WrongExpectedVersionError('pool-5303', 3n, 4n));
    expect(status).toBe(409);
    expect(body?.type).toBe('https://sunlight.example/problems/event-store/wrong-expected-version');
    expect(body?.detail).toContain('pool-5303');
  });

  it('given an invalid append, when filtered, then 400 naming the field', () => {
    const { status, body } = respond(
      new InvalidAppendError('events[0].type', 'must not start with $'),
    );
    expect(status).toBe(400);
    expect(body?.errors).toEqual([{ field: 'events[0].type', message: 'must not start with $' }]);
  });

  it('given the event store is unreachable, when filtered, then 503 with Retry-After and no internals', () => {
    const { status, headers, body, logged } = respond(
      new EventStoreUnavailableError('connect ECONNREFUSED 10.0.0.5:5432'),
    );
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('5');
    expect(body?.detail).not.toContain('10.0.0.5');
    expect(logged).toHaveLength(1);
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is shutting down'],
    ['08006', 'connection failure'],
    [undefined, 'Connection terminated unexpectedly'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['3D000', 'database "sunlight" does not exist'],
  ])(
    'given a raw driver error %s (%s) that escaped an adapter, when filtered, then the event store 503, not a 500',
    (code, message) => {
      const error = Object.assign(new Error(message), code === undefined ? {} : { code });
      const { status, headers, body, logged } = respond(error);
      expect(status).toBe(503);
      expect(headers['retry-after']).toBe('5');
      expect(body).toMatchObject({
        type: 'https://sunlight.example/problems/event-store/unavailable',
        status: 503,
      });
      expect(body?.detail).toContain('repeating a command with the same id is safe');
      expect(logged).toHaveLength(1);
    },
  );

  it('given the read store is unreachable, when filtered, then 503 read-store/unavailable with Retry-After and no internals', () => {
    const { status, headers, body, logged } = respond(
      new ReadStoreUnavailableError(
        'could not connect to the read store: connect ECONNREFUSED 10.0.0.7:5432',
      ),
      '/api/v1/dashboards/53',
      'GET',
    );
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('5');
    expect(body).toMatchObject({
      type: 'https://sunlight.example/problems/read-store/unavailable',
      status: 503,
    });
    expect(body?.detail).not.toContain('10.0.0.7');
    expect(logged).toHaveLength(1);
  });

  it('given a lost connection on a read, when filtered, then 503 saying nothing was changed', () => {
    const error = Object.assign(new Error('database "x" does not exist'), { code: '3D000' });
    const { status, body } = respond(error, '/api/v1/history/person/1', 'GET');
    expect(status).toBe(503);
    expect(body?.detail).toContain('nothing was changed');
  });

  it('given a driver error about the statement itself, when filtered, then still a 500', () => {
    const error = Object.assign(new Error('relation "events" does not exist'), { code: '42P01' });
    expect(respond(error).status).toBe(500);
  });

  it('given an unknown error, when filtered, then a generic 500 that is logged and reveals nothing', () => {
    const { status, body, logged } = respond(new TypeError('password=hunter2 is not a function'));
    expect(status).toBe(500);
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
    });
    expect(body?.detail).not.toContain('hunter2');
    expect(logged[0]).toContain('TypeError');
  });

  it('given a non-Error value thrown, when filtered, then still a 500 problem', () => {
    expect(respond('just a string').status).toBe(500);
  });
});
