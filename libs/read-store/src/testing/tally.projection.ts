import type { RecordedEvent } from '@sunlight/event-store';
import type { Projection } from '../projection';
import type { DocumentKey, ReadDocument } from '../read-store.port';

/**
 * A tiny projection for the runner's tests: events on `tally-…` streams carry a division code
 * and an amount; each one counts in its division, in every ancestor (2, 4, 6 digits) and in a
 * grand total, so one event touches three or four documents, and the roll-up documents are
 * touched by every event. `Uncounted` subtracts, so the order of events matters. Version 2
 * changes the meaning (amounts in yuan strings), as a real new version would.
 */
export function tallyProjection(version = 1): Projection {
  return {
    name: 'tally',
    version,
    filter: { on: 'streamName', prefixes: ['tally-'] },
    keysOf(event: RecordedEvent): DocumentKey[] {
      const code = String(event.data.code);
      const ancestors = [2, 4, 6]
        .filter((length) => length <= code.length)
        .map((length) => code.slice(0, length));
      return [
        ...ancestors.map((id) => ({ collection: 'divisions', id })),
        { collection: 'totals', id: 'all' },
      ];
    },
    apply(current: ReadDocument | undefined, event: RecordedEvent, key: DocumentKey) {
      const sign = event.type === 'Uncounted' ? -1 : 1;
      const amount = sign * Number(event.data.amount);
      const count = ((current?.count as number | undefined) ?? 0) + sign;
      const amountFen = ((current?.amountFen as number | undefined) ?? 0) + amount;
      const base = {
        id: key.id,
        count,
        amountFen,
        ...(key.collection === 'divisions'
          ? { parentCode: key.id.length > 2 ? key.id.slice(0, -2) : null }
          : {}),
      };
      return version === 1 ? base : { ...base, amountYuan: (amountFen / 100).toFixed(2), version };
    },
  };
}
