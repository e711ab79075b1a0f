import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '@sunlight/kernel';

/*
 * A content-addressed file store: a file is named by the SHA-256 of its bytes, so the same upload
 * is kept once, and a file whose bytes changed on disk no longer matches its name (`verify`).
 * Files land through a temporary file that is flushed and then linked into place (an atomic
 * rename that never replaces a name already taken), so a crash
 * leaves either the whole file or nothing under its name, never a torn one.
 */

export const sha256Pattern = /^[0-9a-f]{64}$/;

/** What a stored file is known by. */
export interface StoredBlob {
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * A file written and hashed but not yet named in the store: `keep` links it in place (as `put`
 * does), `drop` removes it. An upload is staged while its form is checked, so a request that is
 * refused (another county's division, a bad field) leaves nothing behind in the store.
 */
export interface StagedBlob extends StoredBlob {
  keep(): Promise<void>;
  drop(): Promise<void>;
}

export interface PutOptions {
  /** Refuse (and keep nothing of) a file longer than this many bytes. */
  readonly bytesMax: number;
}

export type BlobCheck =
  | { readonly status: 'ok'; readonly bytes: number }
  | { readonly status: 'missing' }
  | { readonly status: 'mismatch'; readonly actualSha256: string; readonly bytes: number };

export class BlobTooLargeError extends AppError {
  override readonly name = 'BlobTooLargeError';
  readonly code = 'BLOBS.TOO_LARGE';
  readonly httpStatus = 413;
  override readonly title = 'The file is too large';

  constructor(
    readonly bytesMax: number,
    override readonly field = 'file',
  ) {
    super(`${field} is larger than the limit of ${bytesMax} bytes`, { bytesMax });
  }
}

export class BlobNotFoundError extends AppError {
  override readonly name = 'BlobNotFoundError';
  readonly code = 'BLOBS.NOT_FOUND';
  readonly httpStatus = 404;
  override readonly title = 'Stored file not found';

  constructor(readonly sha256: string) {
    super(`No stored file has SHA-256 ${sha256}`, { sha256 });
  }
}

const temporaryDirectoryName = 'tmp';

export class BlobStore {
  constructor(readonly directory: string) {}

  /** Where the file of `sha256` lives: two levels of fan-out keep directories small. */
  pathOf(sha256: string): string {
    if (!sha256Pattern.test(sha256)) throw new RangeError(`not a SHA-256 hex digest: ${sha256}`);
    return path.join(this.directory, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /**
   * Streams `source` into the store while hashing and counting it. Past `bytesMax` the write
   * stops, the temporary file is removed and `BlobTooLargeError` is thrown. A file already stored
   * is kept as it is (dedupe) and the new copy dropped.
   */
  async put(source: Readable | Buffer, options: PutOptions): Promise<StoredBlob> {
    const staged = await this.stage(source, options);
    await staged.keep();
    return { sha256: staged.sha256, bytes: staged.bytes };
  }

  /**
   * As `put`, but the file stays a temporary file, named by nothing, until `keep`; `drop` (or a
   * crash before `keep`) leaves no stored file. Exactly one of the two must be called.
   */
  async stage(source: Readable | Buffer, options: PutOptions): Promise<StagedBlob> {
    const temporaryDirectory = path.join(this.directory, temporaryDirectoryName);
    await mkdir(temporaryDirectory, { recursive: true });
    const temporaryPath = path.join(
      temporaryDirectory,
      `${process.pid}-${randomBytes(8).toString('hex')}.part`,
    );
    const handle = await open(temporaryPath, 'wx', 0o640);
    let written: StoredBlob;
    try {
      written = await writeHashed(handle, source, options.bytesMax);
      // The bytes reach the disk before the name does: rename is atomic, a crash before it
      // leaves only a temporary file that nothing names.
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporaryPath, { force: true });
      throw error;
    }
    await handle.close();
    let settled = false;
    const settle = (what: string) => {
      if (settled) throw new Error(`a staged blob was already kept or dropped (${what})`);
      settled = true;
    };
    return {
      ...written,
      keep: async () => {
        settle('keep');
        await this.moveIntoPlace(temporaryPath, written.sha256);
      },
      drop: async () => {
        settle('drop');
        await rm(temporaryPath, { force: true });
      },
    };
  }

  private async moveIntoPlace(temporaryPath: string, sha256: string): Promise<void> {
    const finalPath = this.pathOf(sha256);
    await mkdir(path.dirname(finalPath), { recursive: true });
    try {
      // link() refuses an existing name, so a file already stored (the same bytes, or a damaged
      // copy `verify` should find) is never silently replaced.
      await link(temporaryPath, finalPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        await rm(temporaryPath, { force: true });
        throw error;
      }
    }
    await unlink(temporaryPath);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** The stored bytes; `BlobNotFoundError` when nothing is stored under `sha256`. */
  async open(sha256: string): Promise<{ stream: ReadStream; bytes: number }> {
    const filePath = this.pathOf(sha256);
    let bytes: number;
    try {
      bytes = (await stat(filePath)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
      throw error;
    }
    return { stream: createReadStream(filePath), bytes };
  }

  /**
   * Up to `length` bytes from `start` (a negative start counts from the end): a file's first
   * bytes tell its type, a ZIP's last bytes list its entries.
   */
  async read(sha256: string, start: number, length: number): Promise<Buffer> {
    const handle = await open(this.pathOf(sha256), 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BlobNotFoundError(sha256) : error;
    });
    try {
      const size = (await handle.stat()).size;
      const from = start < 0 ? Math.max(0, size + start) : Math.min(start, size);
      const buffer = Buffer.alloc(Math.min(length, size - from));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /**
   * The name of every file the store holds (its fan-out folders walked, temporary files left
   * out), in no particular order; a stray file whose name is not a SHA-256 is named too, as is.
   */
  async *list(): AsyncIterable<string> {
    const walk = async function* (directory: string, depth: number): AsyncIterable<string> {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        if (depth === 0 && entry.name === temporaryDirectoryName) continue;
        const full = path.join(directory, entry.name);
        if (entry.isDirectory() && depth < 2) yield* walk(full, depth + 1);
        else if (entry.isFile()) yield entry.name;
      }
    };
    yield* walk(this.directory, 0);
  }

  /** Re-hashes the stored file: are its bytes still the ones its name promises? */
  async verify(sha256: string): Promise<BlobCheck> {
    if (!(await this.has(sha256))) return { status: 'missing' };
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(this.pathOf(sha256))) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
    }
    const actualSha256 = hash.digest('hex');
    return actualSha256 === sha256
      ? { status: 'ok', bytes }
      : { status: 'mismatch', actualSha256, bytes };
  }
}

async function writeHashed(
  handle: Awaited<ReturnType<typeof open>>,
  source: Readable | Buffer,
  bytesMax: number,
): Promise<StoredBlob> {
  const hash = createHash('sha256');
  let bytes = 0;
  const chunks: AsyncIterable<unknown> | Iterable<Buffer> = Buffer.isBuffer(source)
    ? [source]
    : source;
  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buffer.length;
    if (bytes > bytesMax) {
      if (!Buffer.isBuffer(source)) source.destroy();
      throw new BlobTooLargeError(bytesMax);
    }
    hash.update(buffer);
    await handle.write(buffer);
  }
  return { sha256: hash.digest('hex'), bytes };
}
