import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Creates a fresh, uniquely named database next to `adminUrl` and returns its URL. */
export async function createTestDatabase(adminUrl: string, label: string): Promise<string> {
  const name = `sunlight_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL servers the suites run against: the embedded one always, DATABASE_URL's when set. */
export function postgresTargets(): { label: string; adminUrl: string }[] {
  const targets = [
    { label: 'embedded PostgreSQL', adminUrl: requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL') },
  ];
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/postgres';
    targets.push({ label: `DATABASE_URL PostgreSQL (${url.host})`, adminUrl: url.toString() });
  }
  return targets;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the tests through jest.config.js (its globalSetup starts PostgreSQL)`,
    );
  return value;
}
