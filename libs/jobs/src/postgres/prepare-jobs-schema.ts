import type { ClientBase } from 'pg';
// BullMQ's own migrations (bullmq/dist/cjs/postgres, re-exported with its types by bullmq).
import { runMigrations } from 'bullmq';

/** The schema BullMQ's PostgreSQL backend keeps its queues in, beside the log. */
export const jobsSchemaDefault = 'sunlight_jobs';

/**
 * Run by the database's owner at start-up, like the log's migrations: BullMQ's own migrations
 * create its tables and functions in `schema`, then `role` (the app's group role) may use them.
 * The app itself then connects as its login with `migrate: false`, and so can never create or
 * drop anything there. `client` must be one session (the migrations take an advisory lock).
 */
export async function prepareJobsSchema(
  client: ClientBase,
  options: { schema: string; role: string },
): Promise<void> {
  await runMigrations(client, options.schema);
  const schema = client.escapeIdentifier(options.schema);
  const role = client.escapeIdentifier(options.role);
  await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  await client.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
  );
  await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
  await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}`);
}
