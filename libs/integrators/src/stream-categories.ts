import { divisionOfSubscriptionId, subscriptionStreamPrefix } from './domain/subscription.decider';

/** A subscription belongs to its owner's division, which its id names. Shaped as `StreamCategory` of `@sunlight/audit`. */
export const integratorsStreamCategories = [
  {
    category: 'subscription',
    divisionOf: (streamName: string) =>
      divisionOfSubscriptionId(streamName.slice(subscriptionStreamPrefix.length)),
  },
];
