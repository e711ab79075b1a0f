/**
 * The transfer index answers each caller with its own filters, while the lookups of one turn of
 * the event loop share a query.
 */
import {
  createTestDatabase,
  dropTestDatabase,
  postgresTargets,
} from '../../../../test/support/test-database';
import { newEvent } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresTransferIndex, transferEventsMax } from './postgres-transfer-index';

for (const target of postgresTargets()) {
  describe(`PostgresTransferIndex (${target.label})`, () => {
    let databaseUrl: string;
    let store: PostgresEventStore;
    let index: PostgresTransferIndex;

    beforeAll(async () => {
      databaseUrl = await createTestDatabase(target.adminUrl, 'transfer_index');
      store = await PostgresEventStore.open({ connectionString: databaseUrl });
      index = new PostgresTransferIndex(store.pool);
      await store.appendToStream(
        'pool-f1.530325',
        [
          newEvent('DisbursementRequested', { transferId: 't-1' }),
          newEvent('DisbursementApproved', { transferId: 't-1' }),
          newEvent('DisbursementRequested', { transferId: 't-2' }),
        ],
        { expectedRevision: 'no_stream' },
      );
      await store.appendToStream(
        'pool-f1.5303',
        [newEvent('AllocationSent', { transferId: 't-3' })],
        { expectedRevision: 'no_stream' },
      );
      await store.appendToStream(
        'pool-f1.530325x',
        [newEvent('AllocationReceived', { transferId: 't-3' })],
        { expectedRevision: 'no_stream' },
      );
      await store.appendToStream('fund-f1', [newEvent('FundCreated', { fundId: 'f1' })], {
        expectedRevision: 'no_stream',
      });
    });
    afterAll(async () => {
      await store.close();
      await dropTestDatabase(databaseUrl);
    });

    const shape = (events: { streamName: string; type: string; revision: bigint }[]) =>
      events.map((event) => `${event.streamName}#${event.revision} ${event.type}`);

    it('answers concurrent lookups, each with its own filters, from one query', async () => {
      const before = { ...index.lookups };
      const [all1, approvals1, elsewhere3, all3, again1, unknown] = await Promise.all([
        index.findByTransferId('t-1'),
        index.findByTransferId('t-1', { types: ['DisbursementApproved'] }),
        index.findByTransferId('t-3', { streamName: 'pool-f1.530325x' }),
        index.findByTransferId('t-3'),
        index.findByTransferId('t-1', {
          streamName: 'pool-f1.530325',
          types: ['DisbursementRequested'],
        }),
        index.findByTransferId('t-none'),
      ]);
      expect(index.lookups.queries - before.queries).toBe(1);
      expect(index.lookups.transferIds - before.transferIds).toBe(3);
      expect(shape(all1)).toEqual([
        'pool-f1.530325#0 DisbursementRequested',
        'pool-f1.530325#1 DisbursementApproved',
      ]);
      expect(shape(approvals1)).toEqual(['pool-f1.530325#1 DisbursementApproved']);
      expect(shape(elsewhere3)).toEqual(['pool-f1.530325x#0 AllocationReceived']);
      expect(shape(all3)).toEqual([
        'pool-f1.5303#0 AllocationSent',
        'pool-f1.530325x#0 AllocationReceived',
      ]);
      expect(shape(again1)).toEqual(['pool-f1.530325#0 DisbursementRequested']);
      expect(unknown).toEqual([]);
      expect(all1[1]).toMatchObject({
        data: { transferId: 't-1' },
        position: expect.any(String),
        recordedAt: expect.any(Date),
      });
    });

    it('answers a lookup made after a query went out with a query of its own', async () => {
      const before = { ...index.lookups };
      expect(shape(await index.findByTransferId('t-2'))).toEqual([
        'pool-f1.530325#2 DisbursementRequested',
      ]);
      expect(
        shape(await index.findByTransferId('t-2', { types: ['DisbursementApproved'] })),
      ).toEqual([]);
      expect(index.lookups.queries - before.queries).toBe(2);
    });

    it('bounds each transfer on its own: one with too many events crowds out no other', async () => {
      const many = Array.from({ length: transferEventsMax + 1 }, () =>
        newEvent('Reused', { transferId: 't-many' }),
      );
      await store.appendToStream('pool-f2.530325', many.slice(0, 600), {
        expectedRevision: 'no_stream',
      });
      await store.appendToStream('pool-f2.530325', many.slice(600), { expectedRevision: 599n });
      await store.appendToStream(
        'pool-f2.530326',
        [newEvent('DisbursementRequested', { transferId: 't-late' })],
        { expectedRevision: 'no_stream' },
      );
      const [reused, late] = await Promise.all([
        index.findByTransferId('t-many'),
        index.findByTransferId('t-late'),
      ]);
      expect(reused).toHaveLength(transferEventsMax);
      expect(reused[transferEventsMax - 1].revision).toBe(BigInt(transferEventsMax - 1));
      expect(shape(late)).toEqual(['pool-f2.530326#0 DisbursementRequested']);
    });

    it('fails every lookup of a query that fails', async () => {
      const broken = new PostgresTransferIndex({
        query: () => Promise.reject(new Error('connection lost')),
      } as never);
      const results = await Promise.allSettled([
        broken.findByTransferId('t-1'),
        broken.findByTransferId('t-2', { types: ['X'] }),
      ]);
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    });
  });
}
