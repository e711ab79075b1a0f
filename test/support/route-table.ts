import type { JurisdictionRule, Role } from '@sunlight/auth';
import type request from 'supertest';
import type { ActorClient, FormFile } from './api-client';

/**
 * The app's routes as its OpenAPI document declares them: method, path, the roles `@Roles` admits
 * and the `@Jurisdiction` rule, the parameters and the request body schema. The security suites
 * (test/security-matrix.e2e.spec.ts, test/bad-input.e2e.spec.ts) are generated from it, so a
 * route added tomorrow is tried the day it is added.
 */
export interface RouteEntry {
  method: 'get' | 'post' | 'delete';
  path: string;
  roles: Role[] | undefined;
  isPublic: boolean;
  jurisdiction: JurisdictionRule | undefined;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: Json }[];
  body: Json | undefined;
  /** How the body is sent: JSON, or a multipart form (an upload) whose binary fields are files. */
  bodyMedia: 'application/json' | 'multipart/form-data' | undefined;
  bodyRequired: boolean;
  /** The route answers an endless text/event-stream: read it with `untilFirstMessage`. */
  eventStream: boolean;
}

export type Json = Record<string, any>;

export function routeTable(document: Json): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const [path, item] of Object.entries(document.paths as Json)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of ['get', 'post', 'delete'] as const) {
      const operation = (item as Json)[method] as Json | undefined;
      if (operation === undefined) continue;
      const content = (operation.requestBody?.content ?? {}) as Json;
      const bodyMedia = (['application/json', 'multipart/form-data'] as const).find(
        (media) => content[media]?.schema !== undefined,
      );
      const bodySchema = bodyMedia === undefined ? undefined : (content[bodyMedia].schema as Json);
      routes.push({
        method,
        path,
        roles: operation['x-sunlight-roles'] as Role[] | undefined,
        isPublic: Array.isArray(operation.security) && operation.security.length === 0,
        jurisdiction: operation['x-sunlight-jurisdiction'] as JurisdictionRule | undefined,
        parameters: ((operation.parameters ?? []) as Json[]).map((parameter) => ({
          name: parameter.name as string,
          in: parameter.in as 'path' | 'query',
          required: parameter.required === true,
          schema: (parameter.schema ?? {}) as Json,
        })),
        body: bodySchema === undefined ? undefined : resolve(document, bodySchema),
        bodyMedia,
        bodyRequired: operation.requestBody?.required !== false && bodySchema !== undefined,
        eventStream: operation.responses?.['200']?.content?.['text/event-stream'] !== undefined,
      });
    }
  }
  return routes;
}

/** The schema with its `$ref`s and single `allOf`s replaced by what they point to. */
export function resolve(document: Json, schema: Json): Json {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').at(-1) as string;
    return resolve(document, document.components.schemas[name] as Json);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...resolve(document, allOf[0] as Json), ...rest };
  }
  const resolved: Json = { ...schema };
  if (schema.properties !== undefined) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties as Json).map(([key, value]) => [
        key,
        resolve(document, value as Json),
      ]),
    );
  }
  if (schema.items !== undefined) resolved.items = resolve(document, schema.items as Json);
  return resolved;
}

/**
 * A body the validation pipe accepts, built from the schema's examples (required fields, and the
 * optional ones the document gives an example of):
 * what a route's own documentation says a request looks like.
 */
export function exampleBody(schema: Json, withOptionalExamples = true): Json {
  const body: Json = {};
  const required = (schema.required ?? []) as string[];
  for (const [key, property] of Object.entries((schema.properties ?? {}) as Json)) {
    // Optional fields too when the document gives an example: some are required together
    // (a paid settlement's bank reference).
    if (
      required.includes(key) ||
      (withOptionalExamples && (property as Json).example !== undefined)
    )
      body[key] = exampleValue(property as Json);
  }
  return body;
}

function exampleValue(schema: Json): unknown {
  if (schema.type === 'object' || schema.properties !== undefined) return exampleBody(schema);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.type === 'array') return [];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  return 'x';
}

/** Sets a dotted path (`appropriation.divisionCode`) in a body. */
export function setPath(body: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let target = body;
  for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Json;
  target[keys.at(-1) as string] = value;
}

/** A small roster-shaped CSV: what an upload route's file part carries in the generated suites. */
const exampleFile: FormFile = {
  bytes: Buffer.from('姓名,身份证号,金额\n张三,530325198001011234,100.00\n', 'utf8'),
  fileName: 'example.csv',
};

/**
 * POSTs `body` the way the route takes it: as JSON, or for an upload as a multipart form whose
 * binary fields are file parts (an example CSV) and whose other fields are text.
 */
export function postBody(
  client: ActorClient,
  route: RouteEntry,
  path: string,
  body: Json,
): request.Test {
  if (route.bodyMedia !== 'multipart/form-data') return client.post(path, body);
  const properties = (route.body?.properties ?? {}) as Json;
  const fields: Record<string, string> = {};
  const files: Record<string, FormFile> = {};
  for (const [name, value] of Object.entries(body)) {
    if ((properties[name] as Json | undefined)?.format === 'binary') files[name] = exampleFile;
    else fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return client.postForm(path, fields, files);
}
