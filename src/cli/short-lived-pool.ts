import { Pool } from 'pg';

/**
 * A one-connection pool for a command's single pass over the database. pool.end() resolves
 * before its clients' sockets have closed: a server that ends them in that moment (a database
 * dropped, a restart) makes an idle client emit 'error' on the pool, which would crash the
 * process over a connection nobody needs any more. Errors of the queries themselves still
 * reject their promises.
 */
export function shortLivedPool(connectionString: string): Pool {
  const pool = new Pool({ connectionString, max: 1 });
  pool.on('error', () => undefined);
  return pool;
}
