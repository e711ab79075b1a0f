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
}

/** The version part of a `ReadModelPositions` token (`<version>@<position>`). */
export function versionOfToken(token: string): string {
  const at = token.indexOf('@');
  return at < 0 ? token : token.slice(0, at);
}
