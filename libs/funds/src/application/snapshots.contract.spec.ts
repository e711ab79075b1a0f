/**
 * Proves that a forged pool snapshot cannot move money: a snapshot whose row was edited in the
 * database (a pool of 10.00 shown as holding 1,000,010.00), one copied onto another revision and
 * one without a seal are each refused at load and reported, the pool folds from the log instead
 * and a 5,000.00 disbursement is refused as it should be; `verifyPostgresSnapshots` names every
 * such snapshot, and passes the genuine ones.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { deciderHandler, type EventStore } from '@sunlight/event-store';
import {
  PostgresEventStore,
  PostgresSnapshotStore,
  verifyPostgresSnapshots,
  type RejectedSnapshot,
} from '@sunlight/event-store/postgres';
import type { Actor } from '@sunlight/kernel';
import { createTestDatabase, dropTestDatabase } from '../../../../test/support/test-database';
import {
  InsufficientFundsError,
  poolDecider,
  poolEventClaims,
  poolSnapshotSchemaVersion,
  poolStateFromSnapshot,
  poolStateToSnapshot,
  poolStreamName,
  type PoolCommand,
} from '../domain';
import { poolSnapshotFolder } from '../snapshot-folders';
import { toPoolEvent } from '../stored-events';

const sealKey = 'snapshot-contract-test-key'.padEnd(48, 'k');
const finance: Actor = { id: 'f1', role: 'finance', division: '530325' };

describe('sealed pool snapshots', () => {
  let databaseUrl: string;
  let store: PostgresEventStore;
  let db: Client;
  const rejected: RejectedSnapshot[] = [];

  /** A new instance's handler: no cache, snapshots every 3 events. */
  function pools(target: EventStore = store) {
    return deciderHandler(target, {
      decider: poolDecider,
      toDomainEvent: toPoolEvent,
      claimsOf: poolEventClaims,
      snapshots: {
        store: new PostgresSnapshotStore(store.pool, {
          sealKey,
          onRejected: (snapshot) => rejected.push(snapshot),
        }),
        schemaVersion: poolSnapshotSchemaVersion,
        everyEvents: 3,
        toJson: (state) => ({ ...poolStateToSnapshot(state) }),
        fromJson: (json) => poolStateFromSnapshot(json),
      },
    });
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase(
      process.env.SUNLIGHT_TEST_PG_ADMIN_URL as string,
      'snapshots',
    );
    store = await PostgresEventStore.open({ connectionString: databaseUrl });
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await store?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const occurredAt = () => new Date().toISOString();
  const metadata = () => ({ commandId: randomUUID(), actor: finance });

  /** A pool of 10.00 after three events, with a sealed snapshot at revision 2. */
  async function poolWithSnapshot(fundId: string): Promise<string> {
    const stream = poolStreamName(fundId, '530325');
    const handler = pools();
    const base = { fundId, divisionCode: '530325', actor: finance, occurredAt: occurredAt() };
    await handler.handle(
      stream,
      { ...base, type: 'AppropriateFunds', transferId: `${fundId}-in`, amountFen: 1_500n },
      metadata(),
    );
    await handler.handle(
      stream,
      {
        ...base,
        type: 'RequestDisbursement',
        transferId: `${fundId}-d1`,
        beneficiary: { kind: 'person', id: 'p1', name: '张三' },
        amountFen: 500n,
      },
      metadata(),
    );
    await handler.handle(
      stream,
      {
        ...base,
        type: 'RejectDisbursement',
        transferId: `${fundId}-d1`,
        reason: '重复申报',
        actor: { ...finance, id: 'checker', role: 'approver' },
      },
      metadata(),
    );
    // The snapshot is written in the background after the third event.
    for (let i = 0; i < 100; i += 1) {
      const { rows } = await db.query('SELECT 1 FROM snapshots WHERE stream_name = $1', [stream]);
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return stream;
  }

  const bigRequest = (fundId: string): PoolCommand => ({
    type: 'RequestDisbursement',
    fundId,
    divisionCode: '530325',
    transferId: `${fundId}-big`,
    beneficiary: { kind: 'person', id: 'p2', name: '李四' },
    amountFen: 500_000n,
    actor: finance,
    occurredAt: occurredAt(),
  });

  it('loads a genuine snapshot', async () => {
    const stream = await poolWithSnapshot(`snap-${randomUUID().slice(0, 8)}`);
    const before = rejected.length;
    const { state, revision } = await pools().load(stream);
    expect(revision).toBe(2n);
    expect(state.balanceFen).toBe(1_500n);
    expect(rejected.length).toBe(before);
  });

  it.each([
    [
      'an edited balance',
      `UPDATE snapshots SET state = jsonb_set(state, '{balanceFen}', '"100001500"') WHERE stream_name = $1`,
      'its seal does not match its content',
    ],
    [
      'a snapshot moved to another revision',
      'UPDATE snapshots SET revision = 1 WHERE stream_name = $1',
      'it was taken of another event at revision 1',
    ],
    [
      'a snapshot without a seal',
      'UPDATE snapshots SET seal = NULL WHERE stream_name = $1',
      'it carries no seal',
    ],
  ])('refuses %s, folds from the log and refuses the overdraft', async (_case, sql, reason) => {
    const fundId = `snap-${randomUUID().slice(0, 8)}`;
    const stream = await poolWithSnapshot(fundId);
    await db.query(sql, [stream]);
    const before = rejected.length;
    await expect(pools().handle(stream, bigRequest(fundId), metadata())).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    expect(rejected.slice(before)).toEqual([
      expect.objectContaining({ streamName: stream, reason }),
    ]);
    const verified = await verifyPostgresSnapshots(store.pool, {
      sealKey,
      folders: [poolSnapshotFolder],
    });
    expect(verified.findings.filter((finding) => finding.streamName === stream)).toEqual([
      expect.objectContaining({ problem: reason }),
      ...(reason === 'it carries no seal'
        ? []
        : [expect.objectContaining({ problem: expect.stringContaining('differs from the fold') })]),
    ]);
  });

  it('passes every genuine snapshot in verify', async () => {
    const stream = await poolWithSnapshot(`snap-${randomUUID().slice(0, 8)}`);
    const verified = await verifyPostgresSnapshots(store.pool, {
      sealKey,
      folders: [poolSnapshotFolder],
    });
    expect(verified.checked).toBeGreaterThan(0);
    expect(verified.findings.filter((finding) => finding.streamName === stream)).toEqual([]);
  });
});
