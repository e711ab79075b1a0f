import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { BlobTooLargeError } from '@sunlight/blobs';
import { RequestFieldError } from '@sunlight/kernel';

/*
 * A photo upload (multipart/form-data) read into memory: one file part `file`, at most
 * `bytesMax` bytes (past it the rest is drained and a 413 answers), and a few text fields. A photo
 * is small enough to hold whole, and holding it means nothing reaches the blob store before the
 * bytes have been checked: a refused upload leaves no file behind.
 */

export interface PhotoForm {
  fields: Record<string, string>;
  file: { bytes: Buffer; name: string } | undefined;
}

const fieldsMax = 10;
const fieldBytesMax = 2_000;
// eslint-disable-next-line no-control-regex -- dropping control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/g;

export function readPhotoForm(
  request: IncomingMessage,
  options: { bytesMax: number; fieldNames: readonly string[] },
): Promise<PhotoForm> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;/i.test(contentType)) {
    request.resume();
    return Promise.reject(
      new RequestFieldError('file', 'must be sent as multipart/form-data with a file part "file"'),
    );
  }
  return new Promise<PhotoForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: PhotoForm['file'];
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: 'utf8',
        limits: {
          files: 1,
          fields: fieldsMax,
          fieldSize: fieldBytesMax,
          parts: fieldsMax + 1,
          fileSize: options.bytesMax,
        },
      });
    } catch (error) {
      request.resume();
      reject(new RequestFieldError('file', `is not a readable multipart body: ${String(error)}`));
      return;
    }
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file !== undefined) {
        fail(new RequestFieldError(name, 'is not a file part of this form (send one part "file")'));
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new BlobTooLargeError(options.bytesMax)));
      stream.on('close', () => {
        file = { bytes: Buffer.concat(chunks), name: fileLabel(info.filename) };
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
    parser.on('error', (error: Error) => {
      fail(new RequestFieldError('file', `is not a readable multipart body: ${error.message}`));
      request.unpipe(parser);
      request.resume();
      reject(failure);
    });
    parser.on('close', () => {
      if (failure !== undefined) reject(failure);
      else resolve({ fields, file });
    });
    request.pipe(parser);
  });
}

/** The name as the client gave it, only as a label: no path, no control characters, bounded. */
export function fileLabel(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()?.replace(controlCharacters, '') ?? '';
  return base.trim().slice(0, 200) || 'photo';
}
