// Proves that the OpenAPI document (built without a database, as `sunlight openapi` prints it) is lint-clean under Redocly's recommended rules, documents every DTO validation rule, every status of every route with its body schema (problem+json for every refusal, WWW-Authenticate on 401, Idempotent-Replayed on commands and their replays' 200), typed and bounded parameters and closed request bodies, and that the typed client generated from it (test/generated/sunlight-api.ts) is the one committed; the checker used on every end-to-end answer refuses an undocumented status, content type or body.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { loadAppConfig } from '../src/config/app-config';
import { completeOpenApiDocument } from '../src/http/openapi-document';
import { describeApi } from '../src/main';
import { OpenApiValidator } from './support/openapi-validation';

type Json = Record<string, any>;
const generatedClientFile = path.join(__dirname, 'generated', 'sunlight-api.ts');
const methods = ['get', 'post', 'put', 'patch', 'delete'];

let document: Json;

beforeAll(async () => {
  document = (await describeApi(
    loadAppConfig({ LOG_LEVEL: 'silent', JWT_SECRET: 'openapi-spec-secret-'.padEnd(40, 'o') }),
  )) as unknown as Json;
}, 60_000);

function operations(): { where: string; path: string; method: string; operation: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([route, item]) =>
    methods
      .filter((method) => (item as Json)[method] !== undefined)
      .map((method) => ({
        where: `${method.toUpperCase()} ${route}`,
        path: route,
        method,
        operation: (item as Json)[method] as Json,
      })),
  );
}

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules without an error or a warning", async () => {
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    expect(
      problems.map(
        (problem) =>
          `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`,
      ),
    ).toEqual([]);
  });

  it('documents every validation rule of every request body', () => {
    expect(completeOpenApiDocument(structuredClone(document) as never)).toEqual([]);
  });

  it('gives every status of every route a body schema, problem+json for every refusal', () => {
    const gaps: string[] = [];
    for (const { where, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        const content = (response as Json).content as Json | undefined;
        const schemas = Object.values(content ?? {}).filter((media) => (media as Json).schema);
        if (schemas.length === 0) gaps.push(`${where} ${status}: no body schema`);
        if (Number(status) >= 400 && content?.['application/problem+json'] === undefined)
          gaps.push(`${where} ${status}: not problem+json`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('documents 401 with WWW-Authenticate, and the replays of every command', () => {
    const gaps: string[] = [];
    for (const { where, path: route, method, operation } of operations()) {
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      if (!route.startsWith('/api/v1') || isPublic) continue;
      if (operation.responses['401']?.headers?.['WWW-Authenticate'] === undefined)
        gaps.push(`${where}: 401 without WWW-Authenticate`);
      // A route that starts a job answers 202 with the job's id, never an event to replay.
      if (method !== 'post' || operation.responses['202'] !== undefined) continue;
      for (const status of ['200', '201']) {
        if (operation.responses[status]?.headers?.['Idempotent-Replayed'] === undefined)
          gaps.push(`${where}: ${status} without Idempotent-Replayed`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('types and bounds every parameter and closes every request body', () => {
    const gaps: string[] = [];
    for (const { where, operation } of operations()) {
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        const schema = parameter.schema as Json | undefined;
        const typed = schema?.type === 'integer' || schema?.enum || schema?.pattern;
        const bounded = schema?.type !== 'integer' || schema.maximum !== undefined;
        if (!typed && !(schema?.type === 'string' && schema.maxLength !== undefined))
          gaps.push(`${where}: parameter ${parameter.name} has no pattern, enum or bound`);
        if (!bounded) gaps.push(`${where}: integer ${parameter.name} has no maximum`);
      }
      const bodyRef = operation.requestBody?.content?.['application/json']?.schema?.$ref as
        string | undefined;
      if (bodyRef !== undefined) {
        const body = document.components.schemas[bodyRef.split('/').at(-1) as string] as Json;
        if (body.additionalProperties !== false) gaps.push(`${where}: body schema is open`);
      }
    }
    expect(gaps).toEqual([]);
    const approve = document.paths['/api/v1/disbursements/{transferId}/approve'].post;
    expect(approve.requestBody.required).toBe(false);
    expect(document.paths['/api/v1/streams/{streamName}/events'].get.description).not.toMatch(
      /every role/,
    );
  });

  it('generates the typed client committed in test/generated (UPDATE_OPENAPI_CLIENT=1 rewrites it)', () => {
    const generated = generateClientTypes(document);
    if (process.env.UPDATE_OPENAPI_CLIENT === '1') writeFileSync(generatedClientFile, generated);
    expect(readFileSync(generatedClientFile, 'utf8')).toBe(generated);
  });
});

describe('the answer checker of the end-to-end tests', () => {
  const answer = (overrides: Json) => ({
    method: 'GET',
    path: '/api/v1/pools/f-1/530325',
    status: 404,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: { type: 'about:blank', title: 'Not Found', status: 404, detail: 'x', instance: '/' },
    ...overrides,
  });

  it('accepts a documented answer and refuses an undocumented status, content type or body', () => {
    const validator = new OpenApiValidator(document as never);
    expect(validator.problems(answer({}))).toEqual([]);
    expect(validator.problems(answer({ status: 418 }))).toEqual([
      expect.stringContaining('status not documented'),
    ]);
    expect(
      validator.problems(answer({ headers: { 'content-type': 'text/html; charset=utf-8' } })),
    ).toEqual([expect.stringContaining('content type "text/html" not documented')]);
    expect(validator.problems(answer({ body: { title: 'no type' } }))).toEqual([
      expect.stringContaining('body does not match'),
    ]);
    expect(
      validator.problems(
        answer({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { fundId: 'f-1', balance: 12 },
        }),
      ),
    ).toEqual([expect.stringContaining('body does not match')]);
    expect(
      validator.problems(
        answer({ status: 401, headers: { 'content-type': 'application/problem+json' } }),
      ),
    ).toEqual([expect.stringContaining('WWW-Authenticate missing')]);
  });
});

/**
 * openapi-typescript and prettier load ES modules, which Jest's module system cannot; Node can,
 * so both run as they would from the command line.
 */
function generateClientTypes(openApi: Json): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'sunlight-openapi-'));
  try {
    const documentFile = path.join(directory, 'openapi.json');
    const typesFile = path.join(directory, 'sunlight-api.ts');
    writeFileSync(documentFile, JSON.stringify(openApi));
    run([
      path.join(path.dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'),
      documentFile,
      '-o',
      typesFile,
    ]);
    const header =
      '// Generated by openapi-typescript from the OpenAPI document (test/openapi.spec.ts); do not edit.\n';
    return run(
      [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', generatedClientFile],
      header + readFileSync(typesFile, 'utf8'),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function run(args: string[], input?: string): string {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', input });
  if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}
