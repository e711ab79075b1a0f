import type { OpenFindings } from '@sunlight/kernel';

/**
 * The open findings on one resident ID number, shown with that person's payments
 * (GET /history/person/:idNumber). Oversight implements it; absent (an app without oversight),
 * the person's history shows none. Funds cannot depend on oversight, hence the port.
 */
export const PERSON_FINDINGS = 'PERSON_FINDINGS';

export interface PersonFindings {
  /** Open findings inside `division` whose subject's ID number, normalised, is `idNumber`'s. */
  openFindingsOfPerson(division: string, idNumber: string): Promise<OpenFindings>;
}
