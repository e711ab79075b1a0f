/**
 * Workload (c) of `bench:append` (batches of 100 events to new streams, four writers) against
 * Emmett's PostgreSQL event store, which keeps no hash chain: the kind of store issue 2's target
 * is set against. It runs on the same kind of fresh embedded PostgreSQL 18 as `bench:append`, so
 * the two can be run side by side on one machine at one time; figures from different sessions
 * are not comparable (the machine's speed differs by up to 2x between them).
 *
 * Emmett is not a dependency of Sunlight. Install it beside the project, then run:
 *   mkdir -p /tmp/emmett && (cd /tmp/emmett && npm init -y >/dev/null && npm install \
 *     @event-driven-io/emmett-postgresql@0.42.0 @event-driven-io/emmett@0.42.0 @event-driven-io/pongo@0.16.11)
 *   npx nest build && EMMETT_DIR=/tmp/emmett node bench/reference/emmett-append.cjs
 */
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const emmettDir = process.env.EMMETT_DIR;
if (!emmettDir) {
  console.error('EMMETT_DIR must name the folder Emmett was installed in (see the head of this file)');
  process.exit(2);
}
const { getPostgreSQLEventStore } = require(
  require.resolve('@event-driven-io/emmett-postgresql', { paths: [path.resolve(emmettDir)] }),
);
const { benchDatabase } = require('../../dist/bench/support/bench-database');
const { disbursementEvent: sunlightDisbursementEvent } = require('../../dist/bench/support/disbursement-event');

// The same event as bench/append.bench.ts writes, less the id that Sunlight's port asks for.
function disbursementEvent(index) {
  const { eventId: _unused, ...event } = sunlightDisbursementEvent(index);
  return event;
}

async function main() {
  const database = await benchDatabase(undefined);
  const store = getPostgreSQLEventStore(database.url);
  try {
    const run = `r${Date.now().toString(36)}`;
    for (let i = 0; i < 50; i += 1) await store.appendToStream(`warmup-${randomUUID()}`, [disbursementEvent(i)]);
    let events = 0;
    const started = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        for (let i = 0; i < 250; i += 1) {
          const batch = Array.from({ length: 100 }, (_, k) => disbursementEvent(i * 100 + k));
          await store.appendToStream(`roster-${run}c${worker}-${i}`, batch, { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
          events += 100;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    console.log(`emmett-postgresql 0.42.0, workload c: ${events} events in ${elapsedMs.toFixed(0)} ms, ${Math.round((events / elapsedMs) * 1000)} events/s`);
  } finally {
    await store.close();
    // Emmett's pool keeps idle connections past close(); the server's stop ends them, which that
    // pool reports as an unhandled error. Nothing is lost: the figure is already printed.
    process.on('uncaughtException', (error) => {
      if (error.code !== '57P01') throw error;
    });
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
