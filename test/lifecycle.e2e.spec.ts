// Proves with real processes of the built app on their own embedded PostgreSQL that (1) after SIGTERM under keep-alive load, idle kept-alive connections close at once, new connections are refused, requests arriving on open connections get 503 and write nothing, a request in flight finishes with its real answer and is recorded, one still unfinished at SHUTDOWN_DRAIN_MS is cut, no answer is a 500, the process exits 0 and its PostgreSQL is gone; (2) after a SIGKILL, the PostgreSQL left running is stopped by the next start, which runs and later stops its own, data intact; (3) the start-up log names the address really bound.
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { signAccessToken } from '@sunlight/auth';
import { freePort } from '../bench/support/free-port';
import { eventually } from './support/async';
import { ensureBuilt, startChildApp, waitForHealth, type ChildApp } from './support/child-app';
import { holdRequest, parseRawAnswer, send } from './support/http-raw';

const jwtSecret = 'lifecycle-e2e-secret-'.padEnd(48, 'l');
const township = '530325102';
const finance = signAccessToken(jwtSecret, {
  actor: { id: 'fin-530325-chen', role: 'finance', division: '530325' },
});
const drainMs = 5_000;

const fundBody = (fundId: string) => ({
  fundId,
  name: '停机测试资金',
  fiscalYear: 2026,
  purposeCategory: '产业发展',
  source: '县级财政',
  appropriation: { divisionCode: township, amount: '500000.00' },
});
const disbursement = (transferId: string) => ({
  transferId,
  divisionCode: township,
  beneficiary: {
    kind: 'household',
    id: 'hh-530325102201-001',
    name: '张三',
    idNumber: '530325198001011232',
  },
  amount: '1.00',
});

/** The postmaster's pid from the cluster's postmaster.pid, or undefined when there is none. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** Exited, or a zombie nobody has reaped yet (PostgreSQL's parent was killed). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function recordedDisbursements(embeddedPort: number): Promise<Set<string>> {
  const client = new Client({
    connectionString: `postgres://postgres:sunlight@127.0.0.1:${embeddedPort}/sunlight`,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      "SELECT data ->> 'transferId' AS id FROM events WHERE type = 'DisbursementRequested'",
    );
    return new Set(rows.map((row) => row.id));
  } finally {
    await client.end();
  }
}

/** Each test starts app processes on embedded PostgreSQL: minutes on a loaded 2-core machine. */
const processTestTimeoutMs = 300_000;

describe('the app process from start to stop, on its own embedded PostgreSQL', () => {
  let scratch: string;
  const dataDirs: string[] = [];
  const apps: ChildApp[] = [];

  beforeAll(async () => {
    ensureBuilt();
    scratch = await mkdtemp(path.join(tmpdir(), 'sunlight-lifecycle-'));
    // Under root the server runs as `postgres`, which must be able to reach the clusters below.
    await chmod(scratch, 0o755);
  });

  afterAll(async () => {
    for (const app of apps) await app.stop(2_000);
    // A failed test may leave a server behind; it must not outlive the run.
    for (const dataDir of dataDirs) {
      const pid = postmasterPid(dataDir);
      if (pid !== undefined && !processGone(pid)) process.kill(pid, 'SIGINT');
    }
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function start(dataDir: string, env: Record<string, string>): Promise<ChildApp> {
    const app = await startChildApp({
      SUNLIGHT_DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: 'info',
      ...env,
    });
    apps.push(app);
    await waitForHealth(app, (body) => body.status === 'ok', 120_000);
    return app;
  }

  it(
    'drains on SIGTERM under keep-alive load: refuses new work, finishes work in flight, cuts what outlives the bound, exits 0 and stops its PostgreSQL last',
    async () => {
      const dataDir = path.join(scratch, 'drain');
      dataDirs.push(dataDir);
      const embeddedPort = await freePort();
      const app = await start(dataDir, {
        EMBEDDED_PG_PORT: String(embeddedPort),
        SHUTDOWN_DRAIN_MS: String(drainMs),
      });
      const port = Number(new URL(app.baseUrl).port);
      const fundId = 'drain-2026-001';
      const created = await send(new Agent(), app.baseUrl, 'POST', '/api/v1/funds', {
        token: finance,
        body: fundBody(fundId),
      });
      expect(created.status).toBe(201);
      const pgPid = postmasterPid(dataDir) as number;
      expect(processGone(pgPid)).toBe(false);

      // Three clients sending commands back to back, each on one kept-alive connection.
      let signalled = false;
      /** `late`: answered (or failed) after the signal was sent. */
      const outcomes: { transferId: string; status?: number; error?: string; late: boolean }[] = [];
      const worker = async (index: number) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let sequence = 0; sequence < 5_000; sequence += 1) {
            const transferId = `load-${index}-${sequence}`;
            try {
              const answer = await send(agent, app.baseUrl, 'POST', disbursementsPath(fundId), {
                token: finance,
                body: disbursement(transferId),
              });
              outcomes.push({ transferId, status: answer.status, late: signalled });
              if (answer.status !== 201) return;
            } catch (error) {
              // A request sent as its idle connection was being closed: the client sees the close.
              outcomes.push({ transferId, error: (error as Error).message, late: signalled });
              return;
            }
          }
        } finally {
          agent.destroy();
        }
      };
      const workers = [0, 1, 2].map(worker);
      await eventually(async () => expect(outcomes.length).toBeGreaterThanOrEqual(9), 30_000);

      // One request in flight, one that never finishes, and one connection idle after a request.
      const inFlight = holdRequest(
        port,
        'POST',
        disbursementsPath(fundId),
        finance,
        disbursement('in-flight'),
      );
      const stuck = holdRequest(
        port,
        'POST',
        disbursementsPath(fundId),
        finance,
        disbursement('stuck'),
      );
      const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const idleSocket = new Promise<Socket>((resolve) => idleAgent.once('free', resolve));
      // Answered after the server has read the two held requests' headers, which arrived first.
      expect((await send(idleAgent, app.baseUrl, 'GET', '/health')).status).toBe(200);
      const idle = await idleSocket;
      expect(idle.destroyed).toBe(false);
      const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 100));

      signalled = true;
      app.child.kill('SIGTERM');

      await within(idleClosed, drainMs, 'the idle kept-alive connection was not closed at once');
      // Refused: no listener (ECONNREFUSED), or a listener closing as the connection arrives,
      // which resets it unanswered (ECONNRESET) — on a quick machine the drain can be that far.
      await expect(send(new Agent(), app.baseUrl, 'GET', '/health')).rejects.toMatchObject({
        code: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET)$/),
      });
      inFlight.finish();
      const inFlightAnswer = parseRawAnswer(await inFlight.closed);
      expect(inFlightAnswer).toMatchObject({ status: 201, headers: { connection: 'close' } });
      await Promise.all(workers);
      await within(stuck.closed, drainMs * 2, 'the unfinished request was not cut at the bound');
      const exit = await within(app.exited, drainMs + 30_000, 'the app did not exit');
      expect({ exit, output: exit.code === 0 ? '' : app.output() }).toEqual({
        exit: { code: 0, signal: null },
        output: '',
      });
      await eventually(async () => expect(processGone(pgPid)).toBe(true), 10_000);
      expect(postmasterPid(dataDir)).toBeUndefined();

      // Every answer was real: 201 before or during the drain, 503 for a request that reached an
      // open connection after it began (most find their connection closed instead); never 500.
      expect(
        outcomes.filter(
          (outcome) => outcome.status !== undefined && ![201, 503].includes(outcome.status),
        ),
      ).toEqual([]);
      expect(outcomes.filter((outcome) => !outcome.late && outcome.status !== 201)).toEqual([]);
      const ends = [0, 1, 2].map((index) =>
        outcomes.filter((outcome) => outcome.transferId.startsWith(`load-${index}-`)).at(-1),
      );
      for (const end of ends) expect(end?.status === 503 || end?.error !== undefined).toBe(true);
      expect(app.output()).toMatch(/"1 of \d+ requests in flight were cut off after 5000 ms/);

      // What was answered 201 is in the log; what was refused, or cut, is not.
      const restarted = await start(dataDir, { EMBEDDED_PG_PORT: String(embeddedPort) });
      const recorded = await recordedDisbursements(embeddedPort);
      const accepted = outcomes
        .filter((outcome) => outcome.status === 201)
        .map((o) => o.transferId);
      const refused = outcomes.filter((outcome) => outcome.status === 503).map((o) => o.transferId);
      expect(accepted.filter((id) => !recorded.has(id))).toEqual([]);
      expect(refused.filter((id) => recorded.has(id))).toEqual([]);
      expect(recorded.has('in-flight')).toBe(true);
      expect(recorded.has('stuck')).toBe(false);
      await restarted.stop();
      expect(await restarted.exited).toEqual({ code: 0, signal: null });
    },
    processTestTimeoutMs,
  );

  it(
    'stops the PostgreSQL a SIGKILLed app left running, starts and stops its own, keeps the data, and logs the address really bound',
    async () => {
      const dataDir = path.join(scratch, 'killed');
      dataDirs.push(dataDir);
      const embeddedPort = String(await freePort());
      const first = await start(dataDir, { EMBEDDED_PG_PORT: embeddedPort, HOST: '0.0.0.0' });
      const port = new URL(first.baseUrl).port;
      // Nest's getUrl() says 127.0.0.1 for a server bound to every interface.
      expect(first.output()).toContain(`Sunlight listening on 0.0.0.0:${port} (every interface)`);
      expect(first.output()).toContain(`OpenAPI JSON at http://localhost:${port}/docs-json`);
      const fundId = 'killed-2026-001';
      expect(
        (
          await send(new Agent(), first.baseUrl, 'POST', '/api/v1/funds', {
            token: finance,
            body: fundBody(fundId),
          })
        ).status,
      ).toBe(201);
      const leftOver = postmasterPid(dataDir) as number;

      first.child.kill('SIGKILL');
      await first.exited;
      // The premise: nothing stops a server whose owner was killed outright.
      expect(processGone(leftOver)).toBe(false);

      // At warn the notice is not pushed out of the kept output by the start-up lines.
      const second = await start(dataDir, { EMBEDDED_PG_PORT: embeddedPort, LOG_LEVEL: 'warn' });
      const own = postmasterPid(dataDir) as number;
      expect(own).not.toBe(leftOver);
      expect(processGone(leftOver)).toBe(true);
      expect(second.output()).toContain(
        `stopping a PostgreSQL left over on ${path.join(dataDir, 'pg')}`,
      );
      const fund = await send(new Agent(), second.baseUrl, 'GET', `/api/v1/funds/${fundId}`, {
        token: finance,
      });
      expect(fund.status).toBe(200);

      await second.stop();
      expect(await second.exited).toEqual({ code: 0, signal: null });
      await eventually(async () => expect(processGone(own)).toBe(true), 10_000);
      expect(postmasterPid(dataDir)).toBeUndefined();
    },
    processTestTimeoutMs,
  );
});

function disbursementsPath(fundId: string): string {
  return `/api/v1/funds/${fundId}/disbursements`;
}
