import { EventStoreUnavailableError } from '../errors';

// Connection-level failures: the store is unreachable, not the request wrong.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  // invalid_catalog_name: the database was dropped (or renamed) under a running app.
  '3D000',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08001',
  '08004',
]);

/** The driver's error as `EventStoreUnavailableError` when the server could not be reached. */
export function toUnavailable(error: unknown, message: string): unknown {
  const code = (error as { code?: string }).code;
  if (code !== undefined && unavailableCodes.has(code)) {
    return new EventStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  }
  if ((error as Error).message?.includes('Connection terminated')) {
    return new EventStoreUnavailableError(`${message}: ${(error as Error).message}`, error);
  }
  return error;
}

/** Runs one statement; `name` prepares it once per connection. */
export type StoreQuery = <Row extends object>(
  name: string | undefined,
  text: string,
  values: unknown[],
) => Promise<{ rows: Row[] }>;
