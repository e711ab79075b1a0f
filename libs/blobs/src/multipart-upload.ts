import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import busboy from 'busboy';
import type { BlobStore, StagedBlob } from './blob-store';
import { RequestFieldError } from '@sunlight/kernel';

/*
 * A multipart/form-data upload read as it arrives: the one file part streams into the blob store
 * (hashed and counted on the way, refused past the size limit) and the text fields are collected.
 * The file is never held whole in memory. It is staged, not yet stored: the caller checks the
 * form (the division's jurisdiction above all) and only then keeps it (`keepAdmitted`), so a
 * refused request leaves nothing in the store. A form that fails here drops it.
 */

export interface MultipartUpload {
  fields: Record<string, string>;
  file: (StagedBlob & { name: string }) | undefined;
}

/**
 * Keeps the staged file once `admit` (the checks of the form, jurisdiction included) has passed;
 * drops it and throws what `admit` threw otherwise.
 */
export async function keepAdmitted(file: StagedBlob, admit: () => unknown): Promise<void> {
  try {
    await admit();
  } catch (error) {
    await file.drop();
    throw error;
  }
  await file.keep();
}

const fieldsMax = 20;
// eslint-disable-next-line no-control-regex -- dropping control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/g;
const fieldBytesMax = 2_000;

export function readMultipartUpload(
  request: IncomingMessage,
  options: { blobs: BlobStore; bytesMax: number; fieldNames: readonly string[] },
): Promise<MultipartUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;/i.test(contentType)) {
    return Promise.reject(
      new RequestFieldError('file', 'must be sent as multipart/form-data with a file part "file"'),
    );
  }
  return new Promise<MultipartUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let stored: Promise<StagedBlob & { name: string }> | undefined;
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fields: fieldsMax, fieldSize: fieldBytesMax, parts: fieldsMax + 1 },
      });
    } catch (error) {
      reject(new RequestFieldError('file', `is not a readable multipart body: ${String(error)}`));
      return;
    }
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || stored !== undefined) {
        fail(new RequestFieldError(name, 'is not a file part of this form (send one part "file")'));
        stream.resume();
        return;
      }
      const fileName = sanitiseFileName(info.filename);
      // Through a pass-through: past the limit the store stops reading and drops its source, and
      // busboy's own stream must then still be read to the end, or the parser would stall.
      const relay = new PassThrough();
      stream.pipe(relay);
      stored = options.blobs
        .stage(relay, { bytesMax: options.bytesMax })
        .then((blob) => ({ ...blob, name: fileName }));
      stored.catch(() => {
        stream.unpipe(relay);
        stream.resume();
      });
    });
    parser.on('field', (name, value, info) => {
      if (!options.fieldNames.includes(name)) {
        fail(new RequestFieldError(name, 'is not a field of this form'));
      } else if (info.valueTruncated) {
        fail(new RequestFieldError(name, `must be at most ${fieldBytesMax} bytes`));
      } else if (name in fields) {
        fail(new RequestFieldError(name, 'is given twice'));
      } else fields[name] = value;
    });
    const limit = (what: string) => fail(new RequestFieldError('(form)', `has too many ${what}`));
    parser.on('partsLimit', () => limit('parts'));
    parser.on('filesLimit', () => limit('files: send one part "file"'));
    parser.on('fieldsLimit', () => limit('fields'));
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      void (async () => {
        const file = await stored;
        if (failure !== undefined) {
          await file?.drop();
          throw failure;
        }
        return { fields, file };
      })().then(resolve, (error: unknown) => reject(failure ?? error));
    };
    parser.on('error', (error: Error) => {
      fail(new RequestFieldError('file', `is not a readable multipart body: ${error.message}`));
      request.unpipe(parser);
      request.resume();
      settle();
    });
    parser.on('close', settle);
    request.pipe(parser);
  });
}

/** The name as the client gave it, for the record: no path, no control characters, bounded. */
function sanitiseFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()?.replace(controlCharacters, '') ?? '';
  return base.trim().slice(0, 200) || 'upload';
}
