import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { AppError } from '@sunlight/kernel';
import { ReadStoreUnavailableError } from '@sunlight/read-store';
import { isDatabaseConnectionLost } from './database-connection-lost';
import { problemContentType, problemTypeFor, type ProblemDetails } from './problem-details';

/** The parts of an Express request and response the filter touches; Express's types are not installed. */
interface ProblemRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
}
interface ProblemResponse {
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** Seconds a client should wait before retrying against an unavailable event store. */
const unavailableRetryAfterSeconds = 5;

type Problem = Omit<ProblemDetails, 'instance'>;

/**
 * Turns every exception into an RFC 9457 body. Known failures keep their meaning (400/409/503);
 * anything unknown becomes a 500 whose detail reveals nothing, and is logged with its stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Pick<Logger, 'error' | 'warn'> = new Logger(ProblemDetailsFilter.name),
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<ProblemRequest>();
    const response = http.getResponse<ProblemResponse>();
    const problem = this.toProblem(exception, request);
    const body: ProblemDetails = { ...problem, instance: pathOf(request) };

    if (response.headersSent) {
      // A streamed response already committed its status; all that is left is to stop it.
      response.end();
      return;
    }
    response.statusCode = body.status;
    response.setHeader('Content-Type', `${problemContentType}; charset=utf-8`);
    if (body.status === 503)
      response.setHeader('Retry-After', String(unavailableRetryAfterSeconds));
    response.end(JSON.stringify(body));
  }

  toProblem(exception: unknown, request: ProblemRequest): Problem {
    if (exception instanceof AppError) return this.fromAppError(exception, request);
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (exception instanceof ReadStoreUnavailableError) {
      this.logUnexpected(exception, request, 503);
      return {
        type: problemTypeFor('READ_STORE.UNAVAILABLE'),
        title: 'The read models are unavailable',
        status: 503,
        detail: 'The read models cannot be reached right now; nothing was changed. Retry later.',
      };
    }
    if (isDatabaseConnectionLost(exception)) {
      this.logUnexpected(exception, request, 503);
      return {
        type: problemTypeFor('EVENT_STORE.UNAVAILABLE'),
        title: 'The event store is unavailable',
        status: 503,
        detail: isRead(request)
          ? 'The connection to the database was lost while answering; nothing was changed. Retry later.'
          : // Unlike a refused connection, a lost one may have dropped after the commit.
            'The connection to the event store was lost while answering; the command may or may ' +
            'not have been recorded. Retry it: repeating a command with the same id is safe.',
      };
    }
    const bodyError = asBodyParserError(exception);
    if (bodyError) {
      // The body parser runs before the request logger is attached, so without this line a
      // rejected body would leave no trace in the logs.
      this.logger.warn(
        `${bodyError.status} on ${request.method ?? '?'} ${pathOf(request)}: body rejected: ${bodyError.message}`,
      );
      return fromBodyParserError(bodyError);
    }
    this.logUnexpected(exception, request, 500);
    return internalError();
  }

  private fromAppError(error: AppError, request: ProblemRequest): Problem {
    // A status outside 4xx/5xx is a bug in the error class, not something to send to a client.
    if (!Number.isInteger(error.httpStatus) || error.httpStatus < 400 || error.httpStatus > 599) {
      this.logUnexpected(error, request, 500);
      return internalError();
    }
    const base = {
      type: problemTypeFor(error.code),
      title: error.title ?? statusTitle(error.httpStatus),
      status: error.httpStatus,
    };
    if (error.httpStatus >= 500) {
      // A server-side failure's message can name hosts and internals; it goes to the log only.
      this.logUnexpected(error, request, error.httpStatus);
      return { ...base, detail: serverErrorDetails[error.code] ?? statusTitle(error.httpStatus) };
    }
    // An error about one input names it in `field`; clients find it where validation puts it.
    const errors =
      error.errors ??
      (error.field === undefined ? undefined : [{ field: error.field, message: error.message }]);
    return { ...base, detail: error.message, ...(errors ? { errors: [...errors] } : {}) };
  }

  private logUnexpected(exception: unknown, request: ProblemRequest, status: number): void {
    const where = `${request.method ?? '?'} ${pathOf(request)}`;
    if (exception instanceof Error) {
      this.logger.error(
        `${status} on ${where}: ${exception.name}: ${exception.message}`,
        exception.stack ?? '',
      );
    } else {
      this.logger.error(`${status} on ${where}: non-error thrown: ${safeString(exception)}`);
    }
  }
}

function isRead(request: ProblemRequest): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}

/** What a client is told of a server-side failure, by code; the rest is in the log. */
const serverErrorDetails: Readonly<Record<string, string>> = {
  'EVENT_STORE.UNAVAILABLE':
    'The event store cannot be reached right now; nothing was written. Retry later.',
};

function fromHttpException(exception: HttpException): Problem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let detail = exception.message;
  if (typeof response === 'string') {
    detail = response;
  } else if (typeof response === 'object' && response !== null && 'message' in response) {
    const message = (response as { message: unknown }).message;
    detail = Array.isArray(message) ? message.map(String).join('; ') : String(message);
  }
  // `about:blank` is RFC 9457's type for "nothing more than the status code", with its phrase as title.
  return { type: 'about:blank', title: statusTitle(status), status, detail };
}

/** The shape of errors from body-parser and other `http-errors` users. */
interface BodyParserError {
  status: number;
  type?: string;
  message: string;
  expose: boolean;
}

function asBodyParserError(exception: unknown): BodyParserError | undefined {
  if (!(exception instanceof Error)) return undefined;
  const candidate = exception as Error & {
    status?: unknown;
    statusCode?: unknown;
    type?: unknown;
    expose?: unknown;
  };
  const status = typeof candidate.status === 'number' ? candidate.status : candidate.statusCode;
  if (
    typeof status !== 'number' ||
    status < 400 ||
    status > 599 ||
    typeof candidate.expose !== 'boolean'
  ) {
    return undefined;
  }
  return {
    status,
    type: typeof candidate.type === 'string' ? candidate.type : undefined,
    message: candidate.message,
    expose: candidate.expose,
  };
}

function fromBodyParserError(error: BodyParserError): Problem {
  if (error.type === 'entity.parse.failed') {
    return {
      type: problemTypeFor('REQUEST.MALFORMED_JSON'),
      title: 'The request body is not valid JSON',
      status: 400,
      detail: `The request body could not be parsed as JSON: ${error.message}`,
    };
  }
  if (error.type === 'entity.too.large') {
    return {
      type: problemTypeFor('REQUEST.BODY_TOO_LARGE'),
      title: 'The request body is too large',
      status: 413,
      detail: error.message,
    };
  }
  // http-errors marks messages that are safe to show with `expose`; 5xx ones never are.
  const detail = error.expose ? error.message : statusTitle(error.status);
  return { type: 'about:blank', title: statusTitle(error.status), status: error.status, detail };
}

function internalError(): Problem {
  return {
    type: 'about:blank',
    title: statusTitle(500),
    status: 500,
    detail: 'An unexpected error occurred. It has been logged; nothing about it is shown here.',
  };
}

function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function pathOf(request: ProblemRequest): string {
  // The query string is dropped: it may carry tokens or personal data.
  return (request.originalUrl ?? request.url ?? '').split('?')[0] ?? '';
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
