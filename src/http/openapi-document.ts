import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { publicExtension, rolesExtension } from '@sunlight/auth';
import { streamsOpenApiSchemas } from '@sunlight/audit/audit.module';
import { integratorsOpenApiSchemas } from '@sunlight/integrators/integrators.module';
import { fundsOpenApiSchemas } from '@sunlight/funds/funds.module';
import { schemaRef, sharedOpenApiSchemas, type OpenApiSchema } from '@sunlight/http';
import { problemContentType } from './problem-details';

export const apiTitle = 'Sunlight (阳光) API';
export const apiPathPrefix = '/api/v1';

type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: OpenApiSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: OpenApiSchema }> };
  responses: Record<string, Response>;
  security?: unknown[];
  [extension: `x-${string}`]: unknown;
};
type Response = {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: OpenApiSchema }>;
};

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * What every route can answer besides its own success, by rule, so that a route added tomorrow
 * is documented the same way: the reasons follow the app's pipeline (body parser and request
 * shape checks → bearer token → role → validation → the handler's jurisdiction and domain checks
 * → the stores; and the drain's 503 while shutting down).
 */
const problemDescriptions: Record<string, string> = {
  '400': 'A malformed parameter, query or body (problem+json naming each field in errors[])',
  '401': 'No bearer token, or an invalid or expired one',
  '403':
    "The role may not call this route, or what it names lies outside the caller's jurisdiction",
  '404': 'What the path names does not exist (or is not visible to the caller)',
  '409': 'The id was used before with other content, or the stream moved on concurrently',
  '413': 'The request body is too large or too deeply nested',
  '422':
    'The request is well formed but the ledger refuses it (e.g. insufficient funds, maker-checker)',
  '503':
    'The event store or read models cannot be reached, or the instance is shutting down; retry later',
};

const headers = {
  IdempotentReplayed: {
    description: 'true when the request repeated an earlier one and nothing new was written',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
  WwwAuthenticate: {
    description: 'RFC 6750 challenge: Bearer, with error="invalid_token" for a bad token',
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'string' } },
};

/** Builds the document the app serves at /docs-json and `sunlight openapi` prints. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(apiTitle)
      .setDescription(
        'Audit-grade tracking of public poverty-alleviation funds (扶贫资金). Every appropriation, ' +
          'allocation, disbursement and household record is an immutable, hash-chained event. ' +
          'Errors are RFC 9457 problem+json bodies naming each invalid field.',
      )
      .setVersion('0.1.0')
      .setLicense('UNLICENSED', 'https://sunlight.example/license')
      .addServer('/', 'the server that serves this document')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  completeOpenApiDocument(document);
  return document;
}

/**
 * Adds what decorators cannot say once for all routes: the problem+json schema and every
 * refusal status, the headers, request constraints taken from the DTOs' class-validator rules.
 * Returns what it could not document (a validator it does not know), for the document's test.
 */
export function completeOpenApiDocument(document: OpenAPIObject): string[] {
  const undocumented: string[] = [];
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, OpenApiSchema>;
  Object.assign(
    schemas,
    sharedOpenApiSchemas,
    fundsOpenApiSchemas,
    streamsOpenApiSchemas,
    integratorsOpenApiSchemas,
  );
  components.headers = { ...components.headers, ...headers };
  for (const [name, schema] of Object.entries(schemas)) {
    undocumented.push(...constrainFromValidators(name, schema));
  }
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (operation === undefined) continue;
      completeOperation(path, method, operation);
      // The validation pipe refuses every field a body DTO does not declare, rules or not.
      const bodyRef = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      if (typeof bodyRef === 'string') {
        const body = schemas[bodyRef.replace('#/components/schemas/', '')];
        if (body !== undefined) body.additionalProperties = false;
      }
    }
  }
  return undocumented;
}

function completeOperation(path: string, method: string, operation: Operation): void {
  const statuses = new Set<string>(['400', '503']);
  if (!path.startsWith(apiPathPrefix) || operation[publicExtension] === true) {
    // Health, metrics and the log's public proofs need no token; the request shape checks and
    // the shutdown drain apply to them as to every route.
    operation.security = [];
  } else {
    operation.security ??= [{ bearer: [] }];
    statuses.add('401');
  }
  if (operation[rolesExtension] !== undefined) statuses.add('403');
  if ((operation.parameters ?? []).some((parameter) => parameter.in === 'path')) {
    statuses.add('404');
  }
  if (method === 'post') {
    for (const status of ['403', '404', '409', '413', '422']) statuses.add(status);
    const created = operation.responses['201'];
    if (created !== undefined) {
      created.headers = {
        'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
      };
      operation.responses['200'] ??= {
        description: 'A repeat of an earlier request: its original event, nothing written',
        content: created.content,
      };
      operation.responses['200'].headers = {
        'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
      };
    }
  }
  for (const status of statuses) {
    const response = (operation.responses[status] ??= { description: problemDescriptions[status] });
    // Beside, not instead: /health answers its own 503 body (the checks) when it is unhealthy.
    response.content = {
      [problemContentType]: { schema: schemaRef('Problem') },
      ...response.content,
    };
    if (status === '401')
      response.headers = { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } };
    if (status === '503')
      response.headers = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };
  }
}

interface ValidatorMetadata {
  propertyName: string;
  name?: string;
  type: string;
  constraints?: unknown[];
  each?: boolean;
}

/** class-validator's rules of the DTO class a schema was generated from, by property. */
function validatorsOf(className: string): Map<string, ValidatorMetadata[]> {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<unknown, ValidatorMetadata[]> | ValidatorMetadata[];
  };
  const all = [
    ...(storage.validationMetadatas instanceof Map
      ? [...storage.validationMetadatas.values()].flat()
      : storage.validationMetadatas),
  ] as (ValidatorMetadata & { target: { name?: string } | string })[];
  const byProperty = new Map<string, ValidatorMetadata[]>();
  for (const metadata of all) {
    const target = typeof metadata.target === 'string' ? metadata.target : metadata.target.name;
    if (target !== className) continue;
    byProperty.set(metadata.propertyName, [
      ...(byProperty.get(metadata.propertyName) ?? []),
      metadata,
    ]);
  }
  return byProperty;
}

/** How each rule reads in JSON Schema; rules that constrain nothing a schema can say map to {}. */
const validatorSchemas: Record<string, (constraints: unknown[]) => OpenApiSchema> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isObject: () => ({ type: 'object' }),
  isDefined: () => ({}),
  isNotEmpty: () => ({ minLength: 1 }),
  isOptional: () => ({}),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  maxLength: ([maxLength]) => ({ maxLength }),
  minLength: ([minLength]) => ({ minLength }),
  isIn: ([values]) => ({ enum: values }),
  matches: ([pattern]) => ({ pattern: (pattern as RegExp).source }),
  isYuanAmount: () => ({
    type: 'string',
    pattern: '^[0-9]{1,13}(\\.[0-9]{1,2})?$',
    description: 'A positive amount in yuan (元), a decimal string with at most two decimals',
  }),
  isHumanText: ([lengthMax]) => ({
    type: 'string',
    minLength: 1,
    maxLength: lengthMax,
    description: 'Text with at least one visible character and no control characters',
  }),
  isArray: () => ({ type: 'array' }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  arrayMinSize: ([minItems]) => ({ minItems }),
  arrayUnique: () => ({ uniqueItems: true }),
  isYearUpToNow: () => ({ type: 'integer', description: 'A year, not after the current one' }),
  isPastDate: () => ({
    type: 'string',
    format: 'date',
    description: 'A day (YYYY-MM-DD), not after today in China',
  }),
  isRealDate: () => ({
    type: 'string',
    format: 'date',
    description: 'A real calendar day (YYYY-MM-DD)',
  }),
  isIncomeYuan: () => ({
    type: 'string',
    pattern: '^[0-9]{1,10}(\\.[0-9]{1,2})?$',
    description: 'Yuan (元), a decimal string with at most two decimals',
  }),
  isHouseholdIdNumber: () => ({
    type: 'string',
    pattern: '^[0-9]{17}[0-9Xx]$',
    description:
      '18-character resident ID number with a valid check character, not born in the future',
  }),
  'agreesWithIdNumber:sex': () => ({ description: 'Must agree with the ID number' }),
  'agreesWithIdNumber:birthDate': () => ({ description: 'Must agree with the ID number' }),
  isResidentIdNumber: () => ({
    type: 'string',
    pattern: '^[0-9]{17}[0-9Xx]$',
    description: '18-character resident ID number (公民身份号码) with a valid check character',
  }),
};

/**
 * Writes the DTO's validation rules into its schema (pattern, bounds, integer, enum, lengths)
 * and closes it (`additionalProperties: false`: the validation pipe refuses unknown fields).
 */
function constrainFromValidators(className: string, schema: OpenApiSchema): string[] {
  const rules = validatorsOf(className);
  if (rules.size === 0) return [];
  const undocumented: string[] = [];
  schema.additionalProperties = false;
  const properties = (schema.properties ?? {}) as Record<string, OpenApiSchema>;
  for (const [property, metadata] of rules) {
    const target = properties[property];
    if (target === undefined) {
      undocumented.push(`${className}.${property} is validated but not in the document`);
      continue;
    }
    for (const rule of metadata) {
      const key = rule.name ?? rule.type;
      if (rule.type === 'nestedValidation' || rule.type === 'conditionalValidation') continue;
      const toSchema = validatorSchemas[key];
      if (toSchema === undefined) {
        undocumented.push(`${className}.${property}: validator ${key} has no OpenAPI meaning`);
        continue;
      }
      const constraint = toSchema(rule.constraints ?? []);
      // A nested DTO is a $ref; its rules are on its own schema.
      if (target.$ref !== undefined || target.allOf !== undefined) continue;
      if (rule.each === true) {
        // `{ each: true }` checks every element of an array.
        const items = (target.items ??= {}) as OpenApiSchema;
        if (items.$ref === undefined) Object.assign(items, constraint);
        delete target.enum;
        continue;
      }
      Object.assign(target, constraint, {
        description: [target.description, constraint.description].filter(Boolean).join('. '),
      });
      if (target.description === '') delete target.description;
    }
  }
  return undocumented;
}
