/**
 * Tests that start the built app rebuild it first when a source changed after the last build;
 * the decision rests on the newest source file's time.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newestSourceMs } from './support/child-app';

describe('newestSourceMs', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'sunlight-sources-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function file(relative: string, mtimeSeconds: number): void {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, '// source\n');
    utimesSync(full, mtimeSeconds, mtimeSeconds);
  }

  it('finds the newest TypeScript source at any depth and leaves tests and other files out', () => {
    file('src/main.ts', 1_000);
    file('libs/funds/src/domain/pool.ts', 3_000);
    file('libs/funds/src/domain/pool.spec.ts', 9_000);
    file('libs/funds/src/api/pool.e2e.spec.ts', 9_000);
    file('libs/event-store/src/postgres/store.contract.spec.ts', 9_000);
    file('libs/geo/data/divisions.json', 9_000);
    expect(newestSourceMs([path.join(root, 'src'), path.join(root, 'libs')])).toBe(3_000_000);
  });

  it('is 0 when there is no source', () => {
    file('src/readme.md', 5_000);
    expect(newestSourceMs([path.join(root, 'src')])).toBe(0);
  });
});
