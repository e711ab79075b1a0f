/*
 * A household's id is chosen by the client, `hh-<12-digit village code>-<n>`, so registering it
 * twice is recognised as a repeat, and the village it belongs to (its jurisdiction) is read from
 * the id itself: every route that names a household checks the caller against that village
 * before reading or writing anything.
 */

export const householdStreamCategory = 'household';
export const householdIdPattern = /^hh-(\d{12})-([1-9]\d{0,5})$/;
export const householdIdFormat =
  'hh-<12-digit village code>-<n>, n from 1 to 999999 without leading zeros';

export interface HouseholdIdParts {
  readonly householdId: string;
  readonly villageCode: string;
  readonly number: number;
}

export function parseHouseholdId(householdId: string): HouseholdIdParts | undefined {
  const match = householdIdPattern.exec(householdId);
  if (match === null) return undefined;
  const [, villageCode, digits] = match;
  if (villageCode === undefined || digits === undefined) return undefined;
  return { householdId, villageCode, number: Number(digits) };
}

export function householdStreamName(householdId: string): string {
  return `${householdStreamCategory}-${householdId}`;
}

/** The household a stream holds, or undefined for a name no household stream has. */
export function parseHouseholdStreamName(streamName: string): HouseholdIdParts | undefined {
  const prefix = `${householdStreamCategory}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  return parseHouseholdId(streamName.slice(prefix.length));
}
