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

const emmettDir = process.env.EMMETT_DIR;
if (!emmettDir) {
  console.error(
    'EMMETT_DIR must name the folder Emmett was installed in (see the head of this file)',
  );
  process.exit(2);
}
const { getPostgreSQLEventStore } = require(
  require.resolve('@event-driven-io/emmett-postgresql', { paths: [path.resolve(emmettDir)] }),
);
const { benchDatabase } = require('../../dist/bench/support/bench-database');
const { appendWorkloads, warmUp } = require('../../dist/bench/support/append-workloads');

async function main() {
  const database = await benchDatabase(undefined);
  const store = getPostgreSQLEventStore(database.url);
  try {
    // The same events as bench:append writes, less the id that Sunlight's port asks for.
    const appender = {
      append: async (streamName, events, expectedRevision) => {
        const result = await store.appendToStream(
          streamName,
          events.map(({ eventId: _unused, ...event }) => event),
          {
            expectedStreamVersion:
              expectedRevision === 'no_stream' ? 'STREAM_DOES_NOT_EXIST' : expectedRevision,
          },
        );
        return result.nextExpectedStreamVersion;
      },
    };
    const label = `r${Date.now().toString(36)}`;
    await warmUp(appender, label);
    const workload = appendWorkloads(1, label).find((w) => w.name === 'c');
    const { events, elapsedMs } = await workload.run(appender);
    console.log(
      `emmett-postgresql 0.42.0, workload c: ${events} events in ${elapsedMs.toFixed(0)} ms, ${Math.round((events / elapsedMs) * 1000)} events/s`,
    );
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
