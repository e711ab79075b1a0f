// Proves that `sunlight verify` catches, as a database superuser with the immutability triggers off, the two attacks the hash chain alone passes: deleting the last events (exit 6, also when the later checkpoints are deleted too, given a checkpoint kept outside the database) and editing an event and recomputing every later hash (exit 5); that a checkpoint not signed by the log's key is refused (exit 7); and that an untouched log passes with its checkpoints counted.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { verifyPostgresLog } from '@sunlight/event-store/postgres';
import {
  chainHash,
  ed25519NoteSigner,
  ed25519PrivateKeyFromSeed,
  genesisHash,
  signCheckpoint,
} from '@sunlight/integrity';
import { resolveSnapshotKey } from '@sunlight/keys';
import type { Actor } from '@sunlight/kernel';
import { resolveDatabase } from '@sunlight/postgres';
import { runCli } from '../src/cli';
import { checkBlobs } from '../src/cli/blob-check';
import { checkSnapshots } from '../src/cli/snapshot-check';
import { startTestApp, requireEnv } from './support/test-app';
import { actorClients } from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'log-tampering-e2e-secret-'.padEnd(48, 't');
const origin = 'sunlight.test/tampering';
const finance: Actor = { id: 'fin-530325', role: 'finance', division: '530325' };

describe('sunlight verify against the signed checkpoints', () => {
  const adminUrl = requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL');
  let baseUrl: string;
  let databaseUrl: string;
  let dataDir: string;
  let keptCheckpointFile: string;
  let headPosition: number;

  const asOwner = async <T>(work: (owner: Client) => Promise<T>): Promise<T> => {
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      return await work(owner);
    } finally {
      await owner.end();
    }
  };
  /** Behind the application's back: a superuser with every trigger switched off. */
  const tamper = (work: (owner: Client) => Promise<void>) =>
    asOwner(async (owner) => {
      await owner.query('BEGIN');
      await owner.query('SET LOCAL session_replication_role = replica');
      await work(owner);
      await owner.query('COMMIT');
    });
  const verify = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const exitCode = await runCli(['node', 'sunlight', 'verify', ...args], {
      env: { DATABASE_URL: databaseUrl, SUNLIGHT_DATA_DIR: dataDir, SUNLIGHT_LOG_ORIGIN: origin },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      now: () => 0,
      resolveDatabase,
      verifyPostgresLog,
      checkSnapshots,
      checkBlobs,
      resolveSnapshotKey,
      bootstrap: async () => {
        throw new Error('not used');
      },
      openApp: async () => {
        throw new Error('not used');
      },
      describeApi: async () => {
        throw new Error('not used');
      },
    });
    return { exitCode, stdout, stderr };
  };

  beforeAll(async () => {
    baseUrl = await createTestDatabase(adminUrl, 'tamper_base');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-tamper-e2e-'));
    const testApp = await startTestApp({
      DATABASE_URL: baseUrl,
      JWT_SECRET: jwtSecret,
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_ORIGIN: origin,
      CHECKPOINT_EVERY_EVENTS: '2',
      CHECKPOINT_INTERVAL_MS: '200',
    });
    try {
      const as = actorClients(testApp.server, jwtSecret);
      await as(finance)
        .post('/funds', {
          fundId: 'tamper-2026-001',
          name: '富源县产业发展资金',
          fiscalYear: 2026,
          purposeCategory: '产业发展',
          source: '县级财政',
          appropriation: { divisionCode: '530325102', amount: '500000.00' },
        })
        .expect(201);
      for (let i = 1; i <= 4; i += 1) {
        await eventually(async () =>
          as(finance)
            .post('/funds/tamper-2026-001/disbursements', {
              transferId: `tamper-d-${i}`,
              divisionCode: '530325102',
              beneficiary: { kind: 'household', id: `hh-530325102201-00${i}`, name: '李四' },
              amount: `${1000 * i}.00`,
            })
            .expect(201),
        );
      }
      databaseUrl = baseUrl;
      headPosition = await asOwner(async (owner) =>
        Number((await owner.query('SELECT max(position) AS head FROM events')).rows[0].head),
      );
      // What a witness keeps: the latest checkpoint, outside the database.
      const kept = await eventually(() =>
        asOwner(async (owner) => {
          const { rows } = await owner.query<{ note: string }>(
            'SELECT note FROM log_checkpoints WHERE size = $1',
            [headPosition],
          );
          expect(rows).toHaveLength(1);
          return rows[0].note;
        }),
      );
      keptCheckpointFile = path.join(dataDir, 'kept-checkpoint');
      await writeFile(keptCheckpointFile, kept);
    } finally {
      await testApp.close();
    }
  });
  beforeEach(async () => {
    // Each attack on a fresh copy of the log the app wrote.
    const copyName = `sunlight_test_tamper_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    const baseName = new URL(baseUrl).pathname.slice(1);
    await admin.query(`CREATE DATABASE ${copyName} TEMPLATE ${baseName}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${copyName}`;
    databaseUrl = url.toString();
  });
  afterEach(async () => {
    await dropTestDatabase(databaseUrl);
  });
  afterAll(async () => {
    await dropTestDatabase(baseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes the untouched log, counting the checkpoints it recomputed', async () => {
    const result = await verify('--checkpoint', keptCheckpointFile);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`verified ${headPosition} events`);
    expect(result.stdout).toMatch(
      new RegExp(`verified \\d+ signed checkpoints .*the largest of ${headPosition} events`),
    );
  });

  it('catches the last events deleted, which the chain alone passes (exit 6)', async () => {
    await tamper(async (owner) => {
      await owner.query('DELETE FROM events WHERE position > $1', [headPosition - 2]);
    });
    const result = await verify();
    expect(result.stdout).toContain(`verified ${headPosition - 2} events`);
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain(`the log ends at position ${headPosition - 2}`);
  });

  it('catches the deletion with a kept checkpoint when the later checkpoints were deleted too', async () => {
    await tamper(async (owner) => {
      await owner.query('DELETE FROM events WHERE position > $1', [headPosition - 2]);
      await owner.query('DELETE FROM log_checkpoints WHERE size > $1', [headPosition - 2]);
    });
    // The database alone now tells a consistent, shorter story: only an outside copy shows it.
    expect((await verify()).exitCode).toBe(0);
    const result = await verify('--checkpoint', keptCheckpointFile);
    expect(result.exitCode).toBe(6);
  });

  it('catches an event edited and every later hash recomputed, which the chain alone passes (exit 5)', async () => {
    await tamper(async (owner) => {
      const { rows } = await owner.query('SELECT * FROM events ORDER BY position');
      let prev = genesisHash;
      for (const row of rows) {
        const data =
          Number(row.position) === 3
            ? { ...row.data, amount: '999999.00', edited: true }
            : row.data;
        const hash = chainHash(prev, {
          position: row.position,
          stream: row.stream_name,
          revision: row.revision,
          id: row.event_id,
          type: row.type,
          data,
          metadata: row.metadata,
          recordedAt: row.recorded_at.toISOString(),
        });
        await owner.query('UPDATE events SET data = $1, hash = $2 WHERE position = $3', [
          JSON.stringify(data),
          hash,
          row.position,
        ]);
        prev = hash;
      }
    });
    const result = await verify();
    expect(result.stdout).toContain(`verified ${headPosition} events`);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toMatch(/root_mismatch: the signed checkpoint of \d+ events/);
  });

  it('refuses a checkpoint that the log key did not sign (exit 7)', async () => {
    const forger = ed25519NoteSigner(origin, ed25519PrivateKeyFromSeed(Buffer.alloc(32, 3)));
    const note = signCheckpoint(
      { origin, size: headPosition + 1, rootHash: Buffer.alloc(32, 1), extensions: [] },
      [forger],
    );
    await tamper(async (owner) => {
      await owner.query(
        'INSERT INTO log_checkpoints (size, root_hash, note, signed_at) VALUES ($1, $2, $3, now())',
        [headPosition + 1, Buffer.alloc(32, 1), note],
      );
    });
    const result = await verify();
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain('invalid_checkpoint');
  });
});
