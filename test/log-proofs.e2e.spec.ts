// Proves over real HTTP that the Merkle tree follows the log and that an outsider holding only the log's public key can check what the API serves with libs/integrity alone: the signed checkpoint, an inclusion proof of every event (recomputing each leaf from the event served), consistency between two checkpoints, a tlog-proof bundle, and the root rebuilt from the C2SP tiles; that an event's proof is read inside the caller's jurisdiction only; that bad input is a 400 naming the field; and that /metrics shows the tree's lag.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import {
  eventLeafHash,
  openCheckpoint,
  parseVerifierKey,
  readRoot,
  TileNodeReader,
  tilePath,
  verifyConsistency,
  verifyInclusion,
  verifyTlogProof,
  type NoteVerifier,
  type TileId,
} from '@sunlight/integrity';
import { resolveLogKey } from '@sunlight/keys';
import type { Actor } from '@sunlight/kernel';
import { startTestApp, requireEnv, type TestApp } from './support/test-app';
import { actorClients, apiPrefix, expectProblem, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'log-proofs-e2e-secret-'.padEnd(48, 'l');
const origin = 'sunlight.test/e2e-log';
const finance: Actor = { id: 'fin-530325', role: 'finance', division: '530325' };
const elsewhere: Actor = { id: 'cm-530102', role: 'commission', division: '530102' };
const b64 = (text: string) => Buffer.from(text, 'base64');

describe('the log for outsiders: checkpoints, proofs and tiles over HTTP', () => {
  let databaseUrl: string;
  let dataDir: string;
  let testApp: TestApp;
  let server: Server;
  let as: (actor: Actor) => ActorClient;
  let logVerifier: NoteVerifier;
  let headPosition: number;

  const head = async (): Promise<number> => {
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ head: string }>(
        'SELECT coalesce(max(position), 0) AS head FROM events',
      );
      return Number(rows[0].head);
    } finally {
      await owner.end();
    }
  };
  const latestCheckpoint = async (minSize: number) =>
    eventually(async () => {
      const response = await request(server).get(`${apiPrefix}/log/checkpoint`).expect(200);
      const opened = openCheckpoint(response.text, { origin, logVerifiers: [logVerifier] });
      expect(opened.checkpoint.size).toBeGreaterThanOrEqual(minSize);
      return opened;
    });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'log_proofs');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-log-e2e-'));
    testApp = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_ORIGIN: origin,
      CHECKPOINT_EVERY_EVENTS: '4',
      CHECKPOINT_INTERVAL_MS: '300',
    });
    server = testApp.server;
    as = actorClients(server, jwtSecret);
    // What an outsider is given: the vkey (`npx sunlight log-key` prints the same).
    const { verifierKey } = await resolveLogKey({ dataDir, logOrigin: origin });
    logVerifier = parseVerifierKey(verifierKey).verifier;

    await as(finance)
      .post('/funds', {
        fundId: 'log-2026-001',
        name: '富源县产业发展资金',
        fiscalYear: 2026,
        purposeCategory: '产业发展',
        source: '县级财政',
        appropriation: { divisionCode: '530325102', amount: '500000.00' },
      })
      .expect(201);
    for (let i = 1; i <= 5; i += 1) {
      await eventually(async () =>
        as(finance)
          .post('/funds/log-2026-001/disbursements', {
            transferId: `log-d-${i}`,
            divisionCode: '530325102',
            beneficiary: { kind: 'household', id: `hh-530325102201-00${i}`, name: '张三' },
            amount: `${100 * i}.00`,
          })
          .expect(201),
      );
    }
    headPosition = await head();
  });
  afterAll(async () => {
    await testApp?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs a checkpoint of the whole log within a few seconds, valid under the published key', async () => {
    const opened = await latestCheckpoint(headPosition);
    expect(opened.checkpoint).toMatchObject({ origin, size: headPosition });
    const text = (await request(server).get(`${apiPrefix}/log/checkpoint`)).text;
    expect(text.split('\n').slice(0, 2)).toEqual([origin, String(headPosition)]);
  });

  it('proves every event in the checkpoint, the leaf recomputed from the event served', async () => {
    const { checkpoint } = await latestCheckpoint(headPosition);
    for (let position = 1; position <= headPosition; position += 1) {
      const { body } = await as(finance)
        .get(`/log/proofs/inclusion?position=${position}&treeSize=${checkpoint.size}`)
        .expect(200);
      expect(body.event.position).toBe(String(position));
      const leafHash = eventLeafHash(body.event);
      expect(leafHash.toString('base64')).toBe(body.leafHash);
      verifyInclusion(
        leafHash,
        position - 1,
        checkpoint.size,
        body.proof.map(b64),
        checkpoint.rootHash,
      );
    }
  });

  it('refuses a flipped proof hash or another event against the same checkpoint', async () => {
    const { checkpoint } = await latestCheckpoint(headPosition);
    const { body } = await as(finance)
      .get(`/log/proofs/inclusion?position=2&treeSize=${checkpoint.size}`)
      .expect(200);
    const proof: Buffer[] = body.proof.map(b64);
    proof[0][0] ^= 1;
    expect(() =>
      verifyInclusion(eventLeafHash(body.event), 1, checkpoint.size, proof, checkpoint.rootHash),
    ).toThrow(expect.objectContaining({ code: 'MERKLE.ROOT_MISMATCH' }));
    const edited = { ...body.event, data: { ...body.event.data, amountFen: '999999999' } };
    expect(() =>
      verifyInclusion(
        eventLeafHash(edited),
        1,
        checkpoint.size,
        body.proof.map(b64),
        checkpoint.rootHash,
      ),
    ).toThrow(expect.objectContaining({ code: 'MERKLE.ROOT_MISMATCH' }));
  });

  it('proves the latest checkpoint consistent with an earlier one', async () => {
    const first = await latestCheckpoint(headPosition);
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    const { rows } = await owner.query<{ size: string }>(
      'SELECT size FROM log_checkpoints WHERE size > 0 ORDER BY size LIMIT 1',
    );
    await owner.end();
    const earlier = (
      await request(server).get(`${apiPrefix}/log/checkpoints?size=${rows[0].size}`).expect(200)
    ).text;
    const old = openCheckpoint(earlier, { origin, logVerifiers: [logVerifier] }).checkpoint;
    const { body } = await request(server)
      .get(`${apiPrefix}/log/proofs/consistency?from=${old.size}&to=${first.checkpoint.size}`)
      .expect(200);
    verifyConsistency(
      old.size,
      first.checkpoint.size,
      body.proof.map(b64),
      old.rootHash,
      first.checkpoint.rootHash,
    );
  });

  it('serves a tlog-proof bundle that verifies offline', async () => {
    await latestCheckpoint(headPosition);
    const { body } = await as(finance).get('/log/proofs/inclusion?position=3').expect(200);
    const bundle = await as(finance).get('/log/proofs/tlog-proof?position=3').expect(200);
    expect(bundle.headers['content-type']).toMatch(/^text\/plain/);
    const verified = verifyTlogProof(bundle.text, eventLeafHash(body.event), {
      origin,
      logVerifiers: [logVerifier],
    });
    expect(verified.index).toBe(2);
  });

  it('serves immutable tiles from which a tlog-tiles client rebuilds the checkpoint root', async () => {
    const { checkpoint } = await latestCheckpoint(headPosition);
    const fetched: string[] = [];
    const reader = new TileNodeReader(
      {
        getTiles: (tiles: readonly TileId[]) =>
          Promise.all(
            tiles.map(async (tile) => {
              fetched.push(tilePath(tile));
              const response = await request(server)
                .get(`${apiPrefix}/log/${tilePath(tile)}`)
                .buffer(true)
                .parse((res, done) => {
                  const chunks: Buffer[] = [];
                  res.on('data', (chunk: Buffer) => chunks.push(chunk));
                  res.on('end', () => done(null, Buffer.concat(chunks)));
                })
                .expect(200);
              expect(response.headers['cache-control']).toContain('immutable');
              return response.body as Buffer;
            }),
          ),
      },
      checkpoint.size,
    );
    expect((await readRoot(reader, checkpoint.size)).equals(checkpoint.rootHash)).toBe(true);
    expect(fetched).toEqual([`tile/0/000.p/${checkpoint.size}`]);
    await request(server).get(`${apiPrefix}/log/tile/0/000.p/255`).expect(404);
    await request(server).get(`${apiPrefix}/log/tile/entries/000`).expect(404);
  });

  it("reads an event's proof inside the caller's jurisdiction only", async () => {
    await latestCheckpoint(headPosition);
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    const { rows } = await owner.query<{ position: string; stream_name: string }>(
      'SELECT position, stream_name FROM events ORDER BY position',
    );
    await owner.end();
    const pool = rows.find((row) => row.stream_name.startsWith('pool-'));
    const fund = rows.find((row) => row.stream_name.startsWith('fund-'));
    const refused = await as(elsewhere).get(`/log/proofs/inclusion?position=${pool?.position}`);
    expectProblem(refused, 403);
    // Fund lines are published (公告公示): their events are everyone's to check.
    await as(elsewhere).get(`/log/proofs/inclusion?position=${fund?.position}`).expect(200);
    expectProblem(await request(server).get(`${apiPrefix}/log/proofs/inclusion?position=1`), 401);
  });

  it('answers bad input with a problem naming the field, and sizes beyond the tree with 404', async () => {
    expectProblem(await as(finance).get('/log/proofs/inclusion?position=abc'), 400, ['position']);
    expectProblem(await as(finance).get('/log/proofs/inclusion'), 400, ['position']);
    expectProblem(await as(finance).get('/log/proofs/inclusion?position=1&treeSize=0'), 400, [
      'treeSize',
    ]);
    expectProblem(await as(finance).get('/log/proofs/inclusion?position=1&treeSize=999999'), 404);
    expectProblem(await as(finance).get('/log/proofs/inclusion?position=999999'), 404);
    expectProblem(await request(server).get(`${apiPrefix}/log/proofs/consistency?from=1`), 400, [
      'to',
    ]);
    expectProblem(
      await request(server).get(`${apiPrefix}/log/proofs/consistency?from=3&to=2`),
      404,
    );
    expectProblem(await request(server).get(`${apiPrefix}/log/checkpoints?size=x`), 400, ['size']);
    expectProblem(await request(server).get(`${apiPrefix}/log/checkpoints?size=777777`), 404);
  });

  it('shows on /metrics how far the tree trails the log', async () => {
    await latestCheckpoint(headPosition);
    const metrics = (await request(server).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^sunlight_merkle_lag_events 0$/m);
    expect(metrics).toMatch(new RegExp(`^sunlight_merkle_tree_size ${headPosition}$`, 'm'));
    expect(metrics).toMatch(/^sunlight_merkle_integrator_failures 0$/m);
  });
});
