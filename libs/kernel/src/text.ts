/*
 * What counts as text a person wrote (a name, a reason). Blank is not only spaces: a string of
 * zero-width or control characters looks empty on every screen and in every printed roster, so
 * it must not pass for a name; control characters have no place in such text at all.
 */

// Letters, marks, digits, punctuation and symbols: something that shows.
const visibleCharacter = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

export function hasVisibleCharacter(text: string): boolean {
  return visibleCharacter.test(text);
}

export function hasControlCharacter(text: string): boolean {
  return controlCharacter.test(text);
}

/** Undefined when `text` is acceptable human text; otherwise what is wrong with it. */
export function humanTextProblem(text: string, lengthMax: number): string | undefined {
  if (!hasVisibleCharacter(text)) return 'is required and must not be blank';
  if (hasControlCharacter(text)) return 'must not contain control characters';
  if (text.length > lengthMax) return `must be at most ${lengthMax} characters`;
  return undefined;
}
