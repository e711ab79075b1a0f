/**
 * SQLSTATE classes and codes that mean the database went away or would not take the
 * connection, not that the statement was wrong: 08 connection exception, 57P01 admin_shutdown
 * (the server is stopping), 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300
 * too_many_connections, 3D000 invalid_catalog_name (the database was dropped or renamed under the
 * running app: no connection can be made until it is back).
 */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
// node-postgres reports a dropped connection or a closed pool with a plain Error and no code.
const unavailableMessages = [
  /^Connection terminated/,
  /connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
];

/**
 * True for a driver error that escaped an adapter unmapped and says the database connection was
 * lost (a server shutting down ends every session with 57P01); such a request gets the event
 * store's 503, not a 500 that reads as a bug.
 */
export function isDatabaseConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (unavailableSqlStates.has(code) || unavailableSocketCodes.has(code)) return true;
  }
  return unavailableMessages.some((pattern) => pattern.test(error.message));
}
