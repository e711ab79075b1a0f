import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
  WrongExpectedVersionError,
} from '@sunlight/event-store';
import {
  isHttpMappedError,
  problemContentType,
  problemTypeBase,
  problemTypeFor,
  type FieldError,
  type ProblemDetails,
} from './problem-details';
import { RequestValidationError } from './request-validation.error';

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
    if (exception instanceof RequestValidationError) {
      return {
        type: `${problemTypeBase}validation-failed`,
        title: 'The request is not valid',
        status: 400,
        detail: describeFields(exception.errors),
        errors: exception.errors,
      };
    }
    if (exception instanceof WrongExpectedVersionError) {
      return {
        type: `${problemTypeBase}wrong-expected-version`,
        title: 'The record was changed by someone else; reload it and retry',
        status: 409,
        detail: exception.message,
      };
    }
    if (exception instanceof InvalidAppendError) {
      return {
        type: `${problemTypeBase}invalid-append`,
        title: 'The events to append are not valid',
        status: 400,
        detail: exception.message,
        errors: [{ field: exception.field, message: exception.reason }],
      };
    }
    if (exception instanceof EventStoreUnavailableError) {
      this.logUnexpected(exception, request, 503);
      return {
        type: `${problemTypeBase}event-store-unavailable`,
        title: 'The event store is unavailable',
        status: 503,
        detail: 'The event store cannot be reached right now; nothing was written. Retry later.',
      };
    }
    if (isHttpMappedError(exception)) {
      return this.fromMappedError(exception, request);
    }
    if (exception instanceof HttpException) {
      return fromHttpException(exception);
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

  private fromMappedError(
    error: { httpStatus: number; code: string; message: string; title?: unknown; errors?: unknown },
    request: ProblemRequest,
  ): Problem {
    // A status outside 4xx/5xx is a bug in the domain error, not something to send to a client.
    if (!Number.isInteger(error.httpStatus) || error.httpStatus < 400 || error.httpStatus > 599) {
      this.logUnexpected(error, request, 500);
      return internalError();
    }
    if (error.httpStatus >= 500) this.logUnexpected(error, request, error.httpStatus);
    // A domain error about one input names it in `field`; clients find it where validation puts it.
    const field = (error as { field?: unknown }).field;
    const errors = isFieldErrorList(error.errors)
      ? error.errors
      : typeof field === 'string'
        ? [{ field, message: String(error.message) }]
        : undefined;
    return {
      type: problemTypeFor(error.code),
      title: typeof error.title === 'string' ? error.title : statusTitle(error.httpStatus),
      status: error.httpStatus,
      detail: String(error.message),
      ...(errors ? { errors } : {}),
    };
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
      type: `${problemTypeBase}malformed-json`,
      title: 'The request body is not valid JSON',
      status: 400,
      detail: `The request body could not be parsed as JSON: ${error.message}`,
    };
  }
  if (error.type === 'entity.too.large') {
    return {
      type: `${problemTypeBase}body-too-large`,
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

function describeFields(errors: readonly FieldError[]): string {
  const fields = [...new Set(errors.map((error) => error.field))];
  return `${fields.length === 1 ? '1 field is' : `${fields.length} fields are`} not valid: ${fields.join(', ')}.`;
}

function isFieldErrorList(value: unknown): value is FieldError[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as FieldError).field === 'string' &&
        typeof (item as FieldError).message === 'string',
    )
  );
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
