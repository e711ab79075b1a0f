import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@sunlight/event-store';

/**
 * The event `bench:append` writes: a disbursement request of the size and shape the ledger
 * records. `bench/reference/emmett-append.cjs` writes the same one to another store.
 */
export function disbursementEvent(index: number): EventToAppend {
  return {
    eventId: randomUUID(),
    type: 'DisbursementRequested',
    data: {
      transferId: randomUUID(),
      beneficiary: {
        kind: 'household',
        id: `hh-530325102201-${index}`,
        name: '张三',
        idNumber: '53032519800101001X',
      },
      amountFen: String(100_000 + (index % 1000)),
      purpose: '产业发展补助',
    },
    metadata: {
      actor: { id: 'u-finance-1', role: 'finance', division: '530325' },
      occurredAt: new Date().toISOString(),
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}
