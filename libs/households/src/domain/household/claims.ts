import type { HouseholdEvent } from './events';

/*
 * One ID number belongs to at most one active member in the whole system. A member's addition
 * claims `person:<idNumber>` for the household's stream across the whole log, and the removal
 * releases it, through the event store's claims (checked inside the append's own transaction,
 * so two households adding one person at the same moment cannot both win).
 */

export const personClaimPrefix = 'person:';

export function personClaimKey(idNumber: string): string {
  return `${personClaimPrefix}${idNumber}`;
}

export function householdEventClaims(event: HouseholdEvent): {
  claims?: string[];
  releases?: string[];
} {
  switch (event.type) {
    case 'MemberAdded':
      return { claims: [personClaimKey(event.data.idNumber)] };
    case 'MemberRemoved':
      return { releases: [personClaimKey(event.data.idNumber)] };
    default:
      return {};
  }
}
