/**
 * `npm run bench:webhooks`: signed webhook deliveries to a local receiver, from the app in its own
 * process (`node dist/src/cli.js serve`, job workers on, jobs on the log's PostgreSQL or on Redis
 * with --redis-url). One integrator of 530325 subscribes to `Disbursement` (masked) with batches
 * of --batch events. Two phases:
 * - live: 20,000 events (times --scale) appended while the receiver answers; deliveries/s and
 *   events/s from the first append to the last event received;
 * - backlog: the receiver answers 503 while 100,000 events (times --scale) are appended, then
 *   recovers; the time from its recovery to the last event received (issue 18's target: under
 *   60 s), which includes the wait for the pending delivery's next try (backoff from
 *   WEBHOOK_BACKOFF_MS = 250 ms here, doubling, with jitter).
 * The receiver checks that every event arrives in log order and counts repeats (at-least-once).
 * A missed target is printed, never an error.
 *
 * Flags: --scale S, --batch N (events per delivery, WEBHOOK_BATCH_MAX), --database-url URL (a
 * new database on that server; default an embedded PostgreSQL), --redis-url URL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { signAccessToken } from '@sunlight/auth';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { startApp } from './support/app-process';
import { benchDatabase } from './support/bench-database';
import { readBenchFlags, runBench } from './support/bench-flags';
import { webhooksFlags } from './support/bench-options';
import { BenchReport, figure } from './support/bench-report';
import { disbursementEvent } from './support/disbursement-event';

const jwtSecret = 'webhooks-bench-secret-'.padEnd(48, 'w');
const drainTargetSeconds = 60;
const appendBatch = 1_000;
const streamsWritten = 20;

/** The local receiver: counts events and deliveries, checks log order, answers 503 while down. */
class Receiver {
  down = false;
  events = 0;
  repeats = 0;
  deliveries = 0;
  refused = 0;
  outOfOrder = 0;
  lastPosition = 0n;
  lastEventAt = 0;
  private readonly seen = new Set<string>();
  readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.down) {
        this.refused += 1;
        res.writeHead(503).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (this.seen.has(id)) this.repeats += 1;
      else {
        this.seen.add(id);
        this.deliveries += 1;
        const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { position: string }[];
        for (const event of batch) {
          const position = BigInt(event.position);
          if (position <= this.lastPosition) this.outOfOrder += 1;
          this.lastPosition = position;
          this.events += 1;
        }
        this.lastEventAt = performance.now();
      }
      res.writeHead(204).end();
    });
  });
}

async function waitFor(
  what: string,
  done: () => boolean,
  timeoutMs: number,
  progress: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastPrint = performance.now();
  while (!done()) {
    if (performance.now() > deadline)
      throw new Error(`${what}: not done within ${timeoutMs} ms (${progress()})`);
    if (performance.now() - lastPrint > 10_000) {
      console.log(`  … ${progress()}`);
      lastPrint = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), webhooksFlags);
  const liveEvents = Math.max(100, Math.round(20_000 * flags.scale));
  const backlogEvents = Math.max(100, Math.round(100_000 * flags.scale));
  const report = new BenchReport('webhooks');
  const receiver = new Receiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const receiverPort = (receiver.server.address() as AddressInfo).port;
  const database = await benchDatabase(flags['database-url']);
  const app = await startApp({
    DATABASE_URL: database.url,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_BATCH_MAX: String(flags.batch),
    WEBHOOK_BACKOFF_MS: '250',
    WEBHOOK_ATTEMPTS: '30',
    WEBHOOK_POLL_MS: '200',
    ...(flags['redis-url'] === undefined
      ? {}
      : { REDIS_URL: flags['redis-url'], JOBS_PREFIX: `bench-webhooks-${process.pid}` }),
  });
  const store = await PostgresEventStore.open({ connectionString: database.url, migrate: false });
  let index = 0;
  const append = async (count: number) => {
    for (let done = 0; done < count; done += appendBatch) {
      const stream = `pool-bench-${(done / appendBatch) % streamsWritten}.530325`;
      const events = Array.from({ length: Math.min(appendBatch, count - done) }, () =>
        disbursementEvent((index += 1)),
      );
      await store.appendToStream(stream, events, { expectedRevision: 'any' });
    }
  };
  try {
    const token = signAccessToken(jwtSecret, {
      actor: { id: 'bench-bank', role: 'integrator', division: '530325' },
      scopes: ['Disbursement'],
    });
    const response = await fetch(`http://127.0.0.1:${app.port}/api/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `http://127.0.0.1:${receiverPort}/hook`,
        types: ['Disbursement'],
      }),
    });
    if (response.status !== 201)
      throw new Error(`subscribe: ${response.status} ${await response.text()}`);
    const progress = () =>
      `${figure(receiver.events)} events in ${figure(receiver.deliveries)} deliveries`;

    console.log(`live: ${liveEvents} events, batches of ${flags.batch}`);
    const liveStarted = performance.now();
    await append(liveEvents);
    await waitFor('live', () => receiver.events >= liveEvents, 600_000, progress);
    const liveSeconds = (receiver.lastEventAt - liveStarted) / 1000;
    const liveDeliveries = receiver.deliveries;
    report.add('live', 'events', liveEvents, 'count');
    report.add('live', 'deliveriesPerSecond', liveDeliveries / liveSeconds, 'deliveries/s');
    report.add('live', 'eventsPerSecond', liveEvents / liveSeconds, 'events/s');

    console.log(`backlog: receiver down while ${backlogEvents} events are appended`);
    receiver.down = true;
    await append(backlogEvents);
    // At least one try refused, so the delivery in flight is in its backoff when the receiver returns.
    await waitFor('a refused try', () => receiver.refused > 0, 60_000, progress);
    const before = receiver.events;
    receiver.down = false;
    const recovered = performance.now();
    await waitFor('backlog', () => receiver.events >= before + backlogEvents, 900_000, progress);
    const drainSeconds = (receiver.lastEventAt - recovered) / 1000;
    report.add('backlog', 'events', backlogEvents, 'count');
    report.add('backlog', 'drainSeconds', drainSeconds, 's');
    report.add('backlog', 'eventsPerSecond', backlogEvents / drainSeconds, 'events/s');
    report.add('all', 'refusedTries', receiver.refused, 'count');
    report.add('all', 'repeatedDeliveries', receiver.repeats, 'count');
    report.add('all', 'outOfOrderEvents', receiver.outOfOrder, 'count');
    report.ratio(
      'webhook backlog drain / 60 s',
      [drainSeconds / drainTargetSeconds],
      { atMost: 1 },
      `${figure(backlogEvents)} events in ${figure(drainSeconds, 1)} s after the receiver returned; live ${figure(liveDeliveries / liveSeconds, 1)} deliveries/s of ${flags.batch}`,
    );
    report.finish({
      scale: flags.scale,
      batch: flags.batch,
      jobs: flags['redis-url'] ? 'redis' : 'postgres',
    });
  } finally {
    await store.close();
    await app.stop();
    await database.close();
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
  }
}

runBench(main);
