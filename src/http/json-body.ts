import type { NestExpressApplication } from '@nestjs/platform-express';

/** Bodies are JSON commands, never bulk uploads (those go through their own streaming routes). */
export const jsonBodyLimitBytes = 1024 * 1024;

/** A body-parser failure, re-thrown under a type Nest leaves alone. */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly type: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Installs the JSON body parser with an explicit limit. Nest rewrites body-parser's SyntaxError
 * into a bare BadRequestException and loses the reason, so parser failures are re-thrown as a
 * `RequestBodyError` first; the problem-details filter then answers 400 `malformed-json`.
 */
export function useJsonBody(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: jsonBodyLimitBytes });
  app.use(
    (error: unknown, _request: unknown, _response: unknown, next: (error?: unknown) => void) => {
      const parserError = error as {
        status?: unknown;
        type?: unknown;
        message?: unknown;
        expose?: unknown;
      };
      if (
        typeof parserError?.status === 'number' &&
        typeof parserError.type === 'string' &&
        parserError.expose === true
      ) {
        next(
          new RequestBodyError(parserError.status, parserError.type, String(parserError.message)),
        );
        return;
      }
      next(error);
    },
  );
}
