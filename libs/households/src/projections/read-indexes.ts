import { paymentsCollection, paymentsProjectionName } from '@sunlight/funds';
import type { ReadIndex } from '@sunlight/read-store';
import { householdsCollections, householdsProjectionName } from './households.projection';

/** The indexes the household queries and the card need, declared to whichever read store runs. */
export const householdsReadIndexes: readonly ReadIndex[] = [
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['villageCode'],
  },
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['attribute', 'villageCode'],
  },
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['mainCause', 'villageCode'],
  },
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['status', 'villageCode'],
  },
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['headName'],
  },
  {
    projection: householdsProjectionName,
    collection: householdsCollections.households,
    fields: ['monitored', 'villageCode'],
  },
  // The card finds payments made to the household itself, beside those to its members' ID numbers.
  {
    projection: paymentsProjectionName,
    collection: paymentsCollection,
    fields: ['beneficiaryId', 'requestedPosition'],
  },
];
