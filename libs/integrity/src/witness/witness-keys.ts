import { NoteKeyError } from '../note/note.errors';
import { parseVerifierKey, type VerifierKey } from '../note/note-keys';
import { noteSignatureType } from '../note/signed-note';

/**
 * The four levels of discipline commissions (纪委监委) that run a witness: each cosigns the log's
 * checkpoints with its own key, so a county cannot show the province another history than the one
 * it showed the prefecture without one witness refusing.
 */
export const witnessLevels = ['province', 'prefecture', 'county', 'township'] as const;
export type WitnessLevel = (typeof witnessLevels)[number];

export function isWitnessLevel(value: string): value is WitnessLevel {
  return (witnessLevels as readonly string[]).includes(value);
}

/** A witness's cosignature key (type 0x04 vkey) and the commission level it speaks for. */
export interface WitnessKey extends VerifierKey {
  readonly level: WitnessLevel;
  /** The vkey as given: `<name>+<key id>+<key>`. */
  readonly vkey: string;
}

/** `<level>:<vkey>`, as SUNLIGHT_WITNESS_KEYS and `sunlight audit --witness-key` take it. */
export function parseWitnessKey(entry: string): WitnessKey {
  const colon = entry.indexOf(':');
  const level = colon < 0 ? '' : entry.slice(0, colon);
  if (!isWitnessLevel(level)) {
    throw new NoteKeyError(
      `a witness key is <level>:<vkey> with a level of ${witnessLevels.join(', ')}`,
    );
  }
  const vkey = entry.slice(colon + 1);
  const key = parseVerifierKey(vkey);
  if (key.type !== noteSignatureType.cosignatureEd25519) {
    throw new NoteKeyError(
      `witness ${key.keyName}: a witness key is a cosignature key (type 0x04, from sunlight witness-key)`,
    );
  }
  return { ...key, level, vkey };
}

/**
 * A list of witness keys separated by commas or white space. Two entries with one witness name
 * are refused: a cosignature names its witness, never its level, so the name must say which.
 */
export function parseWitnessKeyList(text: string): WitnessKey[] {
  const keys = text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map(parseWitnessKey);
  const names = new Set<string>();
  for (const key of keys) {
    if (names.has(key.keyName)) throw new NoteKeyError(`witness ${key.keyName} is listed twice`);
    names.add(key.keyName);
  }
  return keys;
}
