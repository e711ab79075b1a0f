// Proves the digest that seals a KurrentDB snapshot to its event: fixed for one event, and changed by any field the log holds for it (so a snapshot cannot be moved onto another event at that revision), without needing the chain keeper.
import type { RecordedEvent } from '../event-store.port';
import { eventDigest } from './kurrentdb-snapshot-store';

const event: RecordedEvent = {
  streamName: 'pool-F1-530325',
  revision: 2n,
  eventId: '0b8e7c1a-1111-4222-8333-444455556666',
  type: 'AllocationReceived',
  data: { amountFen: '18000000' },
  metadata: { actor: { id: 'u1', role: 'finance' } },
  position: `${'1200'.padStart(20, '0')}/${'1100'.padStart(20, '0')}`,
  recordedAt: new Date('2026-12-03T10:00:00.000Z'),
};

describe('eventDigest', () => {
  it('is the same for the same event, whatever the key order of its JSON', () => {
    const reordered = { ...event, metadata: { actor: { role: 'finance', id: 'u1' } } };
    expect(eventDigest(reordered).equals(eventDigest(event))).toBe(true);
    expect(eventDigest(event)).toHaveLength(32);
  });

  it.each<[string, Partial<RecordedEvent>]>([
    ['stream', { streamName: 'pool-F2-530325' }],
    ['revision', { revision: 3n }],
    ['id', { eventId: '0b8e7c1a-1111-4222-8333-444455556667' }],
    ['type', { type: 'AllocationSent' }],
    ['data', { data: { amountFen: '18000001' } }],
    ['metadata', { metadata: { actor: { id: 'u2', role: 'finance' } } }],
    ['position', { position: `${'1201'.padStart(20, '0')}/${'1100'.padStart(20, '0')}` }],
    ['recorded time', { recordedAt: new Date('2026-12-03T10:00:00.001Z') }],
  ])('changes when the %s changes', (_field, change) => {
    expect(eventDigest({ ...event, ...change }).equals(eventDigest(event))).toBe(false);
  });
});
