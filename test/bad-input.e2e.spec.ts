// Proves over real HTTP, for every route and parameter the served OpenAPI document lists (read at run time), that bad input is refused with a 4xx problem+json answer the document describes, never a 5xx, and that no refused request writes an event: the review's cases (NUL bytes, array-shaped and repeated query parameters, deep and prototype-keyed bodies, malformed JSON) plus values generated with fast-check from each parameter's and body field's documented constraints (strings outside the pattern, numbers outside the bounds, wrong types, missing required fields, unknown fields).
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import type { Actor } from '@sunlight/kernel';
import { servedOpenApiDocument } from '../src/http/swagger';
import {
  actorClients,
  apiPrefix,
  documented,
  expectProblem,
  untilFirstMessage,
  type ActorClient,
} from './support/api-client';
import {
  exampleBody,
  postBody,
  routeTable,
  type Json,
  type RouteEntry,
} from './support/route-table';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';
import { signAccessToken } from '@sunlight/auth';

const jwtSecret = 'bad-input-secret-'.padEnd(48, 'b');
/** Passes every role and jurisdiction check, so what refuses a request is its input. */
const admin: Actor = { id: 'bi-admin', role: 'admin', division: '53' };
const samplesPerConstraint = 4;
const seed = 20261202;

interface BadRequest {
  label: string;
  send: () => request.Test;
}

/** Strings the schema refuses: outside its pattern or enum, or too long. */
function badStrings(schema: Json): string[] {
  const bad: string[] = ['a\u0000b'];
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern, 'u');
    bad.push(
      '\u200b',
      ...fc.sample(
        fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !pattern.test(text)),
        { numRuns: samplesPerConstraint, seed },
      ),
    );
  }
  if (Array.isArray(schema.enum)) bad.push('not-one-of-them');
  if (typeof schema.maxLength === 'number') bad.push('x'.repeat(schema.maxLength + 1));
  return bad;
}

/** Values an integer schema refuses. */
function badIntegers(schema: Json): unknown[] {
  const bad: unknown[] = ['abc', 1.5, '1e3'];
  if (typeof schema.minimum === 'number') bad.push(schema.minimum - 1);
  if (typeof schema.maximum === 'number') bad.push(schema.maximum + 1);
  bad.push(
    ...fc.sample(
      fc.oneof(fc.double({ noInteger: true, noNaN: true }), fc.boolean(), fc.constant(null)),
      { numRuns: samplesPerConstraint, seed },
    ),
  );
  return bad;
}

/** Each way to spoil one field: wrong type, outside its constraints, or absent when required. */
function badFieldValues(schema: Json): unknown[] {
  if (schema.type === 'integer' || schema.type === 'number') return [...badIntegers(schema), {}];
  if (schema.type === 'string' || schema.pattern !== undefined || schema.enum !== undefined)
    return [...badStrings(schema), 12, [], {}];
  if (schema.type === 'object') return ['x', 3, []];
  if (schema.type === 'array') return ['x', { length: 1 }];
  return [];
}

describe('bad input over every route and parameter', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let server: Server;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  let routes: RouteEntry[];

  const head = async () =>
    (
      await db.query<{ head: string }>(
        'SELECT coalesce(max(position), 0)::text AS head FROM events',
      )
    ).rows[0].head;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'bad_input');
    ({ app, server } = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret }));
    as = actorClients(server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    routes = routeTable(servedOpenApiDocument(app) as unknown as Json);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  /** A value each path parameter accepts, so that one spoilt input is all that is wrong. */
  const goodPathValue = (schema: Json): string => String(schema.example ?? 'x');

  function pathWith(route: RouteEntry, override?: { name: string; value: string }): string {
    let path = route.path.slice(apiPrefix.length);
    for (const parameter of route.parameters.filter((candidate) => candidate.in === 'path')) {
      const value =
        override?.name === parameter.name ? override.value : goodPathValue(parameter.schema);
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
    }
    return path;
  }

  function requiredQuery(route: RouteEntry, except?: string): string[] {
    return route.parameters
      .filter(
        (parameter) => parameter.in === 'query' && parameter.required && parameter.name !== except,
      )
      .map(
        (parameter) =>
          `${parameter.name}=${encodeURIComponent(String(parameter.schema.example ?? parameter.schema.minimum ?? 1))}`,
      );
  }

  function badRequests(route: RouteEntry): BadRequest[] {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const client = as(admin);
    const body = route.body === undefined ? {} : exampleBody(route.body);
    const send = (path: string, payload: object = body) =>
      route.method === 'delete'
        ? client.delete(path)
        : route.method !== 'get'
          ? postBody(client, route, path, payload as Json)
          : route.eventStream
            ? untilFirstMessage(client.get(path))
            : client.get(path);
    const bad: BadRequest[] = [];
    const query = (parts: string[]) => (parts.length > 0 ? `?${parts.join('&')}` : '');
    for (const parameter of route.parameters) {
      if (parameter.in === 'path') {
        const values =
          parameter.schema.type === 'integer'
            ? badIntegers(parameter.schema).map(String)
            : // An empty segment names another route (/households/ is the list), not a bad id.
              badStrings(parameter.schema).filter((value) => value !== '');
        for (const value of values) {
          bad.push({
            label: `${name}: path ${parameter.name}=${JSON.stringify(value)}`,
            send: () =>
              send(pathWith(route, { name: parameter.name, value }) + query(requiredQuery(route))),
          });
        }
        continue;
      }
      const others = requiredQuery(route, parameter.name);
      const values = [
        ...(parameter.schema.type === 'integer'
          ? badIntegers(parameter.schema).map((value) => encodeURIComponent(String(value)))
          : badStrings(parameter.schema).map(encodeURIComponent)),
      ];
      const shapes = [
        `${parameter.name}[]=1`,
        `${parameter.name}=1&${parameter.name}=2`,
        `${parameter.name}[a]=1`,
      ];
      for (const part of [...values.map((value) => `${parameter.name}=${value}`), ...shapes]) {
        bad.push({
          label: `${name}: query ${part}`,
          send: () => send(pathWith(route) + query([...others, part])),
        });
      }
    }
    if (route.method !== 'post') return bad;
    const path = pathWith(route) + query(requiredQuery(route));
    let deep: Json = {};
    const root = deep;
    for (let depth = 0; depth < 3_000; depth += 1) deep = deep.a = {};
    const raw = (label: string, text: string) =>
      bad.push({
        label: `${name}: ${label}`,
        send: () =>
          documented(
            server,
            request(server)
              .post(`${apiPrefix}${path}`)
              .set('Authorization', `Bearer ${signAccessToken(jwtSecret, { actor: admin })}`)
              .set('Content-Type', 'application/json')
              .send(text),
          ),
      });
    raw('malformed JSON', '{"a":');
    raw('__proto__ key', JSON.stringify(body).replace(/^\{/, '{"__proto__":{"x":1},'));
    raw('an array body', '[]');
    bad.push({ label: `${name}: 3,000 levels deep`, send: () => send(path, root) });
    bad.push({
      label: `${name}: an unknown field`,
      send: () => send(path, { ...body, surplus: 1 }),
    });
    for (const [field, schema] of Object.entries((route.body?.properties ?? {}) as Json)) {
      if (((route.body?.required ?? []) as string[]).includes(field)) {
        const { [field]: _dropped, ...without } = body;
        bad.push({ label: `${name}: body without ${field}`, send: () => send(path, without) });
      }
      for (const value of badFieldValues(schema as Json)) {
        bad.push({
          label: `${name}: body ${field}=${JSON.stringify(value)?.slice(0, 60)}`,
          send: () => send(path, { ...body, [field]: value }),
        });
      }
    }
    return bad;
  }

  it('refuses every bad input with a documented 4xx problem+json and writes nothing', async () => {
    const corpus = routes.flatMap(badRequests);
    // Hundreds of requests from a few dozen routes: the generator did not come up empty.
    expect(corpus.length).toBeGreaterThan(routes.length * 10);
    const before = await head();
    const wrong: string[] = [];
    for (const bad of corpus) {
      try {
        const response = await bad.send();
        if (response.status < 400 || response.status >= 500) {
          wrong.push(`${bad.label}: ${response.status} ${response.text.slice(0, 160)}`);
          continue;
        }
        expectProblem(response, response.status);
      } catch (error) {
        // The answer is not what the document describes (api-client.ts checks every one).
        wrong.push(`${bad.label}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await head()).toBe(before);
  }, 300_000);
});
