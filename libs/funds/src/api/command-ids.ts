import { commandIdsFromHeaders, type CommandIds } from '@sunlight/event-store';

/** Request headers a client may send to tie its commands together (X-Correlation-Id, X-Request-Id). */
export interface CommandRequest {
  headers: Record<string, string | string[] | undefined>;
  id?: unknown;
}

export function commandIdsOf(request: CommandRequest): CommandIds {
  return commandIdsFromHeaders(request.headers);
}

export function nowIso(): string {
  return new Date().toISOString();
}
