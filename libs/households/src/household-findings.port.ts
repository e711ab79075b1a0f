import type { OpenFindings } from '@sunlight/kernel';

/**
 * The open findings on a household's members (by ID number), for its card. Oversight implements
 * it; absent (an app without oversight), a card shows none.
 */
export const HOUSEHOLD_FINDINGS = 'HOUSEHOLD_FINDINGS';

export interface HouseholdFindings {
  /** Open findings inside `division` whose subject's ID number is one of `idNumbers`. */
  openFindingsOfPeople(division: string, idNumbers: readonly string[]): Promise<OpenFindings>;
}
