import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers, stdTimeFunctions } from 'pino';
import type { AppConfig } from '../config/app-config';

// An incoming id is reused only when it is short and plain, so a client cannot inject log lines.
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
// Probes and scrapes hit these every few seconds; logging each would drown the useful lines.
const quietPaths = new Set(['/health', '/metrics']);

export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id =
    typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

/** Levels at which pino-http writes a line for every request (on completion). */
const accessLogLevels: ReadonlySet<AppConfig['logLevel']> = new Set(['info', 'debug', 'trace']);

/** The request as error lines name it when no access lines are written: enough to find it. */
export function leanRequest(request: IncomingMessage & { id?: unknown }): {
  id: unknown;
  method: string | undefined;
  url: string | undefined;
} {
  return { id: request.id, method: request.method, url: request.url };
}

/**
 * Without access lines (a level above info) a request appears only in an error line. pino-http
 * still builds every request's child logger with the full request (headers copied, then
 * redacted), a measurable share of a request's CPU for lines never written (docs/performance.md);
 * the lean form carries no headers, so no credential can reach it either.
 */
function serializersFor(config: AppConfig): Record<string, unknown> {
  if (accessLogLevels.has(config.logLevel)) return {};
  return {
    wrapSerializers: false,
    serializers: { req: leanRequest, res: stdSerializers.res, err: stdSerializers.err },
  };
}

/** JSON logs with a request id on every line, and credentials never written. */
export function loggerParams(config: AppConfig): Params {
  return {
    // Express 5's path syntax: nestjs-pino's default '*' is rewritten (with a warning) under a global prefix.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      timestamp: stdTimeFunctions.isoTime,
      genReqId: requestIdFor,
      // Per-request lines carry the id only; the full request is logged once, on completion.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      autoLogging: { ignore: (request) => quietPaths.has((request.url ?? '').split('?')[0] ?? '') },
      // pino-http writes every completion at info, failures included, so at LOG_LEVEL=warn a
      // 500 left no line at all: failures are errors, refusals warnings.
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500
          ? 'error'
          : response.statusCode >= 400
            ? 'warn'
            : 'info',
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      ...serializersFor(config),
    },
  };
}
