import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError, BlobStore, BlobTooLargeError } from './blob-store';

const sha = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

describe('BlobStore (content-addressed files on the local disk)', () => {
  let directory: string;
  let store: BlobStore;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'sunlight-blobs-'));
    store = new BlobStore(directory);
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('names a stored file by the SHA-256 of its bytes and gives the same bytes back', async () => {
    const bytes = Buffer.from('姓名,身份证号\n张三,530325198001011232\n');
    const stored = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), {
      bytesMax: 1_000,
    });
    expect(stored).toEqual({ sha256: sha(bytes), bytes: bytes.length });
    expect(store.pathOf(stored.sha256)).toBe(
      path.join(directory, stored.sha256.slice(0, 2), stored.sha256.slice(2, 4), stored.sha256),
    );
    const { stream, bytes: length } = await store.open(stored.sha256);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(length).toBe(bytes.length);
    expect(await store.verify(stored.sha256)).toEqual({ status: 'ok', bytes: bytes.length });
  });

  it('stages a file that nothing names until it is kept, and leaves nothing when it is dropped', async () => {
    const kept = await store.stage(Buffer.from('staged then kept'), { bytesMax: 100 });
    expect(kept.sha256).toBe(sha('staged then kept'));
    expect(await store.has(kept.sha256)).toBe(false);
    await kept.keep();
    expect(await store.has(kept.sha256)).toBe(true);
    await expect(kept.drop()).rejects.toThrow(/already kept or dropped/);
    expect(await store.has(kept.sha256)).toBe(true);

    const dropped = await store.stage(Readable.from([Buffer.from('staged then dropped')]), {
      bytesMax: 100,
    });
    await dropped.drop();
    expect(await store.has(dropped.sha256)).toBe(false);
    expect(await readdir(path.join(directory, 'tmp'))).toEqual([]);
  });

  it('keeps one copy of the same bytes stored twice and leaves no temporary file', async () => {
    const first = await store.put(Buffer.from('same'), { bytesMax: 10 });
    const second = await store.put(Readable.from([Buffer.from('sa'), Buffer.from('me')]), {
      bytesMax: 10,
    });
    expect(second).toEqual(first);
    expect(await readdir(path.join(directory, 'tmp'))).toEqual([]);
    expect(await readFile(store.pathOf(first.sha256), 'utf8')).toBe('same');
  });

  it('refuses a file over the limit and keeps nothing of it', async () => {
    const tooLong = Readable.from([Buffer.alloc(600, 1), Buffer.alloc(600, 2)]);
    await expect(store.put(tooLong, { bytesMax: 1_000 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await readdir(path.join(directory, 'tmp'))).toEqual([]);
    expect(await store.has(sha(Buffer.concat([Buffer.alloc(600, 1), Buffer.alloc(600, 2)])))).toBe(
      false,
    );
    // Exactly at the limit is allowed.
    await expect(store.put(Buffer.alloc(1_000), { bytesMax: 1_000 })).resolves.toMatchObject({
      bytes: 1_000,
    });
  });

  it('never replaces a stored file, so verify finds one whose bytes were changed on disk', async () => {
    const stored = await store.put(Buffer.from('original'), { bytesMax: 100 });
    await writeFile(store.pathOf(stored.sha256), 'tampered');
    // Storing the original again does not paper over the change.
    await store.put(Buffer.from('original'), { bytesMax: 100 });
    expect(await store.verify(stored.sha256)).toEqual({
      status: 'mismatch',
      actualSha256: sha('tampered'),
      bytes: 8,
    });
  });

  it('reports a file that is missing', async () => {
    const absent = sha('never stored');
    expect(await store.verify(absent)).toEqual({ status: 'missing' });
    await expect(store.open(absent)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(() => store.pathOf('../../etc/passwd')).toThrow(RangeError);
  });

  it('a failing source leaves nothing behind', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('part'));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.put(failing, { bytesMax: 100 })).rejects.toThrow('connection reset');
    expect(await readdir(path.join(directory, 'tmp'))).toEqual([]);
  });
});
