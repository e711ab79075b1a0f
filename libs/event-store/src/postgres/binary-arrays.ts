/**
 * One-dimensional arrays in PostgreSQL's binary wire form (what `array_send` writes and
 * `array_recv` reads), for parameters sent as Buffers. The server then takes each element's
 * bytes as they come: a text[] literal, by contrast, is quoted and escaped element by element by
 * the driver, and unescaped character by character by the server's `array_in`.
 *
 * Layout: int32 dimensions, int32 has-nulls flag, int32 element type OID, then per dimension
 * int32 length and int32 lower bound, then per element int32 byte length and the bytes.
 */
const textTypeOid = 25;
const uuidTypeOid = 2950;
const uuidBytes = 16;

/** `texts` as a binary text[]; `byteLengths[i]`, when given, is `Buffer.byteLength(texts[i])`. */
export function binaryTextArray(texts: readonly string[], byteLengths?: readonly number[]): Buffer {
  const lengths = byteLengths ?? texts.map((text) => Buffer.byteLength(text));
  let size = headerBytes(texts.length);
  for (const length of lengths) size += 4 + length;
  const buffer = Buffer.allocUnsafe(size);
  let offset = writeHeader(buffer, textTypeOid, texts.length);
  for (let index = 0; index < texts.length; index += 1) {
    offset = buffer.writeInt32BE(lengths[index], offset);
    offset += buffer.write(texts[index], offset);
  }
  return buffer;
}

/** `ids` (canonical 8-4-4-4-12 hex, as validation leaves them) as a binary uuid[]. */
export function binaryUuidArray(ids: readonly string[]): Buffer {
  const buffer = Buffer.allocUnsafe(headerBytes(ids.length) + ids.length * (4 + uuidBytes));
  let offset = writeHeader(buffer, uuidTypeOid, ids.length);
  for (const id of ids) {
    offset = buffer.writeInt32BE(uuidBytes, offset);
    offset += buffer.write(id.replaceAll('-', ''), offset, 'hex');
  }
  return buffer;
}

function headerBytes(count: number): number {
  return count === 0 ? 12 : 20;
}

function writeHeader(buffer: Buffer, elementTypeOid: number, count: number): number {
  let offset = buffer.writeInt32BE(count === 0 ? 0 : 1, 0);
  offset = buffer.writeInt32BE(0, offset);
  offset = buffer.writeInt32BE(elementTypeOid, offset);
  if (count === 0) return offset;
  offset = buffer.writeInt32BE(count, offset);
  return buffer.writeInt32BE(1, offset);
}
