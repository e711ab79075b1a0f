import type { Role } from './roles';

/**
 * Who is calling, as proven by a bearer token. Event metadata records it as `actor`, so every
 * fact in the log names the person, their role and the jurisdiction they acted in.
 */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  /** Division code of the actor's jurisdiction (管辖区划): they act and read only inside it. */
  readonly division: string;
}
