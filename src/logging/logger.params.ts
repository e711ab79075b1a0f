import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { AppConfig } from '../config/app-config';

// An incoming id is reused only when it is short and plain, so a client cannot inject log lines.
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
// Probes and scrapes hit these every few seconds; logging each would drown the useful lines.
const quietPaths = new Set(['/health', '/metrics']);

export function requestIdFor(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
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
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
  };
}
