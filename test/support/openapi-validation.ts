import type { Server } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;
interface DocumentedResponse {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: Schema }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, DocumentedResponse> }>>;
  components?: { schemas?: Record<string, Schema>; headers?: Record<string, unknown> };
}

/** What an answer looked like on the wire. */
export interface ObservedResponse {
  method: string;
  /** The request path, with its query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const documentId = 'sunlight-openapi';

/**
 * Checks answers against the OpenAPI document the app serves: the status must be documented for
 * the operation, the content type must be the documented one, and the body must match its
 * schema; documented headers must be present. Returns what is wrong, empty when it all holds.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly routes: { method: string; template: string; pattern: RegExp }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: documentId } as Schema);
    this.routes = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => ({
        method,
        template,
        pattern: new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
        ),
      })),
    );
  }

  problems(observed: ObservedResponse): string[] {
    const method = observed.method.toLowerCase();
    const pathOnly = observed.path.split('?')[0];
    const where = `${observed.method} ${pathOnly} → ${observed.status}`;
    const route = this.routes.find(
      (candidate) => candidate.method === method && candidate.pattern.test(pathOnly),
    );
    if (route === undefined) {
      // Nest's own answer to a route that does not exist is outside any operation.
      return observed.status === 404 ? [] : [`${where}: no documented operation`];
    }
    const responses = this.document.paths[route.template][method].responses ?? {};
    const documented = responses[String(observed.status)];
    if (documented === undefined) {
      return [
        `${where}: status not documented for ${method.toUpperCase()} ${route.template} (documented: ${Object.keys(responses).join(', ')})`,
      ];
    }
    const problems: string[] = [];
    for (const header of Object.keys(documented.headers ?? {})) {
      if (observed.headers[header.toLowerCase()] === undefined)
        problems.push(`${where}: documented header ${header} missing`);
    }
    const contentType = String(observed.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    // A documented media type may carry parameters (`text/plain; charset=utf-8`).
    const mediaKey = Object.keys(documented.content ?? {}).find(
      (key) => key.split(';')[0].trim() === contentType,
    );
    const media = mediaKey === undefined ? undefined : documented.content?.[mediaKey];
    if (media === undefined) {
      problems.push(
        `${where}: content type "${contentType}" not documented (documented: ${Object.keys(documented.content ?? {}).join(', ') || 'none'})`,
      );
      return problems;
    }
    if (media.schema === undefined) return [...problems, `${where}: no body schema documented`];
    const key = `${route.template} ${method} ${observed.status} ${contentType}`;
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(resolveRefs(media.schema));
      this.compiled.set(key, validate);
    }
    if (!validate(observed.body)) {
      problems.push(
        `${where}: body does not match the documented schema: ${this.ajv.errorsText(validate.errors, { separator: '; ' })}`,
      );
    }
    return problems;
  }
}

/** `#/components/…` references point into the document registered under its id. */
function resolveRefs(schema: Schema): Schema {
  return JSON.parse(
    JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${documentId}#/`),
  ) as Schema;
}

const validators = new WeakMap<Server, OpenApiValidator>();

/** Called by startTestApp: answers of this server are checked against this document. */
export function registerOpenApiDocument(server: Server, document: unknown): void {
  validators.set(server, new OpenApiValidator(document as OpenApiDocument));
}

export function openApiValidatorOf(server: Server): OpenApiValidator | undefined {
  return validators.get(server);
}

/** A supertest response as an ObservedResponse. */
export function observed(response: {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text?: string;
  req: { method: string; path: string };
}): ObservedResponse {
  const contentType = String(response.headers['content-type'] ?? '');
  const isJson = /json/.test(contentType);
  return {
    method: response.req.method,
    path: response.req.path,
    status: response.status,
    headers: response.headers,
    // A binary answer (an image) arrives as bytes, not text: as a schema sees it, a string.
    body: isJson
      ? response.body
      : (response.text ??
        (Buffer.isBuffer(response.body) ? response.body.toString('latin1') : response.body)),
  };
}
