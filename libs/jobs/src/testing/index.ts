import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureLoginRole, withLogin } from '@sunlight/postgres';
import type { JobsBackendConfig } from '../job-queues';
import { jobsSchemaDefault, prepareJobsSchema } from '../postgres';

/**
 * The Redis the tests use: REDIS_URL. Under CI (`CI=true`) a missing one fails the run instead of
 * skipping the Redis half of the suites, so a green CI always covered both backends.
 */
export function testRedisUrl(): string | undefined {
  const url = process.env.REDIS_URL?.trim();
  if (url) return url;
  if (process.env.CI === 'true') {
    throw new Error('REDIS_URL is not set: CI runs every job test on Redis too (set REDIS_URL)');
  }
  return undefined;
}

/** A key prefix no other test (or other developer's run on the shared Redis) uses. */
export function uniqueJobsPrefix(label: string): string {
  return `sunlight-test-${label}-${randomBytes(6).toString('hex')}`;
}

/**
 * A PostgreSQL jobs backend as the app has it: the schema prepared by the owner (`ownerUrl`, a
 * database of its own), and used through a login of a group role that may not create anything.
 */
export async function preparePostgresJobsBackend(
  ownerUrl: string,
): Promise<{ backend: JobsBackendConfig; dropRoles(adminUrl: string): Promise<void> }> {
  const suffix = randomBytes(5).toString('hex');
  const group = `jobs_test_group_${suffix}`;
  const login = { user: `jobs_test_login_${suffix}`, password: randomBytes(18).toString('hex') };
  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query(`CREATE ROLE ${owner.escapeIdentifier(group)} NOLOGIN`);
    await prepareJobsSchema(owner, { schema: jobsSchemaDefault, role: group });
    await ensureLoginRole(owner, login, group);
  } finally {
    await owner.end();
  }
  return {
    backend: {
      kind: 'postgres',
      connectionString: withLogin(ownerUrl, login),
      schema: jobsSchemaDefault,
    },
    /** Roles belong to the server: dropped (from `adminUrl`) once the test's database is gone. */
    async dropRoles(adminUrl: string) {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (const role of [login.user, group]) {
          await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
        }
      } finally {
        await client.end();
      }
    },
  };
}
