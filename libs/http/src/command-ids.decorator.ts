import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { commandIdsFromHeaders, type CommandIds } from '@sunlight/event-store';

interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The ids a command's events carry: a fresh command id, and the correlation id the client sent
 * as X-Correlation-Id or X-Request-Id (when sane) to tie its commands together.
 */
export const RequestCommandIds = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CommandIds =>
    commandIdsFromHeaders(context.switchToHttp().getRequest<RequestWithHeaders>().headers),
);

/** Business time of a command received now. */
export function nowIso(): string {
  return new Date().toISOString();
}
