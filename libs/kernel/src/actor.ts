import type { FieldRules } from './field-rules';

/**
 * Who acts: the person, their role and the jurisdiction (a division code) they act in. The
 * application resolves it from the authenticated session; every event's metadata records it.
 * `Role` narrows the role where the caller knows the roles (the auth library does).
 */
export interface Actor<Role extends string = string> {
  readonly id: string;
  readonly role: Role;
  /** Division code of the actor's jurisdiction (管辖区划): they act and read only inside it. */
  readonly division: string;
}

/** What every command carries besides its own fields; it lands in the event metadata. */
export interface CommandContext {
  readonly actor: Actor;
  /** Business time as an ISO 8601 timestamp, chosen by the application, never read from a clock here. */
  readonly occurredAt: string;
}

export const actorIdLengthMax = 128;
const isoTimestampPattern =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Deciders check the context they are given: it is part of the fact they record. */
export function validateCommandContext(context: CommandContext, rules: FieldRules): void {
  const actor = context.actor as Actor | undefined | null;
  if (actor === undefined || actor === null || typeof actor !== 'object') {
    throw rules.invalid('actor', 'is required');
  }
  if (
    typeof actor.id !== 'string' ||
    actor.id.trim() === '' ||
    actor.id.length > actorIdLengthMax
  ) {
    throw rules.invalid(
      'actor.id',
      `must be a non-blank string of at most ${actorIdLengthMax} characters`,
    );
  }
  if (typeof actor.role !== 'string' || typeof actor.division !== 'string') {
    throw rules.invalid('actor', 'role and division must be strings');
  }
  if (typeof context.occurredAt !== 'string' || !isoTimestampPattern.test(context.occurredAt)) {
    throw rules.invalid('occurredAt', 'must be an ISO 8601 timestamp with a time zone');
  }
}
