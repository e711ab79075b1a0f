/**
 * `sunlight_append` decides a call carrying several appends (from concurrent callers) on its
 * set-based path when their streams are distinct, and one by one otherwise. On the set-based
 * path the unique index finds repeated event ids: the call fails whole, and the store retries its
 * appends one call each. These cases call it directly, so each path is pinned to the same
 * per-append results, positions and chain, whatever the timing of the store's group commit.
 */
import { Client } from 'pg';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { validateAppend } from '../append-validation';
import type { EventToAppend, ExpectedRevision } from '../event-store.port';
import { newEvent } from '../testing/event-store.contract';
import { appRoleName } from './migrations';
import { appendCallParameters, appendSql } from './event-rows';
import { PostgresEventStore } from './postgres-event-store';
import { binaryTextArray } from './binary-arrays';
import { encodePosition } from './positions';
import { verifyPostgresLog } from './verify-postgres-log';

interface Row {
  item: number;
  result: string;
  last_revision: string | null;
  last_position: string | null;
  actual_revision: string | null;
  recorded_at: Date | null;
}

type Append = [stream: string, events: EventToAppend[], expected: ExpectedRevision];

for (const target of postgresTargets()) {
  describe(`sunlight_append with several appends in one call (${target.label})`, () => {
    let databaseUrl: string;
    let store: PostgresEventStore;
    let app: Client;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'append_call');
      store = await PostgresEventStore.open({ connectionString: databaseUrl });
      app = new Client({ connectionString: databaseUrl, options: `-c role=${appRoleName}` });
      await app.connect();
    });
    afterAll(async () => {
      await app.end();
      await store.close();
      await dropTestDatabase(databaseUrl);
    });

    const call = async (appends: Append[]): Promise<Row[]> => {
      const batch = appends.map(([stream, events, expected]) => ({
        append: validateAppend(stream, events, { expectedRevision: expected }),
        expected,
      }));
      const { rows } = await app.query<Row>(appendSql, appendCallParameters(batch));
      return rows.map((row) => ({ ...row, item: Number(row.item) }));
    };
    const head = async (): Promise<number> => {
      const { rows } = await app.query<{ head: string | null }>(
        'SELECT max(position) AS head FROM events',
      );
      return Number(rows[0].head ?? 0);
    };
    const streamOf = async (stream: string) => {
      const { rows } = await app.query<{ position: string; revision: string; event_id: string }>(
        'SELECT position, revision, event_id FROM events WHERE stream_name = $1 ORDER BY revision',
        [stream],
      );
      return rows.map((row) => ({
        position: Number(row.position),
        revision: Number(row.revision),
        eventId: row.event_id,
      }));
    };

    it('writes distinct new streams in call order, with gapless positions and revisions', async () => {
      await store.appendToStream('pool-a.53', [newEvent('Seed')], {
        expectedRevision: 'no_stream',
      });
      const start = await head();
      const b = [newEvent('B1'), newEvent('B2'), newEvent('B3')];
      const rows = await call([
        ['pool-a.53', [newEvent('A2')], 0n],
        ['pool-b.53', b, 'no_stream'],
        ['pool-c.53', [newEvent('C1')], 'any'],
      ]);
      const recordedAt = rows[0].recorded_at;
      expect(recordedAt).toBeInstanceOf(Date);
      expect(rows).toEqual([
        {
          item: 1,
          result: 'ok',
          last_revision: '1',
          last_position: String(start + 1),
          actual_revision: '0',
          recorded_at: recordedAt,
        },
        {
          item: 2,
          result: 'ok',
          last_revision: '2',
          last_position: String(start + 4),
          actual_revision: null,
          recorded_at: recordedAt,
        },
        {
          item: 3,
          result: 'ok',
          last_revision: '0',
          last_position: String(start + 5),
          actual_revision: null,
          recorded_at: recordedAt,
        },
      ]);
      expect(await streamOf('pool-b.53')).toEqual(
        b.map((event, index) => ({
          position: start + 2 + index,
          revision: index,
          eventId: event.eventId,
        })),
      );
      expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
    });

    it('refuses only the appends whose expectation fails; the others take the next positions', async () => {
      await store.appendToStream('pool-d.53', [newEvent('D1')], { expectedRevision: 'no_stream' });
      const start = await head();
      const rows = await call([
        ['pool-d.53', [newEvent('D-stale')], 'no_stream'],
        ['pool-e.53', [newEvent('E1'), newEvent('E2')], 'any'],
        ['pool-f.53', [newEvent('F-missing')], 'stream_exists'],
        ['pool-d.53x', [newEvent('G1')], 5n],
        ['pool-h.53', [newEvent('H1')], 'no_stream'],
      ]);
      expect(
        rows.map((row) => [
          row.item,
          row.result,
          row.last_position,
          row.actual_revision,
          row.recorded_at !== null,
        ]),
      ).toEqual([
        [1, 'wrong_version', null, '0', false],
        [2, 'ok', String(start + 2), null, true],
        [3, 'wrong_version', null, null, false],
        [4, 'wrong_version', null, null, false],
        [5, 'ok', String(start + 3), null, true],
      ]);
      expect(await head()).toBe(start + 3);
      expect(await streamOf('pool-d.53')).toHaveLength(1);
      expect(await streamOf('pool-f.53')).toEqual([]);
      expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
    });

    it('answers a call that repeats an earlier append as a duplicate and writes the new ones once', async () => {
      const first = [newEvent('I1'), newEvent('I2')];
      await call([['pool-i.53', first, 'no_stream']]);
      const start = await head();
      const rows = await call([
        ['pool-j.53', [newEvent('J1')], 'no_stream'],
        ['pool-i.53', first, 'no_stream'],
      ]);
      expect(rows.map((row) => [row.result, row.last_revision, row.last_position])).toEqual([
        ['ok', '0', String(start + 1)],
        ['duplicate', '1', String(start)],
      ]);
      expect(await head()).toBe(start + 1);
    });

    it('chains several appends to one stream inside one call', async () => {
      const start = await head();
      const rows = await call([
        ['pool-k.53', [newEvent('K1')], 'no_stream'],
        ['pool-k.53', [newEvent('K2')], 0n],
        ['pool-k.53', [newEvent('K-stale')], 0n],
        ['pool-l.53', [newEvent('L1')], 'any'],
      ]);
      expect(rows.map((row) => [row.result, row.last_revision, row.actual_revision])).toEqual([
        ['ok', '0', null],
        ['ok', '1', '0'],
        ['wrong_version', null, '1'],
        ['ok', '0', null],
      ]);
      expect((await streamOf('pool-k.53')).map((event) => event.revision)).toEqual([0, 1]);
      expect(await head()).toBe(start + 3);
      expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
    });

    it('gathers appends made while a call is in flight into the next call (group commit)', async () => {
      const before = { ...store.appendCalls };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          store.appendToStream(`pool-group-${index}.53`, [newEvent('Grouped')], {
            expectedRevision: 'no_stream',
          }),
        ),
      );
      // The first goes out at once; the other seven wait for it and share the next call.
      expect(store.appendCalls.calls - before.calls).toBe(2);
      expect(store.appendCalls.appends - before.appends).toBe(8);
      const positions = results.map((result) => Number(result.position));
      expect(new Set(positions).size).toBe(8);
      expect(Math.max(...positions) - Math.min(...positions)).toBe(7);
    });

    it('tells each caller its events as recorded, the same as a reader sees them; a repeat is not told', async () => {
      const events = [
        newEvent('R1', { amountFen: '180000', 名: '富源县' }),
        newEvent('R2', { nested: { list: [1, 'two'] } }),
      ];
      const [first, second, alone] = await Promise.all([
        store.appendToStream('pool-r.53', events, { expectedRevision: 'no_stream' }),
        store.appendToStream('pool-s.53', [newEvent('S1')], { expectedRevision: 'any' }),
        store.appendToStream('pool-r2.53', [newEvent('R2-alone')], {
          expectedRevision: 'no_stream',
        }),
      ]);
      for (const [stream, result] of [
        ['pool-r.53', first],
        ['pool-s.53', second],
        ['pool-r2.53', alone],
      ] as const) {
        const read = [];
        for await (const event of store.readStream(stream)) read.push(event);
        expect(result.recorded).toEqual(read);
        expect(result.position).toBe(read[read.length - 1].position);
      }
      const repeat = await store.appendToStream('pool-r.53', events, {
        expectedRevision: 'no_stream',
      });
      expect(repeat.position).toBe(first.position);
      expect(repeat.recorded).toBeUndefined();
    });

    it('retries the appends of a failed call one by one, so a bad append fails alone and writes nothing', async () => {
      const owner = new Client({ connectionString: databaseUrl });
      await owner.connect();
      // A fault the validation cannot foresee: the database itself refuses one event.
      await owner.query(`
        CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.type = 'Poison' THEN RAISE EXCEPTION 'poisoned event refused'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER events_test_poison BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION test_poison();`);
      try {
        const start = await head();
        const before = { ...store.appendCalls };
        const [first, poisoned, neighbour] = await Promise.allSettled([
          store.appendToStream('pool-t.53', [newEvent('T1')], { expectedRevision: 'no_stream' }),
          store.appendToStream('pool-u.53', [newEvent('Poison')], {
            expectedRevision: 'no_stream',
          }),
          store.appendToStream('pool-v.53', [newEvent('V1')], { expectedRevision: 'no_stream' }),
        ]);
        expect(first.status).toBe('fulfilled');
        expect(poisoned).toMatchObject({
          status: 'rejected',
          reason: { message: 'poisoned event refused' },
        });
        expect(neighbour.status).toBe('fulfilled');
        // The first alone, the failed call of the other two, then each of them again.
        expect(store.appendCalls.calls - before.calls).toBe(4);
        expect(await head()).toBe(start + 2);
        expect(await streamOf('pool-u.53')).toEqual([]);
        expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
      } finally {
        await owner.query('DROP TRIGGER events_test_poison ON events; DROP FUNCTION test_poison()');
        await owner.end();
      }
    });

    it('carries texts with multi-byte characters and escapes byte for byte', async () => {
      const tricky = [
        newEvent('P1', { name: '张三', note: 'quote " backslash \\ newline \n', emoji: '😀' }),
        newEvent('P2', { 名: '富源县', list: ['{', '}', ','] }),
      ];
      const rows = await call([
        ['pool-p.53', tricky, 'no_stream'],
        ['pool-q.53', [newEvent('Q1', { empty: {} })], 'no_stream'],
      ]);
      expect(rows.map((row) => row.result)).toEqual(['ok', 'ok']);
      const read = [];
      for await (const event of store.readStream('pool-p.53')) read.push(event);
      expect(read.map((event) => [event.data, event.metadata])).toEqual(
        tricky.map((event) => [event.data, event.metadata]),
      );
      expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
    });

    it('refuses a call whose binary arrays are cut short or malformed, and writes nothing', async () => {
      const append = validateAppend('pool-w.53', [newEvent('W1'), newEvent('W2')], {
        expectedRevision: 'no_stream',
      });
      const start = await head();
      const parameters = appendCallParameters([
        { append, expected: 'no_stream' },
        {
          append: validateAppend('pool-w2.53', [newEvent('W3')], { expectedRevision: 'no_stream' }),
          expected: 'no_stream',
        },
      ]);
      const metadataOfTwo = binaryTextArray(['{}', '{}']);
      await expect(
        app.query(appendSql, [...parameters.slice(0, 8), metadataOfTwo]),
      ).rejects.toThrow(/null value/);
      const truncated = (parameters[7] as Buffer).subarray(0, (parameters[7] as Buffer).length - 1);
      await expect(
        app.query(appendSql, [...parameters.slice(0, 7), truncated, parameters[8]]),
      ).rejects.toThrow(/insufficient data/);
      expect(await head()).toBe(start);
    });

    describe('when a call repeats ids that another call committed, even while it waited for the lock', () => {
      let holder: Client;
      beforeEach(async () => {
        holder = new Client({ connectionString: databaseUrl, options: `-c role=${appRoleName}` });
        await holder.connect();
      });
      afterEach(async () => {
        await holder.query('ROLLBACK');
        await holder.end();
      });
      /** Writes `events` in a transaction left open, so that its call keeps the append lock. */
      const holdOriginal = async (stream: string, events: EventToAppend[]): Promise<void> => {
        await holder.query('BEGIN');
        const append = validateAppend(stream, events, { expectedRevision: 'no_stream' });
        await holder.query(appendSql, appendCallParameters([{ append, expected: 'no_stream' }]));
      };
      const lockWaiters = async (count: number): Promise<void> => {
        for (;;) {
          const { rows } = await holder.query<{ waiting: string }>(
            `SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
          );
          if (Number(rows[0].waiting) >= count) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };

      /**
       * Calls `stream`'s original again with `expected`, beside a new append to `neighbour`, while
       * the original is written but not committed; commits it once the call waits for the lock.
       */
      const repeatWhileOriginalCommits = async (
        stream: string,
        expected: ExpectedRevision,
        neighbour: string,
      ) => {
        const original = [newEvent('Original')];
        const start = await head();
        await holdOriginal(stream, original);
        const racing = call([
          [stream, original, expected],
          [neighbour, [newEvent('Neighbour')], 'no_stream'],
        ]);
        racing.catch(() => undefined); // awaited by the caller, after the commit
        await lockWaiters(1);
        await holder.query('COMMIT');
        return { start, racing };
      };

      it('answers a repeat refused for its expectation as a duplicate, after looking again under the lock', async () => {
        const { start, racing } = await repeatWhileOriginalCommits(
          'pool-x.53',
          'no_stream',
          'pool-y.53',
        );
        expect((await racing).map((row) => [row.result, row.last_position])).toEqual([
          ['duplicate', String(start + 1)],
          ['ok', String(start + 2)],
        ]);
        expect(await streamOf('pool-x.53')).toHaveLength(1);
      });

      it('fails a call whose expectations hold on the unique index, and it writes nothing', async () => {
        const { start, racing } = await repeatWhileOriginalCommits(
          'pool-x2.53',
          'any',
          'pool-y2.53',
        );
        await expect(racing).rejects.toMatchObject({
          code: '23505',
          constraint: 'events_stream_event_id_key',
        });
        expect(await head()).toBe(start + 1);
        expect(await streamOf('pool-x2.53')).toHaveLength(1);
        expect(await streamOf('pool-y2.53')).toEqual([]);
      });

      it('lets the store retry the appends of that call alone: the repeat is a duplicate, its neighbour is written', async () => {
        const original = [newEvent('Z1')];
        await holdOriginal('pool-z.53', original);
        const before = { ...store.appendCalls };
        // The first append goes out alone; the next two travel together once 100 events wait.
        const alone = store.appendToStream('pool-z-alone.53', [newEvent('A1')], {
          expectedRevision: 'no_stream',
        });
        const repeat = store.appendToStream('pool-z.53', original, { expectedRevision: 'any' });
        const neighbour = store.appendToStream(
          'pool-z-big.53',
          Array.from({ length: 100 }, () => newEvent('B')),
          {
            expectedRevision: 'no_stream',
          },
        );
        await lockWaiters(2);
        await holder.query('COMMIT');
        const [aloneResult, repeatResult, neighbourResult] = await Promise.all([
          alone,
          repeat,
          neighbour,
        ]);
        const [originalRow] = await streamOf('pool-z.53');
        expect(repeatResult.position).toBe(encodePosition(originalRow.position));
        expect(repeatResult.recorded).toBeUndefined();
        expect(neighbourResult.nextExpectedRevision).toBe(99n);
        expect(aloneResult.nextExpectedRevision).toBe(0n);
        // The lone append; the call of the other two, refused whole; then each of them again.
        expect(store.appendCalls.calls - before.calls).toBe(4);
        expect(await head()).toBe(originalRow.position + 101);
        expect((await verifyPostgresLog({ connectionString: databaseUrl })).ok).toBe(true);
      });
    });

    it('fails a call with a partly overlapping append whole; alone, as the store retries it, it is a conflict', async () => {
      const earlier = newEvent('M1');
      await call([['pool-m.53', [earlier], 'no_stream']]);
      const start = await head();
      const overlapping: Append = ['pool-m.53', [earlier, newEvent('M2')], 'any'];
      await expect(
        call([['pool-n.53', [newEvent('N1')], 'no_stream'], overlapping]),
      ).rejects.toMatchObject({
        code: '23505',
        constraint: 'events_stream_event_id_key',
      });
      expect(await head()).toBe(start);
      expect((await call([overlapping])).map((row) => row.result)).toEqual(['conflict']);
      expect(await head()).toBe(start);
      expect(await streamOf('pool-m.53')).toHaveLength(1);
    });
  });
}
