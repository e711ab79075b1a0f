/**
 * Proves that the chain the database computes is the one the integrity library recomputes, and
 * that `verifyPostgresLog` names the first position of an event altered, removed, inserted or
 * reordered behind the application's back (with superuser rights and triggers disabled).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { canonicalEventText, chainHash, genesisHash } from '@sunlight/integrity';
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { newEvent } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { verifyPostgresLog } from './verify-postgres-log';

const [embedded] = postgresTargets();

describe('hash chain on PostgreSQL', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let owner: Client;

  beforeEach(async () => {
    databaseUrl = await createTestDatabase(embedded.adminUrl, 'chain');
    store = await PostgresEventStore.open({ connectionString: databaseUrl });
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    for (let i = 0; i < 5; i += 1) {
      await store.appendToStream(
        `pool-f1.5303${i % 2}`,
        [newEvent('AllocationSent', { amountFen: `${1000 + i}`, 名: '富源县' })],
        {
          expectedRevision: 'any',
        },
      );
    }
    await store.appendToStream(
      'fund-f1',
      [newEvent('FundLineCreated'), newEvent('FundsAppropriated', { n: 1.5 })],
      {
        expectedRevision: 'any',
      },
    );
  });
  afterEach(async () => {
    await owner.end();
    await store.close();
    await dropTestDatabase(databaseUrl);
  });

  /** Behind the application's back: a superuser with the immutability triggers switched off. */
  const tamper = async (sql: string) => {
    await owner.query('BEGIN');
    await owner.query('SET LOCAL session_replication_role = replica');
    await owner.query(sql);
    await owner.query('COMMIT');
  };

  it('stores, for every event, SHA-256(prevHash ‖ JCS(event)) starting from 32 zero bytes', async () => {
    const { rows } = await owner.query('SELECT * FROM events ORDER BY position');
    let prev = genesisHash;
    for (const row of rows) {
      const fields = {
        position: row.position,
        stream: row.stream_name,
        revision: row.revision,
        id: row.event_id,
        type: row.type,
        data: row.data,
        metadata: row.metadata,
        recordedAt: row.recorded_at.toISOString(),
      };
      expect(canonicalEventText(fields)).toContain(`"position":"${row.position}"`);
      const expected = chainHash(prev, fields);
      expect(row.hash.toString('hex')).toBe(expected.toString('hex'));
      prev = expected;
    }
    expect(rows).toHaveLength(7);
  });

  it('verifies an untouched log', async () => {
    const progress: number[] = [];
    const result = await verifyPostgresLog({
      connectionString: databaseUrl,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toMatchObject({ ok: true, eventsChecked: 7, headPosition: '7' });
    expect(progress[progress.length - 1]).toBe(7);
  });

  it('names the position of an altered event', async () => {
    await tamper(
      `UPDATE events SET data = jsonb_set(data, '{amountFen}', '"9999"') WHERE position = 3`,
    );
    const result = await verifyPostgresLog({ connectionString: databaseUrl });
    expect(result).toMatchObject({
      ok: false,
      firstBreak: { kind: 'hash_mismatch', position: '3' },
    });
  });

  it('names the position of a removed event', async () => {
    await tamper('DELETE FROM events WHERE position = 4');
    const result = await verifyPostgresLog({ connectionString: databaseUrl });
    expect(result).toMatchObject({
      ok: false,
      firstBreak: { kind: 'position_gap', position: '4' },
    });
  });

  it('names the position of an inserted event even when positions were renumbered', async () => {
    await tamper('ALTER TABLE events DROP CONSTRAINT events_stream_revision_key');
    await tamper('UPDATE events SET position = position + 1000 WHERE position >= 3');
    await tamper('UPDATE events SET position = position - 999 WHERE position >= 1003');
    await tamper(
      `INSERT INTO events SELECT 3, stream_name, revision, '${randomUUID()}', type, data, metadata, recorded_at, hash FROM events WHERE position = 2`,
    );
    const result = await verifyPostgresLog({ connectionString: databaseUrl });
    expect(result).toMatchObject({
      ok: false,
      firstBreak: { kind: 'hash_mismatch', position: '3' },
    });
  });

  it('names the first position of two swapped events', async () => {
    await tamper('UPDATE events SET position = position + 10000 WHERE position IN (5, 6)');
    await tamper('UPDATE events SET position = 6 WHERE position = 10005');
    await tamper('UPDATE events SET position = 5 WHERE position = 10006');
    const result = await verifyPostgresLog({ connectionString: databaseUrl });
    expect(result).toMatchObject({
      ok: false,
      firstBreak: { kind: 'hash_mismatch', position: '5' },
    });
  });
});
