/**
 * `npm run bench:feeds`: Server-Sent Events subscribers following the log while it grows. At full
 * scale 100 subscribers with mixed filters (a third integrators of 530325 reading `Disbursement`,
 * masked; a third commissions reading `types=Disbursement`; a third commissions reading every
 * event of `streams=pool-bench`) follow `GET /api/v1/feeds/events/stream` while 1,000 events/s are
 * appended for `--seconds`. Delivery lag is the time from an event's `recordedAt` (the database's
 * commit clock, on this machine) to its arrival at a subscriber: p50 and p99 over every delivery,
 * and the app's CPU (its own process, `node dist/src/cli.js serve`). Target of issue 18: lag p99
 * under 500 ms. A missed target is printed, never an error. Webhook deliveries are measured by
 * `npm run bench:webhooks`.
 *
 * Flags: --scale S (subscribers and rate times S), --seconds N, --database-url URL (a new
 * database on that server; default an embedded PostgreSQL).
 */
import http, { type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signAccessToken } from '@sunlight/auth';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { startApp } from './support/app-process';
import { benchDatabase } from './support/bench-database';
import { readBenchFlags, runBench } from './support/bench-flags';
import { feedsFlags } from './support/bench-options';
import { BenchReport, figure, latencySummary } from './support/bench-report';
import { disbursementEvent } from './support/disbursement-event';

const jwtSecret = 'feeds-bench-secret-'.padEnd(48, 'f');
const lagTargetP99Ms = 500;
const streamsWritten = 20;
const tickMs = 50;

interface Subscriber {
  lagsMs: number[];
  response?: IncomingMessage;
  close(): void;
}

function subscribe(port: number, token: string, query: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const subscriber: Subscriber = { lagsMs: [], close: () => request.destroy() };
    const request = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/api/v1/feeds/events/stream${query}`,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`subscribe ${query}: ${response.statusCode}`));
          return;
        }
        subscriber.response = response;
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const now = Date.now();
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (data === undefined) continue;
            const event = JSON.parse(data.slice(6)) as { recordedAt?: string };
            if (event.recordedAt !== undefined)
              subscriber.lagsMs.push(now - Date.parse(event.recordedAt));
          }
        });
        response.on('error', () => undefined);
        resolve(subscriber);
      },
    );
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), feedsFlags);
  const subscriberCount = Math.max(1, Math.round(100 * flags.scale));
  const eventsPerSecond = Math.max(10, Math.round(1_000 * flags.scale));
  const report = new BenchReport('feeds');
  const database = await benchDatabase(flags['database-url']);
  const app = await startApp({
    DATABASE_URL: database.url,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    RUN_WORKERS: 'false',
  });
  const store = await PostgresEventStore.open({ connectionString: database.url, migrate: false });
  const subscribers: Subscriber[] = [];
  try {
    const integrator = signAccessToken(jwtSecret, {
      actor: { id: 'bench-integrator', role: 'integrator', division: '530325' },
      scopes: ['Disbursement'],
    });
    const commission = signAccessToken(jwtSecret, {
      actor: { id: 'bench-commission', role: 'commission', division: '53' },
    });
    const kinds = [
      { token: integrator, query: '' },
      { token: commission, query: '?types=Disbursement' },
      { token: commission, query: '?streams=pool-bench' },
    ];
    for (let index = 0; index < subscriberCount; index += 1) {
      const kind = kinds[index % kinds.length]!;
      subscribers.push(await subscribe(app.port, kind.token, kind.query));
    }
    console.log(
      `${subscriberCount} subscribers; appending ${eventsPerSecond} events/s for ${flags.seconds} s`,
    );
    const cpuBefore = app.cpuSeconds();
    const started = performance.now();
    const perTick = Math.max(1, Math.round((eventsPerSecond * tickMs) / 1000));
    let appended = 0;
    let index = 0;
    while (performance.now() - started < flags.seconds * 1000) {
      const tickStarted = performance.now();
      const stream = `pool-bench-${index % streamsWritten}.530325`;
      const events = Array.from({ length: perTick }, () => disbursementEvent((index += 1)));
      await store.appendToStream(stream, events, { expectedRevision: 'any' });
      appended += events.length;
      const wait = tickMs - (performance.now() - tickStarted);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    // The last events arrive within a second or two; then the subscribers are counted.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const cpuAfter = app.cpuSeconds();
    const lags = subscribers.flatMap((subscriber) => subscriber.lagsMs);
    const { p50Ms, p99Ms } = latencySummary(lags);
    const expected = appended * subscriberCount;
    report.add('sse', 'subscribers', subscriberCount, 'count');
    report.add('sse', 'eventsPerSecond', appended / elapsedSeconds, 'events/s');
    report.add('sse', 'deliveries', lags.length, 'count');
    report.add('sse', 'deliveriesExpected', expected, 'count');
    report.add('sse', 'p50Ms', p50Ms, 'ms');
    report.add('sse', 'p99Ms', p99Ms, 'ms');
    if (cpuBefore !== undefined && cpuAfter !== undefined)
      report.add(
        'sse',
        'appCpuPercent',
        ((cpuAfter - cpuBefore) / (elapsedSeconds + 2)) * 100,
        '%',
      );
    report.ratio(
      'sse lag p99 / 500 ms',
      [p99Ms / lagTargetP99Ms],
      { atMost: 1 },
      `p99 ${figure(p99Ms)} ms, p50 ${figure(p50Ms)} ms over ${figure(lags.length)} deliveries`,
    );
    report.finish({ subscribers: subscriberCount, eventsPerSecond, seconds: flags.seconds });
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    await store.close();
    await app.stop();
    await database.close();
  }
}

runBench(main);
