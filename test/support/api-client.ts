import type { Server } from 'node:http';
import request from 'supertest';
import { signAccessToken } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';

export const apiPrefix = '/api/v1';

export interface ActorClient {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
}

/**
 * `as(user).post(path, body)`: requests under /api/v1 carrying a bearer token for `user`.
 * Tokens are signed once per user, so a scenario with fifty approvers stays cheap.
 */
export function actorClients(server: Server, jwtSecret: string): (actor: Actor) => ActorClient {
  const tokens = new Map<string, string>();
  const authorization = (actor: Actor): string => {
    const key = `${actor.id}/${actor.role}/${actor.division}`;
    let token = tokens.get(key);
    if (token === undefined) {
      token = `Bearer ${signAccessToken(jwtSecret, { actor })}`;
      tokens.set(key, token);
    }
    return token;
  };
  return (actor) => ({
    get: (path) =>
      request(server).get(`${apiPrefix}${path}`).set('Authorization', authorization(actor)),
    post: (path, body = {}) =>
      request(server)
        .post(`${apiPrefix}${path}`)
        .set('Authorization', authorization(actor))
        .send(body),
  });
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
