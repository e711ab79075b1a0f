// Proves end to end, over real HTTP, that an auditor holding only public keys can check an export offline: events appended in two counties, checkpointed, cosigned by four witnesses (province, prefecture, county, township), exported with `sunlight export --division` (the county's events in full, the other county's by leaf hash), then `sunlight audit` passes; and that each tamper of the bundle fails it with its own documented exit code: one altered byte of an event or of another division's leaf hash (12), a line removed (13), two lines swapped (14), a flipped signature byte (10), a required level's cosignature removed (11), and a checkpoint the log signed for another tree of the same size (15).
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import {
  openCheckpoint,
  parseVerifierKey,
  parseWitnessKeyList,
  signCheckpoint,
} from '@sunlight/integrity';
import { resolveLogKey } from '@sunlight/keys';
import type { Actor } from '@sunlight/kernel';
import { runSunlightInProcess } from './support/cli-run';
import { auditExitCodes } from '../src/auditor/main';
import { startTestApp, requireEnv, type TestApp } from './support/test-app';
import { actorClients, apiPrefix, type ActorClient } from './support/api-client';
import { eventually } from './support/async';
import { createTestDatabase, dropTestDatabase } from './support/test-database';

const jwtSecret = 'log-export-e2e-secret-'.padEnd(48, 'x');
const origin = 'sunlight.test/export';
const finance: Actor = { id: 'fin-530325', role: 'finance', division: '530325' };
const otherFinance: Actor = { id: 'fin-530102', role: 'finance', division: '530102' };
const commissions = [
  { level: 'province', division: '53' },
  { level: 'prefecture', division: '5303' },
  { level: 'county', division: '530325' },
  { level: 'township', division: '530325102' },
] as const;

describe('export and offline audit', () => {
  let databaseUrl: string;
  let dataDir: string;
  let testApp: TestApp;
  let as: (actor: Actor) => ActorClient;
  let baseUrl: string;
  let logVkey: string;
  let witnessEntries: string[];
  let bundle: string;
  let copies = 0;

  const sunlight = (args: string[]) =>
    runSunlightInProcess(args, {
      DATABASE_URL: databaseUrl,
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_ORIGIN: origin,
    });
  const keyFile = (level: string) => path.join(dataDir, `witness-${level}.key`);
  const audit = (dir: string, ...extra: string[]) =>
    sunlight([
      'audit',
      dir,
      '--log-key',
      logVkey,
      ...witnessEntries.flatMap((entry) => ['--witness-key', entry]),
      ...commissions.flatMap(({ level }) => ['--require-level', level]),
      ...extra,
    ]);
  /** A copy of the exported bundle to tamper with. */
  const copy = async (): Promise<string> => {
    const dir = path.join(dataDir, `tampered-${(copies += 1)}`);
    await cp(bundle, dir, { recursive: true });
    return dir;
  };
  const editFile = async (file: string, edit: (text: string) => string) =>
    writeFile(file, edit(await readFile(file, 'utf8')));
  const manifestOf = async (dir: string) =>
    JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));

  /**
   * Once the relay has written everything and the whole log is checkpointed, the four witnesses
   * cosign; again if the log moved meanwhile, until the latest checkpoint is the head's with all
   * four cosignatures.
   */
  const settle = async () => {
    const logVerifier = parseVerifierKey(logVkey).verifier;
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      await eventually(async () => {
        const head = Number(
          (await owner.query('SELECT max(position) AS head FROM events')).rows[0].head,
        );
        const pools = await owner.query(
          "SELECT 1 FROM events WHERE stream_name LIKE 'pool-export-2026-002%'",
        );
        expect(pools.rows.length).toBeGreaterThan(0);
        const before = await request(testApp.server).get(`${apiPrefix}/log/checkpoint`).expect(200);
        expect(
          openCheckpoint(before.text, { origin, logVerifiers: [logVerifier] }).checkpoint.size,
        ).toBe(head);
        for (const { level, division } of commissions) {
          const run = await sunlight([
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
            path.join(dataDir, `witness-${level}.json`),
            '--once',
          ]);
          expect({ level, ...run }).toMatchObject({ exitCode: 0 });
        }
        const after = await request(testApp.server).get(`${apiPrefix}/log/checkpoint`).expect(200);
        const opened = openCheckpoint(after.text, {
          origin,
          logVerifiers: [logVerifier],
          witnessVerifiers: parseWitnessKeyList(witnessEntries.join(',')).map((k) => k.verifier),
          witnessQuorum: 4,
        });
        expect(opened.checkpoint.size).toBe(head);
      });
    } finally {
      await owner.end();
    }
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(requireEnv('SUNLIGHT_TEST_PG_ADMIN_URL'), 'export');
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-export-e2e-'));
    witnessEntries = [];
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
      witnessEntries.push(made.stdout.trim());
    }
    testApp = await startTestApp({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_ORIGIN: origin,
      SUNLIGHT_WITNESS_KEYS: witnessEntries.join(','),
      CHECKPOINT_EVERY_EVENTS: '3',
      CHECKPOINT_INTERVAL_MS: '200',
    });
    baseUrl = `http://127.0.0.1:${(testApp.server.address() as AddressInfo).port}`;
    as = actorClients(testApp.server, jwtSecret);
    logVkey = (await resolveLogKey({ dataDir, logOrigin: origin })).verifierKey;

    // Two counties write; the export is the first one's.
    const fund = (actor: Actor, fundId: string, divisionCode: string) =>
      as(actor)
        .post('/funds', {
          fundId,
          name: '产业发展资金',
          fiscalYear: 2026,
          purposeCategory: '产业发展',
          source: '县级财政',
          appropriation: { divisionCode, amount: '500000.00' },
        })
        .expect(201);
    // The latest signed checkpoint's size (0 before the first).
    const checkpointSize = async (): Promise<number> => {
      const response = await request(testApp.server).get(`${apiPrefix}/log/checkpoint`);
      return response.status === 200 ? Number(response.text.split('\n')[1]) : 0;
    };
    await fund(finance, 'export-2026-001', '530325102');
    await fund(otherFinance, 'export-2026-002', '530102');
    for (let i = 1; i <= 4; i += 1) {
      // Each disbursement after a checkpoint of what came before, so the bundle holds several
      // checkpoints however fast the machine integrates (a quick one made one of everything).
      await eventually(async () => expect(await checkpointSize()).toBeGreaterThan(0));
      const before = await checkpointSize();
      await eventually(async () =>
        as(finance)
          .post('/funds/export-2026-001/disbursements', {
            transferId: `export-d-${i}`,
            divisionCode: '530325102',
            beneficiary: { kind: 'household', id: `hh-530325102201-00${i}`, name: '赵六' },
            amount: `${100 * i}.00`,
          })
          .expect(201),
      );
      await eventually(async () => expect(await checkpointSize()).toBeGreaterThan(before));
    }
    await settle();
    bundle = path.join(dataDir, 'bundle');
    const exported = await sunlight(['export', '--division', '530325', '--out', bundle]);
    expect(exported).toMatchObject({ exitCode: 0, stderr: '' });
    expect(exported.stdout).toMatch(/\(4 cosignatures\)/);
  });
  afterAll(async () => {
    await testApp?.close();
    await dropTestDatabase(databaseUrl);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes the untouched bundle: the county in full, the other county by leaf hash, four levels cosigned', async () => {
    const result = await audit(bundle);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /audit passed: .* (\d+) events in full and ([1-9]\d*) of other divisions/,
    );
    expect(result.stdout).toContain('township (witness-township-530325102)');
    const events = (await readFile(path.join(bundle, 'events.ndjson'), 'utf8')).trim().split('\n');
    const manifest = await manifestOf(bundle);
    expect(events).toHaveLength(manifest.to - manifest.from + 1);
    expect(manifest.checkpoints.length).toBeGreaterThan(1);
    // Of the other county, only its published fund line is shown; its pool's events are hashes.
    expect(events.filter((line) => line.includes('"stream":"pool-export-2026-002'))).toEqual([]);
    expect(events.filter((line) => line.includes('"stream":"fund-export-2026-002"'))).toHaveLength(
      1,
    );
  });

  it('audits a range of positions by dates too, with the compact range before it', async () => {
    const manifest = await manifestOf(bundle);
    const dir = path.join(dataDir, 'bundle-range');
    const today = new Date().toISOString().slice(0, 10);
    await settle();
    const exported = await sunlight([
      'export',
      '--division',
      '530325',
      '--from',
      '3',
      '--to',
      today,
      '--out',
      dir,
    ]);
    expect(exported.exitCode).toBe(0);
    const ranged = await manifestOf(dir);
    expect(ranged.from).toBe(3);
    expect(ranged.to).toBe(ranged.anchor);
    expect(ranged.to).toBeGreaterThanOrEqual(manifest.anchor);
    expect(ranged.leftRange.length).toBeGreaterThan(0);
    expect((await audit(dir)).exitCode).toBe(0);
  });

  it('fails one altered byte of an event with exit 12 (event altered)', async () => {
    const dir = await copy();
    // The third disbursement's 300.00 yuan, kept in fen: one digit changed.
    await editFile(path.join(dir, 'events.ndjson'), (text) => {
      expect(text).toContain('"amountFen":"30000"');
      return text.replace('"amountFen":"30000"', '"amountFen":"90000"');
    });
    const result = await audit(dir);
    expect(result.exitCode).toBe(auditExitCodes.eventAltered);
    expect(result.exitCode).toBe(12);
    expect(result.stderr).toMatch(/the event at position \d+ \(DisbursementRequested/);
  });

  it("fails one altered byte of another division's leaf hash with exit 12", async () => {
    const dir = await copy();
    await editFile(path.join(dir, 'events.ndjson'), (text) =>
      text.replace(
        /"leafHash":"(.)/,
        (_, first: string) => `"leafHash":"${first === 'A' ? 'B' : 'A'}`,
      ),
    );
    const result = await audit(dir);
    expect(result.exitCode).toBe(12);
    expect(result.stderr).toContain('do not make the tree the log signed');
  });

  it('fails an event removed from the range with exit 13', async () => {
    const dir = await copy();
    await editFile(path.join(dir, 'events.ndjson'), (text) => {
      const lines = text.split('\n');
      lines.splice(4, 1);
      return lines.join('\n');
    });
    const result = await audit(dir);
    expect(result.exitCode).toBe(13);
    expect(result.stderr).toContain('the event at position 5 is missing');
  });

  it('fails two events swapped with exit 14 (order changed)', async () => {
    const dir = await copy();
    await editFile(path.join(dir, 'events.ndjson'), (text) => {
      const lines = text.split('\n');
      [lines[2], lines[3]] = [lines[3], lines[2]];
      return lines.join('\n');
    });
    const result = await audit(dir);
    expect(result.exitCode).toBe(14);
  });

  it("fails a flipped byte of the log's signature with exit 10 (bad signature)", async () => {
    const dir = await copy();
    const { anchor } = await manifestOf(dir);
    await editFile(path.join(dir, 'checkpoints', `${anchor}.txt`), (text) =>
      text.replace(
        new RegExp(`(— ${origin} .{20})(.)`),
        (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`,
      ),
    );
    const result = await audit(dir);
    expect(result.exitCode).toBe(10);
  });

  it("fails a required level's cosignature removed with exit 11", async () => {
    const dir = await copy();
    const { anchor } = await manifestOf(dir);
    await editFile(path.join(dir, 'checkpoints', `${anchor}.txt`), (text) =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('— witness-township-'))
        .join('\n'),
    );
    const result = await audit(dir);
    expect(result.exitCode).toBe(11);
    expect(result.stderr).toContain('township');
    // Without that requirement the rest still checks.
    const relaxed = await sunlight([
      'audit',
      dir,
      '--log-key',
      logVkey,
      ...witnessEntries.flatMap((entry) => ['--witness-key', entry]),
      '--require-level',
      'county',
    ]);
    expect(relaxed.exitCode).toBe(0);
  });

  it('fails a checkpoint signed by the log for another tree of the same size with exit 15', async () => {
    const dir = await copy();
    const { checkpoints } = await manifestOf(dir);
    const size = checkpoints[0] as number;
    const { signer } = await resolveLogKey({ dataDir, logOrigin: origin });
    // The log's own key equivocating: a valid signature on a root the tree never had.
    await writeFile(
      path.join(dir, 'checkpoints', `${size}.txt`),
      signCheckpoint({ origin, size, rootHash: Buffer.alloc(32, 7), extensions: [] }, [signer]),
    );
    const result = await audit(dir);
    expect(result.exitCode).toBe(15);
    expect(result.stderr).toContain(`the checkpoints of ${size} and`);
  });

  it('refuses usage errors with exit 2 and an unreadable bundle with exit 1', async () => {
    expect((await sunlight(['audit', bundle])).exitCode).toBe(2);
    expect((await audit(path.join(dataDir, 'no-such-bundle'))).exitCode).toBe(1);
    expect(await readdir(bundle)).toEqual(
      expect.arrayContaining(['manifest.json', 'events.ndjson', 'proofs.ndjson', 'checkpoints']),
    );
  });
});
