import { NoteFormatError } from './note.errors';

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard base64 (RFC 4648 §4) with padding, decoded only if it is the one canonical encoding of
 * its bytes. Buffer.from(text, 'base64') skips characters it does not know and accepts missing
 * padding, so two different texts could pass for one signature or hash.
 */
export function decodeBase64Strict(text: string, what: string): Buffer {
  const bytes = base64Pattern.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (bytes === undefined || bytes.toString('base64') !== text) {
    throw new NoteFormatError(what, 'not canonical standard base64');
  }
  return bytes;
}
