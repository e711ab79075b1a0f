// Proves, for every route the served OpenAPI document lists under /api/v1 (read at run time, so a route added tomorrow is tried the day it is added), every role and a target in the caller's own division, a child, a sibling and the parent, that the route admits exactly the roles its @Roles names (admin always) and only targets inside the caller's jurisdiction as its @Jurisdiction declares: every refusal is a 403 problem+json that wrote nothing to the log, every admitted request gets past both checks; a route that declares no jurisdiction rule fails the suite, naming what to declare.
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { roles as allRoles, type JurisdictionRule, type Role } from '@sunlight/auth';
import { loadDivisionRegistry, makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { servedOpenApiDocument } from '../src/http/swagger';
import {
  actorClients,
  expectProblem,
  untilFirstMessage,
  type ActorClient,
} from './support/api-client';
import { eventually } from './support/async';
import {
  exampleBody,
  postBody,
  routeTable,
  setPath,
  type Json,
  type RouteEntry,
} from './support/route-table';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { requireEnv, startTestApp } from './support/test-app';

const jwtSecret = 'security-matrix-secret-'.padEnd(48, 'm');
const registry = loadDivisionRegistry();
/** Every caller acts from this county; targets are taken relative to it. */
const callerDivision = '530325';
const relations = {
  own: '530325',
  child: '530325102',
  sibling: '530322',
  parent: '5303',
} as const;
type Relation = keyof typeof relations;
const province: Actor = { id: 'sm-finance-53', role: 'finance', division: '53' };

/** The first village at or below `code` that does not lie inside `outside`. */
function villageUnder(code: string, outside?: string): string {
  const pending = [code];
  while (pending.length > 0) {
    const next = pending.shift() as string;
    if (outside !== undefined && registry.isWithin(next, outside)) continue;
    const division = registry.get(next);
    if (division?.level === 'village') return next;
    pending.push(...registry.childrenOf(next).map((child) => child.code));
  }
  throw new Error(`no village below ${code}`);
}

interface Cell {
  route: RouteEntry;
  role: Role;
  relation: Relation | 'none';
  allowed: boolean;
  send: (as: (actor: Actor) => ActorClient) => request.Test;
  label: string;
}

describe('security matrix: every route × role × division', () => {
  let databaseUrl: string;
  let app: NestExpressApplication;
  let server: Server;
  let db: Client;
  let as: (actor: Actor) => ActorClient;
  let routes: RouteEntry[];
  const positions = new Map<Relation, string>();
  let cellCount = 0;

  const head = async () =>
    (
      await db.query<{ head: string }>(
        'SELECT coalesce(max(position), 0)::text AS head FROM events',
      )
    ).rows[0].head;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'matrix');
    ({ app, server } = await startTestApp({ DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret }));
    as = actorClients(server, jwtSecret);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    routes = routeTable(servedOpenApiDocument(app) as unknown as Json);
    // One fund line per relation's division, with one requested disbursement in its pool.
    for (const [relation, division] of Object.entries(relations) as [Relation, string][]) {
      await as(province)
        .post('/funds', {
          fundId: `sm-${relation}`,
          name: `矩阵测试资金 ${relation}`,
          fiscalYear: 2026,
          purposeCategory: '产业发展',
          source: '省级财政',
          appropriation: { divisionCode: division, amount: '100000.00' },
        })
        .expect(201);
    }
    // The relay appropriates each pool; the log must stand still before refusals are counted.
    await eventually(async () => {
      const { rows } = await db.query<{ stream_name: string; position: string }>(
        "SELECT stream_name, position::text FROM events WHERE type = 'FundsAppropriated'",
      );
      expect(rows).toHaveLength(4);
      for (const [relation, division] of Object.entries(relations) as [Relation, string][]) {
        const row = rows.find((candidate) => candidate.stream_name === poolStream(relation));
        expect(row).toBeDefined();
        positions.set(relation, (row as { position: string }).position);
        expect(division).toBeTruthy();
      }
    }, 10_000);
    for (const [relation, division] of Object.entries(relations) as [Relation, string][]) {
      await as(province)
        .post(`/funds/sm-${relation}/disbursements`, {
          transferId: `sm-t-${relation}`,
          divisionCode: division,
          beneficiary: { kind: 'person', id: `p-${relation}`, name: '张三' },
          amount: '10.00',
        })
        .expect(201);
    }
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await db?.end();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const poolStream = (relation: Relation) => `pool-sm-${relation}.${relations[relation]}`;

  it('finds a jurisdiction rule declared on every route', () => {
    const undeclared = routes
      .filter((route) => route.jurisdiction === undefined)
      .map(
        (route) =>
          `${route.method.toUpperCase()} ${route.path}: declare @Jurisdiction(...) on its handler ` +
          '(libs/auth/src/auth.decorators.ts lists the kinds: division, stream, transfer, event, caller, owner, none)',
      );
    expect(undeclared).toEqual([]);
    expect(routes.length).toBeGreaterThan(20);
  });

  /** The division a rule's target lies in for a relation, and the value that names it. */
  function target(rule: JurisdictionRule, relation: Relation): { division: string; value: string } {
    switch (rule.kind) {
      case 'division': {
        const division =
          rule.level === 'village'
            ? villageUnder(relations[relation], relation === 'parent' ? callerDivision : undefined)
            : relations[relation];
        const value = rule.template?.replace('{code}', division) ?? division;
        return { division, value };
      }
      case 'stream':
        return { division: relations[relation], value: poolStream(relation) };
      case 'transfer':
        return { division: relations[relation], value: `sm-t-${relation}` };
      case 'event':
        return { division: relations[relation], value: positions.get(relation) as string };
      default:
        throw new Error(`a ${rule.kind} rule names no target`);
    }
  }

  /** The role or jurisdiction check's own refusal, as opposed to a domain rule's 403. */
  function routeRefusal(body: { type?: string }): boolean {
    return [
      'https://sunlight.example/problems/auth/forbidden-role',
      'https://sunlight.example/problems/auth/forbidden-jurisdiction',
    ].includes(body.type ?? '');
  }

  function buildCells(): Cell[] {
    const cells: Cell[] = [];
    for (const route of routes) {
      const rule = route.jurisdiction as JurisdictionRule;
      const targeted = ['division', 'stream', 'transfer', 'event'].includes(rule.kind);
      for (const role of allRoles) {
        const roleAllowed =
          route.isPublic ||
          role === 'admin' ||
          route.roles === undefined ||
          route.roles.includes(role);
        const cellRelations: (Relation | 'none')[] = targeted
          ? (Object.keys(relations) as Relation[])
          : ['none'];
        for (const relation of cellRelations) {
          const aimed = relation === 'none' ? undefined : target(rule, relation as Relation);
          const inside = aimed === undefined || registry.isWithin(aimed.division, callerDivision);
          const { path, query, body } = requestFor(route, rule, relation, aimed?.value);
          const actor: Actor = { id: `sm-${role}`, role, division: callerDivision };
          const url = `${path.replace(/^\/api\/v1/, '')}${query}`;
          cells.push({
            route,
            role,
            relation: relation as Relation | 'none',
            allowed: roleAllowed && inside,
            label: `${route.method.toUpperCase()} ${url} as ${role} of ${callerDivision} (${relation})`,
            send: (client) =>
              route.method === 'get'
                ? route.eventStream
                  ? untilFirstMessage(client(actor).get(url))
                  : client(actor).get(url)
                : route.method === 'delete'
                  ? client(actor).delete(url)
                  : postBody(client(actor), route, url, body),
          });
        }
      }
    }
    return cells;
  }

  /** A request the route's own document says is well formed, aimed at `value` where the rule says. */
  function requestFor(
    route: RouteEntry,
    rule: JurisdictionRule,
    relation: Relation | 'none',
    value: string | undefined,
  ): { path: string; query: string; body: Json } {
    const own: Relation = relation === 'none' ? 'own' : relation;
    const uniqueId = `sm-c${(cellCount += 1)}`;
    const aimedAt = (where: 'path' | 'query' | 'body', name: string) =>
      value !== undefined &&
      ((rule.kind === 'division' && rule.in === where && rule.name === name) ||
        (rule.kind !== 'division' && where !== 'body' && 'name' in rule && rule.name === name));
    const parameterValue = (name: string, schema: Json, where: 'path' | 'query'): string => {
      if (aimedAt(where, name)) return value as string;
      switch (name) {
        case 'fundId':
          return `sm-${own}`;
        case 'transferId':
          return `sm-t-${own}`;
        case 'divisionCode':
        case 'code':
          return relations[own];
        case 'streamName':
          return poolStream(own);
        case 'idNumber':
          return makeIdNumber('530325', '19800101', '123');
        case 'position':
          return positions.get(own) as string;
        case 'householdId':
          return `hh-${villageUnder(relations[own])}-1`;
        case 'villageCode':
          return villageUnder(relations[own]);
        case 'jobId':
          return `rosters.${randomUUID()}`;
        default:
          return String(schema.example ?? schema.default ?? schema.minimum ?? 1);
      }
    };
    let path = route.path;
    const query: string[] = [];
    for (const parameter of route.parameters) {
      if (parameter.in === 'path') {
        path = path.replace(
          `{${parameter.name}}`,
          encodeURIComponent(parameterValue(parameter.name, parameter.schema, 'path')),
        );
      } else if (parameter.required || aimedAt('query', parameter.name)) {
        query.push(
          `${parameter.name}=${encodeURIComponent(parameterValue(parameter.name, parameter.schema, 'query'))}`,
        );
      }
    }
    // A body that names the target carries only what it must, so no optional field (a village
    // group of another village) contradicts the target before the jurisdiction is checked.
    const aimsInBody = rule.kind === 'division' && rule.in === 'body';
    const body = route.body === undefined ? {} : exampleBody(route.body, !aimsInBody);
    for (const idField of ['transferId', 'fundId']) {
      if (body[idField] !== undefined) body[idField] = uniqueId;
    }
    if (rule.kind === 'division' && rule.in === 'body' && value !== undefined) {
      setPath(body, rule.name, value);
      for (const [field, template] of Object.entries(rule.also ?? {}))
        setPath(body, field, template.replace('{code}', value));
    }
    return { path, query: query.length > 0 ? `?${query.join('&')}` : '', body };
  }

  it('refuses every cell outside a role or a jurisdiction with 403 problem+json, writing nothing', async () => {
    const denied = buildCells().filter((cell) => !cell.allowed);
    expect(denied.length).toBeGreaterThan(100);
    const before = await head();
    const wrong: string[] = [];
    for (const cell of denied) {
      const response = await cell.send(as);
      if (response.status !== 403 || !routeRefusal(response.body))
        wrong.push(`${cell.label}: ${response.status} ${response.text.slice(0, 160)}`);
      else expectProblem(response, 403);
    }
    expect(wrong).toEqual([]);
    expect(await head()).toBe(before);
  }, 120_000);

  it('lets every cell inside its role and jurisdiction past both checks', async () => {
    const allowed = buildCells().filter((cell) => cell.allowed);
    expect(allowed.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const cell of allowed) {
      const response = await cell.send(as);
      // Past both checks, a route may still find nothing (404) or refuse the step (409, 422), or
      // a domain rule may refuse this caller this step (an exit step recorded at another level:
      // 403 with its own problem type), but never the role or jurisdiction check itself.
      if (
        response.status === 401 ||
        (response.status === 403 && routeRefusal(response.body)) ||
        response.status >= 500
      )
        wrong.push(`${cell.label}: ${response.status} ${response.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('asks for a token on every route that is not public', async () => {
    const open: string[] = [];
    for (const route of routes.filter((candidate) => !candidate.isPublic)) {
      const path = route.path.replace(/\{[^}]+\}/g, 'x');
      const response = await (route.method === 'get'
        ? request(server).get(path)
        : route.method === 'delete'
          ? request(server).delete(path)
          : request(server).post(path).send({}));
      if (response.status !== 401)
        open.push(`${route.method.toUpperCase()} ${path}: ${response.status}`);
    }
    expect(open).toEqual([]);
  });
});
