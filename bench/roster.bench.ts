/**
 * `npm run bench:roster`: rosters (花名册) as a county uploads them. Import (upload → every line
 * checked and recorded → parsed) of a 10,000- and a 100,000-line roster, each as CSV and as XLSX,
 * then the approval of the 100,000-line CSV roster into 100,000 disbursement requests. Lines are
 * counted at full scale; `--scale` multiplies them (0.1: 1,000 and 10,000 lines).
 *
 * The API runs without workers (`serve`, RUN_WORKERS=false); every measured job runs in a fresh
 * `sunlight worker` process, so its peak resident memory (VmHWM) is that job's alone. Targets of
 * issue 15: 100,000 lines parsed and recorded in under 30 s (≥ 3,333 lines/s), a worker's peak
 * memory under 512 MB, approval ≥ 5,000 requests/s. A missed target is printed, never an error.
 *
 * Flags: --scale S (default 1), --formats csv,xlsx, --database-url URL (a new database on that
 * server; default an embedded PostgreSQL), --redis-url URL (jobs on Redis; default on PostgreSQL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { signAccessToken } from '@sunlight/auth';
import { makeIdNumber } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { startApp } from './support/app-process';
import { benchDatabase } from './support/bench-database';
import { readBenchFlags, runBench } from './support/bench-flags';
import { rosterFlags } from './support/bench-options';
import { BenchReport, figure } from './support/bench-report';
import { stopChild } from './support/child-process';
import { peakRssMbOf } from './support/proc-status';

const jwtSecret = 'roster-bench-secret-'.padEnd(48, 'b');
const fundId = 'bench-roster-fund';
const township = '530325102';
const village = '530325102202';
const fullScaleLines = [10_000, 100_000];
const importTargetLinesPerSecond = 100_000 / 30;
const peakRssTargetMb = 512;
const approvalTargetPerSecond = 5_000;
const jobTimeoutMs = 30 * 60_000;
const users = {
  clerk: { id: 'u-bench-clerk', role: 'finance', division: township },
  county: { id: 'u-bench-county', role: 'finance', division: '530325' },
  approver: { id: 'u-bench-approver', role: 'approver', division: '530325' },
} satisfies Record<string, Actor>;
const header = ['姓名', '身份证号', '村组', '银行账号', '金额'];

/** Line `index` of a roster: a person of their own (a birth date per line), a valid ID number. */
function line(index: number): string[] {
  const birth = new Date(Date.UTC(1940, 0, 1) + Math.floor(index / 900) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replace(/-/g, '');
  const sequence = String(100 + (index % 900));
  return [
    `村民${index}`,
    makeIdNumber('530325', birth, sequence),
    `${village}-${1 + (index % 9)}`,
    `62284800${String(index).padStart(10, '0')}`,
    `${100 + (index % 50)}.50`,
  ];
}

function csvRoster(lines: number, tag: string): Buffer {
  const parts = [`${header.join(',')}\n`];
  for (let index = 0; index < lines; index += 1) parts.push(`${line(index).join(',')}\n`);
  // A comment line would be a data line: the tag goes into a note column instead.
  parts[0] = `${header.join(',')},备注\n`;
  for (let index = 1; index < parts.length; index += 1)
    parts[index] = `${(parts[index] as string).slice(0, -1)},${tag}\n`;
  return Buffer.from(parts.join(''), 'utf8');
}

async function xlsxRoster(lines: number, tag: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow([...header, '备注']);
  for (let index = 0; index < lines; index += 1) sheet.addRow([...line(index), tag]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

interface WorkerProcess {
  child: ChildProcess;
  /** Resolves once the worker says its job workers run (it logs at info for this). */
  ready: Promise<void>;
  peakRssMb(): number | undefined;
}

const workerStartTimeoutMs = 120_000;

function startWorker(env: Record<string, string>): WorkerProcess {
  const cli = path.resolve(process.env.BENCH_APP_DIR ?? '.', 'dist/src/cli.js');
  // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/worker-profile" to profile it.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '')
    .split(' ')
    .filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...nodeArgs, cli, 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`the worker did not start in ${workerStartTimeoutMs} ms`)),
      workerStartTimeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      if (seen === 'ready') return;
      seen = (seen + chunk.toString('utf8')).slice(-4_000);
      if (seen.includes('Sunlight worker running')) {
        seen = 'ready';
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before it was ready`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    peakRssMb: () => (child.pid === undefined ? undefined : peakRssMbOf(child.pid)),
  };
}

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), rosterFlags);
  const sizes = fullScaleLines.map((lines) => Math.max(100, Math.round(lines * flags.scale)));
  const largest = sizes[sizes.length - 1] as number;
  const report = new BenchReport('roster');
  const database = await benchDatabase(flags['database-url']);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-bench-roster-'));
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    SUNLIGHT_DATA_DIR: dataDir,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    UPLOAD_BYTES_MAX: String(200 * 1024 * 1024),
    ...(flags['redis-url'] === undefined
      ? {}
      : { REDIS_URL: flags['redis-url'], JOBS_PREFIX: `bench-roster-${Date.now()}` }),
  };
  const app = await startApp({ ...env, RUN_WORKERS: 'false' });
  const base = `http://127.0.0.1:${app.port}/api/v1`;
  const call = async (actor: Actor, method: string, route: string, body?: FormData | object) => {
    const isForm = body instanceof FormData;
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${signAccessToken(jwtSecret, { actor })}`,
        ...(body === undefined || isForm ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: isForm ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const waitForJob = async (actor: Actor, jobId: string) => {
    const deadline = Date.now() + jobTimeoutMs;
    for (;;) {
      const job = await call(actor, 'GET', `/jobs/${jobId}`);
      if (job['state'] === 'completed') return job;
      if (job['state'] === 'failed')
        throw new Error(`job ${jobId} failed: ${String(job['error'])}`);
      if (Date.now() > deadline) throw new Error(`job ${jobId} not done in ${jobTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** Runs `measured` with a fresh worker; answers the seconds it took and the worker's peak. */
  const withWorker = async (measured: () => Promise<void>) => {
    const worker = startWorker(env);
    try {
      // The clock starts with the request, once the worker runs: its start-up is not the job's.
      await worker.ready;
      const started = performance.now();
      await measured();
      const seconds = (performance.now() - started) / 1000;
      return { seconds, peakRssMb: worker.peakRssMb() ?? Number.NaN };
    } finally {
      await stopChild(worker.child, 15_000);
    }
  };

  try {
    await call(users.county, 'POST', '/funds', {
      fundId,
      name: '基准测试产业发展资金',
      fiscalYear: 2026,
      purposeCategory: '产业发展',
      source: '县级财政',
      appropriation: { divisionCode: township, amount: '900000000.00' },
    });

    let approvalRoster: { rosterId: string; lines: number } | undefined;
    for (const lines of sizes) {
      for (const format of flags.formats) {
        const tag = `${format}-${lines}`;
        const bytes = format === 'csv' ? csvRoster(lines, tag) : await xlsxRoster(lines, tag);
        let rosterId = '';
        const { seconds, peakRssMb } = await withWorker(async () => {
          const form = new FormData();
          form.append('fundId', fundId);
          form.append('divisionCode', township);
          form.append('purpose', '产业发展补助');
          form.append('period', `基准 ${tag}`);
          form.append('file', new Blob([bytes]), `roster-${tag}.${format}`);
          const uploaded = await call(users.clerk, 'POST', '/rosters', form);
          rosterId = uploaded['rosterId'] as string;
          await waitForJob(users.clerk, uploaded['jobId'] as string);
        });
        const summary = await call(users.clerk, 'GET', `/rosters/${rosterId}`);
        if (summary['accepted'] !== lines) {
          throw new Error(
            `roster ${tag}: ${String(summary['accepted'])} of ${lines} lines accepted`,
          );
        }
        const perSecond = lines / seconds;
        const workload = `import ${figure(lines)} ${format.toUpperCase()} (${figure(bytes.length / 1024 / 1024, 1)} MB)`;
        report.add(workload, 'lines/s', perSecond, 'lines/s');
        report.add(workload, 'seconds', seconds, 's');
        report.add(workload, 'worker peak RSS', peakRssMb, 'MB');
        console.log(
          `${workload}: ${figure(perSecond)} lines/s, ${figure(seconds, 1)} s, worker peak ${figure(peakRssMb)} MB`,
        );
        if (lines === largest) {
          report.ratio(
            `import ${format} lines/s ÷ ${figure(importTargetLinesPerSecond)} (100,000 in 30 s)`,
            [perSecond / importTargetLinesPerSecond],
            { atLeast: 1 },
            `${figure(perSecond)} lines/s over ${figure(lines)} lines`,
          );
          report.ratio(
            `import ${format} worker peak RSS ÷ ${peakRssTargetMb} MB`,
            [peakRssMb / peakRssTargetMb],
            { atMost: 1 },
            `${figure(peakRssMb)} MB`,
          );
          if (format === 'csv') approvalRoster = { rosterId, lines };
        }
      }
    }

    if (approvalRoster !== undefined) {
      const { rosterId, lines } = approvalRoster;
      const { seconds, peakRssMb } = await withWorker(async () => {
        const approved = await call(users.approver, 'POST', `/rosters/${rosterId}/approve`);
        const job = await waitForJob(users.approver, approved['jobId'] as string);
        const requested = (job['result'] as { requested?: number } | undefined)?.requested;
        if (requested !== lines) throw new Error(`approval requested ${requested} of ${lines}`);
      });
      const perSecond = lines / seconds;
      const workload = `approve ${figure(lines)} lines`;
      report.add(workload, 'requests/s', perSecond, 'requests/s');
      report.add(workload, 'seconds', seconds, 's');
      report.add(workload, 'worker peak RSS', peakRssMb, 'MB');
      report.ratio(
        `approval requests/s ÷ ${figure(approvalTargetPerSecond)}`,
        [perSecond / approvalTargetPerSecond],
        { atLeast: 1 },
        `${figure(perSecond)} DisbursementRequested/s over ${figure(lines)} lines, worker peak ${figure(peakRssMb)} MB`,
      );
    }
    report.finish({ scale: flags.scale, sizes, formats: flags.formats });
  } finally {
    await app.stop();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
