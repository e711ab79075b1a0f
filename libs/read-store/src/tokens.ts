/** Nest injection token of the app's `ReadStore`; a plain string so libraries need not import the app. */
export const READ_STORE = 'READ_STORE';

/**
 * Nest injection token of a `ReadModelPositions`: how far a projection's active version has
 * committed, so a reader can cache what it computed from the documents until they change.
 */
export const READ_MODEL_POSITIONS = 'READ_MODEL_POSITIONS';

export interface ReadModelPositions {
  /**
   * A token that changes whenever the active version of the projection commits a batch or
   * another version is activated (`<version>@<position>`); undefined before any is active.
   */
  current(projection: string): Promise<string | undefined>;
  /**
   * Without I/O, when this process follows the projection's commits: a token that changes
   * whenever that one document changes (or the active version does), as `<version>@…`; undefined
   * when it cannot tell, and the caller falls back to `current`.
   */
  document?(projection: string, collection: string, id: string): string | undefined;
}

/** The version part of a `ReadModelPositions` token (`<version>@<position>`). */
export function versionOfToken(token: string): string {
  const at = token.indexOf('@');
  return at < 0 ? token : token.slice(0, at);
}

/**
 * The log position part of a `ReadModelPositions` token: every event at or before it has been
 * applied to the read model; undefined when the version has applied none yet.
 */
export function positionOfToken(token: string): string | undefined {
  const at = token.indexOf('@');
  const position = at < 0 ? '' : token.slice(at + 1);
  return position === '' ? undefined : position;
}
