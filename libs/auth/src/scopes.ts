/**
 * What an `integrator` token may read beyond its division: event-type prefixes (`Disbursement`
 * admits `DisbursementRequested`, `DisbursementPaid` …) and, with `personal-data`, names, ID
 * numbers, bank accounts and phones unmasked. Other roles carry no scopes.
 */
export const personalDataScope = 'personal-data';
/** An event-type prefix: the start of a past-tense event type name. */
export const eventTypeScopePattern = /^[A-Z][A-Za-z0-9]{0,63}$/;
export const scopesMax = 32;

/** Why these scopes cannot go on a token of this role, or undefined when they can. */
export function scopesProblem(role: string, scopes: readonly unknown[]): string | undefined {
  if (scopes.length > scopesMax) return `at most ${scopesMax} scopes`;
  if (role !== 'integrator') {
    return scopes.length === 0 ? undefined : `only an integrator token carries scopes (${role})`;
  }
  for (const scope of scopes) {
    if (scope === personalDataScope) continue;
    if (typeof scope !== 'string' || !eventTypeScopePattern.test(scope)) {
      return `scope ${JSON.stringify(scope)} is neither "${personalDataScope}" nor an event-type prefix such as Disbursement`;
    }
  }
  if (new Set(scopes).size !== scopes.length) return 'a scope is named twice';
  if (!scopes.some((scope) => scope !== personalDataScope)) {
    return 'an integrator token needs at least one event-type scope (e.g. Disbursement)';
  }
  return undefined;
}

/** The event-type prefixes among `scopes`. */
export function eventTypeScopes(scopes: readonly string[]): string[] {
  return scopes.filter((scope) => scope !== personalDataScope);
}

/** Whether a caller of `role` holding `scopes` sees personal data unmasked: every role but an integrator without the scope. */
export function seesPersonalData(role: string, scopes: readonly string[]): boolean {
  return role !== 'integrator' || scopes.includes(personalDataScope);
}
