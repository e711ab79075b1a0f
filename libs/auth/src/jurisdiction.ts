import type { DivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { ForbiddenJurisdictionError } from './auth.errors';

/** The part of the registry the jurisdiction rule needs, so tests can hand in a small fake. */
export type JurisdictionRegistry = Pick<DivisionRegistry, 'isWithin' | 'get'>;

/**
 * DESIGN §1: a user acts and reads only inside their jurisdiction, that is the jurisdiction's own
 * division or any division below it. An unknown code is inside nothing. Roles do not widen it:
 * an `admin` is bound by its jurisdiction too, which is why admins normally hold the province.
 */
export function isWithinJurisdiction(
  actor: Actor,
  divisionCode: string,
  registry: JurisdictionRegistry,
): boolean {
  return registry.isWithin(divisionCode, actor.division);
}

export function assertWithinJurisdiction(
  actor: Actor,
  divisionCode: string,
  registry: JurisdictionRegistry,
): void {
  if (isWithinJurisdiction(actor, divisionCode, registry)) return;
  const target = registry.get(divisionCode);
  const jurisdiction = registry.get(actor.division);
  const targetText =
    target === undefined
      ? `Division ${divisionCode} is not a known division and so`
      : `Division ${label(divisionCode, target.name)}`;
  const jurisdictionText =
    jurisdiction === undefined ? actor.division : label(actor.division, jurisdiction.name);
  throw new ForbiddenJurisdictionError(
    divisionCode,
    actor.division,
    `${targetText} is outside your jurisdiction ${jurisdictionText}.`,
  );
}

function label(code: string, name: string): string {
  return `${code} (${name})`;
}
