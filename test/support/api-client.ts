import type { IncomingMessage, Server } from 'node:http';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { observed, openApiValidatorOf } from './openapi-validation';

export const apiPrefix = '/api/v1';

export interface ActorClient {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
  /** A multipart/form-data POST: the text fields first, then each file part. */
  postForm(
    path: string,
    fields: Record<string, string>,
    files: Record<string, FormFile>,
  ): request.Test;
}

export interface FormFile {
  bytes: Buffer;
  fileName: string;
}

/** A caller of the tests; an integrator's token carries `scopes` (by default `Disbursement`). */
export type TestActor = Actor & { scopes?: readonly string[] };

/**
 * `as(user).post(path, body)`: requests under /api/v1 carrying a bearer token for `user`.
 * Tokens are signed once per user, so a scenario with fifty approvers stays cheap.
 */
export function actorClients(server: Server, jwtSecret: string): (actor: TestActor) => ActorClient {
  const tokens = new Map<string, string>();
  const authorization = (actor: TestActor): string => {
    const scopes = actor.scopes ?? (actor.role === 'integrator' ? ['Disbursement'] : []);
    const key = `${actor.id}/${actor.role}/${actor.division}/${scopes.join(',')}`;
    let token = tokens.get(key);
    if (token === undefined) {
      const subject = { id: actor.id, role: actor.role, division: actor.division };
      token = `Bearer ${signAccessToken(jwtSecret, { actor: subject, scopes })}`;
      tokens.set(key, token);
    }
    return token;
  };
  return (actor) => ({
    get: (path) =>
      documented(
        server,
        request(server).get(`${apiPrefix}${path}`).set('Authorization', authorization(actor)),
      ),
    post: (path, body = {}) =>
      documented(
        server,
        request(server)
          .post(`${apiPrefix}${path}`)
          .set('Authorization', authorization(actor))
          .send(body),
      ),
    delete: (path) =>
      documented(
        server,
        request(server).delete(`${apiPrefix}${path}`).set('Authorization', authorization(actor)),
      ),
    postForm: (path, fields, files) => {
      let call = request(server)
        .post(`${apiPrefix}${path}`)
        .set('Authorization', authorization(actor));
      for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
      for (const [name, file] of Object.entries(files))
        call = call.attach(name, file.bytes, file.fileName);
      return documented(server, call);
    },
  });
}

/**
 * For a route answering an endless text/event-stream (the SSE feed): the answer ends at its first
 * message, so a suite that tries every route gets the status, headers and first block and goes
 * on; any other answer (a problem+json refusal) is read whole and parsed as JSON.
 */
export function untilFirstMessage(test: request.Test): request.Test {
  return test.buffer(true).parse((res, callback) => {
    const response = res as unknown as IncomingMessage & { text?: string };
    const isEventStream = /^text\/event-stream/.test(String(response.headers['content-type']));
    let text = '';
    let finished = false;
    const finish = (body: unknown) => {
      if (finished) return;
      finished = true;
      response.text = text;
      callback(null, body);
    };
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
      if (isEventStream && text.includes('\n\n')) {
        finish(text);
        response.destroy();
      }
    });
    response.on('end', () => {
      if (isEventStream) return finish(text);
      try {
        finish(JSON.parse(text));
      } catch {
        finish(text);
      }
    });
  });
}

/**
 * Makes the request fail its test unless the answer is what the OpenAPI document promises:
 * a documented status, content type, headers and a body matching the schema. Apps started by
 * `startTestApp` register their document; answers of other servers are not checked here.
 */
export function documented(server: Server, test: request.Test): request.Test {
  const validator = openApiValidatorOf(server);
  if (validator === undefined) return test;
  return test.expect((response) => {
    const problems = validator.problems(
      observed(response as unknown as Parameters<typeof observed>[0]),
    );
    if (problems.length > 0) throw new Error(`answer not as documented:\n${problems.join('\n')}`);
  });
}

/** `request(server)` whose every answer is checked against the served OpenAPI document. */
export function documentedRequest(server: Server) {
  return {
    get: (path: string) => documented(server, request(server).get(path)),
    post: (path: string) => documented(server, request(server).post(path)),
  };
}

/** Asserts an RFC 9457 body with the given status and, when given, the field names in `errors[]`. */
export function expectProblem(
  response: request.Response,
  status: number,
  fields: readonly string[] = [],
): void {
  expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
  });
  if (fields.length > 0) {
    const named =
      (response.body.errors as { field: string }[] | undefined)?.map((error) => error.field) ?? [];
    expect(named).toEqual(expect.arrayContaining([...fields]));
  }
}
