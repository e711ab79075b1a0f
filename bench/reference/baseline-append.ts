/**
 * `npm run bench:baselines`: issue 2's append targets are stated against stores measured on
 * "this 2-core machine", and the machine's speed differs by up to 2x from one session to the
 * next. This runs `bench:append`'s workloads (b) and (c) on the two reference designs the issue
 * names, and on Sunlight's store, in one process, on one fresh database, round after round, so
 * that their figures can be compared at one time on one machine:
 * - `unchained`: one INSERT ... SELECT per append, in its own implicit transaction; positions
 *   from a sequence, no lock, no hash. Expected revisions are kept only by
 *   UNIQUE (stream_name, revision). The issue saw about 12,000 (b) and 90,000 (c) events/s.
 * - `naive-chained`: a hash chain kept by the client, with the global lock held across client
 *   round trips (lock, read the head, read the stream's revision, insert, commit). The issue saw
 *   about 2,000 (b) and 11,000 (c).
 * - `sunlight`: `PostgresEventStore`, as `bench:append` runs it.
 * Both reference tables have the events table's columns and unique keys, and neither has the
 * transfer-id index that Sunlight's carries.
 *
 * Flags: --workloads b,c  --rounds 2  --scale 1  --stores sunlight,unchained,naive-chained
 *        --database-url postgres://...
 * Each round's Sunlight figure over the unchained insert's is the ratio `bench:append` is judged
 * by (issue 19: c ≥ 0.9, b ≥ 1.0); the median of the rounds is printed and written to the JSON.
 */
import { Pool } from 'pg';
import { EventToAppend, ExpectedRevision, WrongExpectedVersionError } from '@sunlight/event-store';
import { PostgresEventStore } from '@sunlight/event-store/postgres';
import { canonicalJson, chainHash, genesisHash } from '@sunlight/integrity';
import { Appender, appendWorkloads, storeAppender, warmUp } from '../support/append-workloads';
import { benchDatabase } from '../support/bench-database';
import { BenchReport, figure, latencySummary, median } from '../support/bench-report';
import { readBenchFlags, runBench } from '../support/bench-flags';
import { baselinesFlags } from '../support/bench-options';
import { machineCpuSeconds } from '../support/proc-status';

interface Store {
  appender: Appender;
  close(): Promise<void>;
}

const referenceColumns = /* sql */ `
  stream_name text NOT NULL, revision bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL,
  data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL,
  UNIQUE (stream_name, revision), UNIQUE (stream_name, event_id)`;

function firstRevision(expected: ExpectedRevision): bigint {
  return typeof expected === 'bigint' ? expected + 1n : 0n;
}

async function unchainedStore(url: string): Promise<Store> {
  const pool = new Pool({ connectionString: url, max: 10 });
  await pool.query(
    `CREATE TABLE unchained_events (position bigserial PRIMARY KEY, ${referenceColumns})`,
  );
  const text = /* sql */ `
    INSERT INTO unchained_events (stream_name, revision, event_id, type, data, metadata, recorded_at)
    SELECT $1, $2::bigint + u.n - 1, u.id, u.type, u.data::jsonb, u.meta::jsonb, now()
      FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(id, type, data, meta, n)`;
  return {
    appender: {
      append: async (streamName, events, expected) => {
        const first = firstRevision(expected);
        await pool.query({
          name: 'unchained-append',
          text,
          values: [streamName, first.toString(), ...eventColumns(events)],
        });
        return first + BigInt(events.length) - 1n;
      },
    },
    close: () => pool.end(),
  };
}

async function naiveChainedStore(url: string): Promise<Store> {
  const pool = new Pool({ connectionString: url, max: 10 });
  await pool.query(
    `CREATE TABLE chained_events (position bigint PRIMARY KEY, ${referenceColumns}, hash bytea NOT NULL)`,
  );
  const insert = /* sql */ `
    INSERT INTO chained_events (position, stream_name, revision, event_id, type, data, metadata, recorded_at, hash)
    SELECT $1::bigint + u.n, $2, $3::bigint + u.n - 1, u.id, u.type, u.data::jsonb, u.meta::jsonb, $4, u.hash
      FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::bytea[]) WITH ORDINALITY AS u(id, type, data, meta, hash, n)`;
  return {
    appender: {
      append: async (streamName, events, expected) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT pg_advisory_xact_lock(1)');
          const head = await client.query<{ position: string; hash: Buffer }>(
            'SELECT position, hash FROM chained_events ORDER BY position DESC LIMIT 1',
          );
          const current = await client.query<{ revision: string | null }>(
            'SELECT max(revision) AS revision FROM chained_events WHERE stream_name = $1',
            [streamName],
          );
          const actual =
            current.rows[0].revision === null ? undefined : BigInt(current.rows[0].revision);
          if (
            (expected === 'no_stream' && actual !== undefined) ||
            (typeof expected === 'bigint' && actual !== expected)
          ) {
            throw new WrongExpectedVersionError(streamName, expected, actual ?? 'no_stream');
          }
          const first = actual === undefined ? 0n : actual + 1n;
          const headPosition = head.rows.length === 0 ? 0n : BigInt(head.rows[0].position);
          const recordedAt = new Date().toISOString();
          let prevHash = head.rows.length === 0 ? genesisHash : head.rows[0].hash;
          const hashes = events.map((event, k) => {
            prevHash = chainHash(prevHash, {
              position: (headPosition + BigInt(k) + 1n).toString(),
              stream: streamName,
              revision: (first + BigInt(k)).toString(),
              id: event.eventId,
              type: event.type,
              data: event.data,
              metadata: event.metadata ?? {},
              recordedAt,
            });
            return prevHash;
          });
          await client.query({
            name: 'chained-append',
            text: insert,
            values: [
              headPosition.toString(),
              streamName,
              first.toString(),
              recordedAt,
              ...eventColumns(events),
              hashes,
            ],
          });
          await client.query('COMMIT');
          return first + BigInt(events.length) - 1n;
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
    },
    close: () => pool.end(),
  };
}

async function sunlightStore(url: string): Promise<Store> {
  const store = await PostgresEventStore.open({ connectionString: url, poolSize: 10 });
  return { appender: storeAppender(store), close: () => store.close() };
}

function eventColumns(events: EventToAppend[]): [string[], string[], string[], string[]] {
  return [
    events.map((event) => event.eventId),
    events.map((event) => event.type),
    events.map((event) => canonicalJson(event.data)),
    events.map((event) => canonicalJson(event.metadata ?? {})),
  ];
}

const storeFactories: Record<string, (url: string) => Promise<Store>> = {
  sunlight: sunlightStore,
  unchained: unchainedStore,
  'naive-chained': naiveChainedStore,
};

async function main(): Promise<void> {
  const flags = readBenchFlags(process.argv.slice(2), baselinesFlags);
  const selected = flags.workloads;
  const rounds = flags.rounds;
  const scale = flags.scale;
  const storeNames = flags.stores;
  const database = await benchDatabase(flags['database-url']);
  /** events/s by workload, store and round. */
  const measured = new Map<string, number[]>();
  const stores = new Map<string, Store>();
  const report = new BenchReport('append-baselines');
  try {
    for (const name of storeNames) stores.set(name, await storeFactories[name](database.url));
    for (let round = 1; round <= rounds; round += 1) {
      // Each round takes the stores in turn, in the opposite order to the round before, so that
      // none is always measured on the fuller database.
      const order = round % 2 === 1 ? storeNames : [...storeNames].reverse();
      for (const workloadName of selected) {
        for (const name of order) {
          const appender = (stores.get(name) as Store).appender;
          const label = `${name}${round}`;
          const workload = appendWorkloads(scale, label).find((w) => w.name === workloadName);
          if (!workload) throw new Error(`--workloads: unknown workload ${workloadName}`);
          await warmUp(appender, `${label}${workloadName}`);
          const machineBefore = machineCpuSeconds();
          const { events, elapsedMs, latenciesMs } = await workload.run(appender);
          const machineAfter = machineCpuSeconds();
          const eventsPerSecond = (events / elapsedMs) * 1000;
          console.log(
            `round ${round}, ${workloadName}, ${name}: ${Math.round(eventsPerSecond)} events/s`,
          );
          const key = `${workloadName}/${name}`;
          measured.set(key, [...(measured.get(key) ?? []), eventsPerSecond]);
          report.add(key, `round${round}.eventsPerSecond`, eventsPerSecond, 'events/s');
          report.add(key, `round${round}.p99Ms`, latencySummary(latenciesMs).p99Ms, 'ms');
          if (machineBefore && machineAfter) {
            report.add(
              key,
              `round${round}.machineCpuUsPerEvent`,
              ((machineAfter.busy - machineBefore.busy) * 1e6) / events,
              'µs',
            );
          }
        }
      }
    }
    for (const [workload, target] of [
      ['c', 0.9],
      ['b', 1.0],
    ] as const) {
      const sunlight = measured.get(`${workload}/sunlight`);
      const unchained = measured.get(`${workload}/unchained`);
      if (sunlight === undefined || unchained === undefined) continue;
      report.ratio(
        `append (${workload}): Sunlight / unchained insert`,
        sunlight.map((value, round) => value / (unchained[round] as number)),
        { atLeast: target },
        `${figure(median(sunlight))} vs ${figure(median(unchained))} events/s (medians of ${rounds} rounds)`,
      );
    }
    report.finish({
      database: flags['database-url'] ? 'external' : 'embedded PostgreSQL 18',
      stores: storeNames,
    });
  } finally {
    for (const store of stores.values()) await store.close();
    await database.close();
  }
}

runBench(main);
