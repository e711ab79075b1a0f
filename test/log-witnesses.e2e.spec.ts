// Proves over real HTTP that four commission witnesses (province, prefecture, county, township), each run as `sunlight witness` with its own key made by `sunlight witness-key`, check and cosign the log's checkpoints, that the app keeps only cosignatures by its configured witnesses that verify and serves the checkpoint with them, that a witness cosigns a grown log only after its consistency proof checks, and that a fork (the log truncated and regrown with other events by the database superuser, triggers off) is refused by the witness with both signed checkpoints printed and exit code 8.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import {
  chainHash,
  openCheckpoint,
  parseNote,
  parseVerifierKey,
  parseWitnessKeyList,
  type NoteVerifier,
  type WitnessKey,
} from '@sunlight/integrity';
import { resolveLogKey } from '@sunlight/keys';
import type { Actor } from '@sunlight/kernel';
import { runSunlightInProcess } from './support/cli-run';
import { startTestApp, requireEnv, type TestApp } from './support/test-app';
import { actorClients, apiPrefix, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'log-witnesses-e2e-secret-'.padEnd(48, 'w');
const origin = 'sunlight.test/witnesses';
const finance: Actor = { id: 'fin-530325', role: 'finance', division: '530325' };
const commissions = [
  { level: 'province', division: '53' },
  { level: 'prefecture', division: '5303' },
  { level: 'county', division: '530325' },
  { level: 'township', division: '530325102' },
] as const;

const sunlight = runSunlightInProcess;

describe('witnesses per commission level', () => {
  let databaseUrl: string;
  let dataDir: string;
  let testApp: TestApp;
  let as: (actor: Actor) => ActorClient;
  let baseUrl: string;
  let logVkey: string;
  let logVerifier: NoteVerifier;
  let witnessKeys: WitnessKey[];
  let disbursed = 0;

  const keyFile = (level: string) => path.join(dataDir, `witness-${level}.key`);
  const stateFile = (level: string) => path.join(dataDir, `witness-${level}.json`);
  const witness = (level: string, division: string) =>
    sunlight([
      'witness',
      '--level',
      level,
      '--division',
      division,
      '--url',
      baseUrl,
      '--key',
      keyFile(level),
      '--log-key',
      logVkey,
      '--state',
      stateFile(level),
      '--once',
    ]);
  const asOwner = async <T>(work: (owner: Client) => Promise<T>): Promise<T> => {
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      return await work(owner);
    } finally {
      await owner.end();
    }
  };
  const head = () =>
    asOwner(async (owner) =>
      Number(
        (await owner.query('SELECT coalesce(max(position), 0) AS head FROM events')).rows[0].head,
      ),
    );
  /** Disbursements, then the checkpoint of the whole log once the integrator signed it. */
  const appendAndCheckpoint = async (count: number): Promise<number> => {
    for (let i = 0; i < count; i += 1) {
      disbursed += 1;
      await eventually(async () =>
        as(finance)
          .post('/funds/witness-2026-001/disbursements', {
            transferId: `witness-d-${disbursed}`,
            divisionCode: '530325102',
            beneficiary: { kind: 'household', id: `hh-530325102201-00${disbursed}`, name: '王五' },
            amount: `${100 * disbursed}.00`,
          })
          .expect(201),
      );
    }
    const size = await head();
    await eventually(async () => {
      const served = await request(testApp.server).get(`${apiPrefix}/log/checkpoint`).expect(200);
      expect(
        openCheckpoint(served.text, { origin, logVerifiers: [logVerifier] }).checkpoint.size,
      ).toBe(size);
    });
    return size;
  };
  const served = async () => {
    const response = await request(testApp.server).get(`${apiPrefix}/log/checkpoint`).expect(200);
    return response.text;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'witnesses');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-witness-e2e-'));
    // Each commission makes its own key; the operator configures the public halves with levels.
    const entries: string[] = [];
    for (const { level, division } of commissions) {
      const made = await sunlight([
        'witness-key',
        '--key',
        keyFile(level),
        '--level',
        level,
        '--division',
        division,
      ]);
      expect(made.exitCode).toBe(0);
      entries.push(made.stdout.trim());
    }
    witnessKeys = parseWitnessKeyList(entries.join(','));
    testApp = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_ORIGIN: origin,
      SUNLIGHT_WITNESS_KEYS: entries.join(','),
      CHECKPOINT_EVERY_EVENTS: '2',
      CHECKPOINT_INTERVAL_MS: '200',
    });
    baseUrl = `http://127.0.0.1:${(testApp.server.address() as AddressInfo).port}`;
    as = actorClients(testApp.server, jwtSecret);
    logVkey = (await resolveLogKey({ dataDir, logOrigin: origin })).verifierKey;
    logVerifier = parseVerifierKey(logVkey).verifier;
    await as(finance)
      .post('/funds', {
        fundId: 'witness-2026-001',
        name: '富源县产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325102', amount: '500000.00' },
      })
      .expect(201);
  });
  afterAll(async () => {
    await testApp?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads a kept witness key back instead of replacing it', async () => {
    const before = await readFile(keyFile('county'), 'utf8');
    const again = await sunlight(['witness-key', '--key', keyFile('county'), '--level', 'county']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout.trim()).toBe(`county:${witnessKeys[2].vkey}`);
    expect(await readFile(keyFile('county'), 'utf8')).toBe(before);
  });

  it('has all four witnesses cosign, and serves the checkpoint with their cosignatures', async () => {
    const size = await appendAndCheckpoint(3);
    for (const { level, division } of commissions) {
      const run = await witness(level, division);
      expect({ level, ...run }).toMatchObject({ exitCode: 0, stderr: '' });
      expect(run.stdout).toContain(`cosigned ${origin} ${size} `);
    }
    const opened = openCheckpoint(await served(), {
      origin,
      logVerifiers: [logVerifier],
      witnessVerifiers: witnessKeys.map((key) => key.verifier),
      witnessQuorum: 4,
    });
    expect(opened.checkpoint.size).toBe(size);
    expect(opened.cosignatures.map((c) => c.keyName).sort()).toEqual(
      commissions.map(({ level, division }) => `witness-${level}-${division}`).sort(),
    );
    // The same checkpoint again: nothing new to cosign.
    const again = await witness('province', '53');
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain(`already cosigned ${origin} ${size}`);
  });

  it('cosigns a grown log once the consistency proof from its last checkpoint checks', async () => {
    const size = await appendAndCheckpoint(2);
    const run = await witness('county', '530325');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`cosigned ${origin} ${size} `);
    const state = JSON.parse(await readFile(stateFile('county'), 'utf8'));
    expect(state.checkpoint.split('\n')[1]).toBe(String(size));
  });

  it('keeps only valid cosignatures by configured witnesses', async () => {
    const text = await served();
    const size = Number(text.split('\n')[1]);
    const countyLine = text.split('\n').find((line) => line.startsWith('— witness-county-'));
    expect(countyLine).toBeDefined();
    // The same line again is a replay: 200, nothing written.
    const replay = await request(testApp.server)
      .post(`${apiPrefix}/log/cosignatures`)
      .send({ size, cosignature: countyLine })
      .expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ size, witness: 'witness-county-530325', level: 'county' });
    // One flipped bit of the signature.
    const bytes = Buffer.from((countyLine as string).split(' ')[2], 'base64');
    bytes[bytes.length - 1] ^= 1;
    const forged = `— witness-county-530325 ${bytes.toString('base64')}`;
    expectProblem(
      await request(testApp.server)
        .post(`${apiPrefix}/log/cosignatures`)
        .send({ size, cosignature: forged }),
      422,
    );
    // A witness the log was not configured with.
    const stranger = `— witness-county-999999 ${bytes.toString('base64')}`;
    const refused = await request(testApp.server)
      .post(`${apiPrefix}/log/cosignatures`)
      .send({ size, cosignature: stranger });
    expectProblem(refused, 422);
    expect(refused.body.detail).toContain('SUNLIGHT_WITNESS_KEYS');
    // Another checkpoint's size: not valid there.
    const earlier = await request(testApp.server)
      .post(`${apiPrefix}/log/cosignatures`)
      .send({ size: size - 1, cosignature: countyLine });
    expect([404, 422]).toContain(earlier.status);
    // Malformed: a 400 naming the field.
    const bad = await request(testApp.server)
      .post(`${apiPrefix}/log/cosignatures`)
      .send({ size, cosignature: 'not a signature line' });
    expectProblem(bad, 400);
    expect(JSON.stringify(bad.body)).toContain('cosignature');
    // Still exactly the valid one is served.
    const lines = (await served())
      .split('\n')
      .filter((line) => line.startsWith('— witness-county-'));
    expect(lines).toEqual([countyLine]);
  });

  it('refuses a fork: the log truncated and regrown with other events by the superuser (exit 8)', async () => {
    const cosigned = await served();
    const size = Number(cosigned.split('\n')[1]);
    const keep = size - 2;
    await asOwner(async (owner) => {
      await owner.query('BEGIN');
      await owner.query('SET LOCAL session_replication_role = replica');
      await owner.query('DELETE FROM events WHERE position > $1', [keep]);
      await owner.query('DELETE FROM merkle_nodes WHERE (index + 1) * (1::bigint << level) > $1', [
        keep,
      ]);
      const { rows } = await owner.query<{ hash: Buffer }>(
        'SELECT hash FROM events WHERE position = $1',
        [keep],
      );
      await owner.query('UPDATE merkle_tree SET size = $1, chain_hash = $2', [keep, rows[0].hash]);
      await owner.query('DELETE FROM log_cosignatures WHERE size > $1', [keep]);
      await owner.query('DELETE FROM log_checkpoints WHERE size > $1', [keep]);
      // Regrown past the cosigned size with other events, every hash chained as the app would.
      let prev = rows[0].hash;
      for (let position = keep + 1; position <= size + 2; position += 1) {
        const event = {
          position: String(position),
          stream: 'pool-forged.530325',
          revision: String(position - keep - 1),
          id: randomUUID(),
          type: 'FundsReceived',
          data: { amount: '999999.00', forged: true },
          metadata: {},
          recordedAt: new Date().toISOString(),
        };
        prev = chainHash(prev, event);
        await owner.query(
          `INSERT INTO events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            position,
            event.stream,
            event.revision,
            event.id,
            event.type,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata),
            event.recordedAt,
            prev,
          ],
        );
      }
      await owner.query('COMMIT');
    });
    // The integrator follows the regrown log and signs it with the log's own key.
    const forked = await eventually(async () => {
      const text = await served();
      const opened = openCheckpoint(text, { origin, logVerifiers: [logVerifier] });
      expect(opened.checkpoint.size).toBe(size + 2);
      return text;
    });
    const run = await witness('county', '530325');
    expect(run.exitCode).toBe(8);
    expect(run.stdout).toContain('FORK: the tree of');
    // Both signed checkpoints, as evidence anyone holding the log's key can check.
    expect(run.stdout).toContain(parseNote(cosigned).text);
    expect(run.stdout).toContain(parseNote(forked).text);
    expect(run.stderr).toContain('refused to cosign');
    // Nothing cosigned, and the state still holds the checkpoint cosigned before.
    expect(await served()).not.toContain('— witness-county-');
    const state = JSON.parse(await readFile(stateFile('county'), 'utf8'));
    expect(parseNote(state.checkpoint).text).toBe(parseNote(cosigned).text);
  });
});
