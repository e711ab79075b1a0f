import { randomUUID } from 'node:crypto';
import type { CommandIds } from '../application/command-envelope';

/** Request headers a client may send to tie its commands together (X-Correlation-Id, X-Request-Id). */
export interface CommandRequest {
  headers: Record<string, string | string[] | undefined>;
  id?: unknown;
}

const headerIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh command id; the correlation id comes from the caller when it sent a sane one. */
export function commandIdsOf(request: CommandRequest): CommandIds {
  const header = request.headers['x-correlation-id'] ?? request.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  const commandId = randomUUID();
  return { commandId, correlationId: value !== undefined && headerIdPattern.test(value) ? value : commandId };
}

export function nowIso(): string {
  return new Date().toISOString();
}
