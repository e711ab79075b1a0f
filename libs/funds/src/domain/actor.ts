import { InvalidCommandError } from './funds.errors';

/** Who issues a command. The application resolves it from the authenticated session. */
export interface Actor {
  readonly id: string;
  readonly role: string;
  /** Division code of the actor's jurisdiction; the application checks it against the pool. */
  readonly division: string;
}

/** What every funds command carries besides its own fields; it lands in the event metadata. */
export interface CommandContext {
  readonly actor: Actor;
  /** Business time as an ISO 8601 timestamp, chosen by the application, never read from a clock here. */
  readonly occurredAt: string;
}

const actorIdLengthMax = 128;
const isoTimestampPattern =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export function validateCommandContext(context: CommandContext): void {
  const actor = context.actor as Actor | undefined;
  if (actor === undefined || actor === null || typeof actor !== 'object') {
    throw new InvalidCommandError('actor', 'is required');
  }
  if (
    typeof actor.id !== 'string' ||
    actor.id.trim() === '' ||
    actor.id.length > actorIdLengthMax
  ) {
    throw new InvalidCommandError(
      'actor.id',
      `must be a non-blank string of at most ${actorIdLengthMax} characters`,
    );
  }
  if (typeof actor.role !== 'string' || typeof actor.division !== 'string') {
    throw new InvalidCommandError('actor', 'role and division must be strings');
  }
  if (typeof context.occurredAt !== 'string' || !isoTimestampPattern.test(context.occurredAt)) {
    throw new InvalidCommandError('occurredAt', 'must be an ISO 8601 timestamp with a time zone');
  }
}
