import { signAccessToken } from '@sunlight/auth/jwt';
import type { Actor } from '@sunlight/kernel';
import {
  csvOf,
  fuyuanCounty,
  type FuyuanScenario,
  type ScenarioRoster,
  type ScenarioRosterKey,
} from './fuyuan-scenario';

/*
 * Loads the fuyuan scenario through a running Sunlight's HTTP API, as the county's people would:
 * the commission imports the six registry snapshots, the county's finance office creates the two
 * fund lines, the county and the township upload their rosters, an approver approves each roster
 * (never its uploader), another approver approves every payment, and the bank's settlement file
 * marks them paid. Every call goes through the same routes, checks and jobs as a user's.
 */

export interface FuyuanLoadOptions {
  /** The API's base, e.g. http://127.0.0.1:3000 (the /api/v1 prefix is added). */
  baseUrl: string;
  /** The key the server verifies tokens with (JWT_SECRET). */
  jwtSecret: string;
  /** Payments approved at once. */
  concurrency?: number;
  /** How long one job (a parse, an import, an approval, a settlement) may take. */
  jobTimeoutMs?: number;
  progress?: (line: string) => void;
}

export interface LoadedRoster {
  key: ScenarioRosterKey;
  rosterId: string;
  fileSha256: string;
  accepted: number;
  rejected: number;
  paid: number;
  uploadedBy: string;
  approvedBy: string;
  /** Wall-clock time of each step, so a slow load says where it waited. */
  stepsMs: { parse: number; approve: number; payments: number; settle: number };
}

export interface FuyuanLoadSummary {
  snapshots: {
    kind: string;
    snapshotId: string;
    fileSha256: string;
    rows: number;
    rejectedRows: number;
  }[];
  rosters: LoadedRoster[];
  registriesMs: number;
}

const township = (scenario: FuyuanScenario) =>
  scenario.rosters.find((roster) => roster.key === 'industry-fabricated')?.divisionCode as string;

/** The scenario's people: each role a different person, so maker-checker holds everywhere. */
export function fuyuanActors(scenario: FuyuanScenario) {
  return {
    commission: { id: 'fy-jw-530325', role: 'commission', division: fuyuanCounty },
    countyFinance: { id: 'fy-cz-530325', role: 'finance', division: fuyuanCounty },
    townshipClerk: {
      id: `fy-clerk-${township(scenario)}`,
      role: 'finance',
      division: township(scenario),
    },
    approver: { id: 'fy-approver-530325', role: 'approver', division: fuyuanCounty },
    paymentApprover: { id: 'fy-payments-530325', role: 'approver', division: fuyuanCounty },
    bank: { id: 'fy-bank-530325', role: 'bank', division: fuyuanCounty },
  } satisfies Record<string, Actor>;
}

/** Concurrent requests at most, whatever `concurrency` asks. */
const concurrencyMax = 32;
const pollIntervalMs = 250;

export class FuyuanLoadError extends Error {
  override readonly name = 'FuyuanLoadError';
}

export async function loadFuyuan(
  scenario: FuyuanScenario,
  options: FuyuanLoadOptions,
): Promise<FuyuanLoadSummary> {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const progress = options.progress ?? (() => undefined);
  const jobTimeoutMs = options.jobTimeoutMs ?? 600_000;
  const concurrency = Math.min(concurrencyMax, Math.max(1, options.concurrency ?? 8));
  const actors = fuyuanActors(scenario);
  const tokens = new Map<string, string>();
  const tokenOf = (actor: Actor) => {
    let token = tokens.get(actor.id);
    if (token === undefined) {
      token = signAccessToken(options.jwtSecret, { actor, lifetimeSeconds: 24 * 3_600 });
      tokens.set(actor.id, token);
    }
    return token;
  };

  const call = async (
    actor: Actor,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${tokenOf(actor)}`,
        ...(body === undefined || body instanceof FormData
          ? {}
          : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: body instanceof FormData ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new FuyuanLoadError(
        `${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`,
      );
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  };
  const form = (fields: Record<string, string>, fileName: string, text: string) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    data.append('file', new Blob([Buffer.from(text, 'utf8')], { type: 'text/csv' }), fileName);
    return data;
  };
  const finished = async (actor: Actor, jobId: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + jobTimeoutMs;
    for (;;) {
      const job = await call(actor, 'GET', `/jobs/${encodeURIComponent(jobId)}`);
      if (job.state === 'completed') return job;
      if (job.state === 'failed')
        throw new FuyuanLoadError(`job ${jobId} failed: ${String(job.error)}`);
      if (Date.now() > deadline)
        throw new FuyuanLoadError(`job ${jobId} did not finish within ${jobTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  };
  const inParallel = async <T>(items: readonly T[], each: (item: T) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, items.length) }, async () => {
        while (next < items.length) await each(items[next++] as T);
      }),
    );
  };

  // 1. The registries, as the commission receives them from the other departments.
  const snapshots: FuyuanLoadSummary['snapshots'] = [];
  const registriesStartedMs = Date.now();
  for (const registry of scenario.registries) {
    const accepted = await call(
      actors.commission,
      'POST',
      `/registries/${registry.kind}/snapshots`,
      form(
        { divisionCode: scenario.county, asOf: registry.asOf },
        registry.file.name,
        csvOf(registry.file),
      ),
    );
    await finished(actors.commission, accepted.jobId as string);
    const summary = await call(
      actors.commission,
      'GET',
      `/registries/${registry.kind}/snapshots/${accepted.snapshotId as string}`,
    );
    snapshots.push({
      kind: registry.kind,
      snapshotId: accepted.snapshotId as string,
      fileSha256: accepted.fileSha256 as string,
      rows: Number(summary.rows),
      rejectedRows: Number(summary.rejectedRows),
    });
    progress(
      `registry ${registry.kind}: ${String(summary.rows)} rows imported, ${String(summary.rejectedRows)} refused`,
    );
  }

  const registriesMs = Date.now() - registriesStartedMs;

  // 2. The fund lines the rosters draw on.
  for (const fund of scenario.funds) await call(actors.countyFinance, 'POST', '/funds', fund);

  // 3. Each roster: uploaded, parsed, approved by another person, every payment approved by a
  //    third, then paid by the bank's settlement file.
  const rosters: LoadedRoster[] = [];
  for (const roster of scenario.rosters) {
    rosters.push(await loadRoster(roster));
  }
  return { snapshots, rosters, registriesMs };

  async function loadRoster(roster: ScenarioRoster): Promise<LoadedRoster> {
    const uploader =
      roster.key === 'house-renovation' ? actors.countyFinance : actors.townshipClerk;
    let stepStartedMs = Date.now();
    const step = () => {
      const nowMs = Date.now();
      const elapsedMs = nowMs - stepStartedMs;
      stepStartedMs = nowMs;
      return elapsedMs;
    };
    const uploaded = await call(
      uploader,
      'POST',
      '/rosters',
      form(
        {
          fundId: roster.fundId,
          divisionCode: roster.divisionCode,
          purpose: roster.purpose,
          period: roster.period,
        },
        roster.file.name,
        csvOf(roster.file),
      ),
    );
    const rosterId = uploaded.rosterId as string;
    await finished(uploader, uploaded.jobId as string);
    const parsed = await call(uploader, 'GET', `/rosters/${rosterId}`);
    const counts = parsed as { accepted?: number; rejected?: number };
    progress(
      `roster ${roster.key} ${rosterId}: ${counts.accepted} lines accepted, ${counts.rejected} refused`,
    );

    const parseMs = step();
    // Rosters are cross-checked before approval; the demo pays its planted cases all the same so
    // that each one can be traced to its payment, and says so in the approval's reason.
    const flagged = (parsed as { check?: { flagged: unknown[] } }).check?.flagged.length ?? 0;
    const approval = await call(
      actors.approver,
      'POST',
      `/rosters/${rosterId}/approve`,
      flagged === 0 ? {} : { reason: `演示数据：${flagged} 行疑点为有意植入，照付以便追溯` },
    );
    await finished(actors.approver, approval.jobId as string);
    const approveMs = step();
    const rows = await acceptedRows(rosterId, uploader);
    let approved = 0;
    await inParallel(rows, async (row) => {
      await call(actors.paymentApprover, 'POST', `/disbursements/${rosterId}-${row}/approve`, {});
      approved += 1;
      if (approved % 1_000 === 0)
        progress(`roster ${roster.key}: ${approved} of ${rows.length} payments approved`);
    });
    const paymentsMs = step();
    const settlement = csvOf({
      name: '银行回单.csv',
      header: ['转账编号', '结果', '银行流水号', '失败原因'],
      rows: rows.map((row) => [
        `${rosterId}-${row}`,
        '成功',
        `FYNX2019${rosterId.slice(-6)}${String(row).padStart(6, '0')}`,
        '',
      ]),
    });
    const settled = await call(
      actors.bank,
      'POST',
      `/rosters/${rosterId}/settle`,
      form({}, `${rosterId}-银行回单.csv`, settlement),
    );
    const settleJob = await finished(actors.bank, settled.jobId as string);
    const paid = Number((settleJob.result as { paid?: number } | undefined)?.paid ?? 0);
    const settleMs = step();
    progress(`roster ${roster.key}: ${paid} payments settled by the bank`);
    return {
      key: roster.key,
      rosterId,
      fileSha256: uploaded.fileSha256 as string,
      accepted: Number(counts.accepted),
      rejected: Number(counts.rejected),
      paid,
      uploadedBy: uploader.id,
      approvedBy: actors.approver.id,
      stepsMs: { parse: parseMs, approve: approveMs, payments: paymentsMs, settle: settleMs },
    };
  }

  /** The rows the parse accepted (the payments' transfer ids are `<rosterId>-<row>`). */
  async function acceptedRows(rosterId: string, reader: Actor): Promise<number[]> {
    const rows: number[] = [];
    for (let page = 1; page <= 10_000; page += 1) {
      const answer = await call(
        reader,
        'GET',
        `/rosters/${rosterId}/entries?status=accepted&page=${page}`,
      );
      for (const entry of answer.entries as { row: number }[]) rows.push(entry.row);
      if (answer.hasMore !== true) break;
    }
    return rows;
  }
}
