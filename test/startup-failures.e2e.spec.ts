// Proves, through the built CLI, that each start-up failure a newcomer meets (the embedded PostgreSQL's port taken, DATABASE_URL unreachable, a data directory that cannot be written, a damaged cluster) ends `sunlight serve` with exit 1 and exactly one line naming the cause and the setting to change, never a password, and that a damaged cluster is left as it was.
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../bench/support/free-port';
import {
  createEmbeddedCluster,
  ensureBuilt,
  runBuiltCli,
  type BuiltCliRun,
} from './support/child-app';

const jwtSecret = 'startup-failures-e2e-'.padEnd(48, 's');

/** Exit 1, one line on stderr and nothing on stdout: no stack, no `undefined`, no Nest banner. */
function expectOneLineFailure(run: BuiltCliRun): string {
  const lines = run.stderr.split('\n').filter((line) => line.trim() !== '');
  expect({ code: run.code, stdout: run.stdout, lines: lines.length }).toEqual({
    code: 1,
    stdout: '',
    lines: 1,
  });
  expect(lines[0]).toMatch(/^sunlight: /);
  expect(lines[0]).not.toContain('undefined');
  return lines[0]!;
}

/** Every file under `dir` with its size: what a start must never change in a damaged cluster. */
async function listing(dir: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = (await stat(full)).size;
  }
  return files;
}

describe('sunlight serve start-up failures, through the built CLI', () => {
  let scratch: string;
  let httpPort: number;

  beforeAll(async () => {
    ensureBuilt();
    scratch = await mkdtemp(path.join(tmpdir(), 'sunlight-startup-'));
    // Under root the server runs as `postgres`, which must be able to reach the clusters below.
    await chmod(scratch, 0o755);
    httpPort = await freePort();
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const serve = (env: Record<string, string>) =>
    runBuiltCli(['serve'], { PORT: String(httpPort), HOST: '127.0.0.1', ...env });

  it('names the port and EMBEDDED_PG_PORT when the embedded port is taken', async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const run = await serve({
        SUNLIGHT_DATA_DIR: path.join(scratch, 'port-taken'),
        EMBEDDED_PG_PORT: String(port),
      });
      const line = expectOneLineFailure(run);
      expect(line).toContain(`127.0.0.1:${port}`);
      expect(line).toContain('in use');
      expect(line).toContain('set EMBEDDED_PG_PORT');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('names host:port and DATABASE_URL, and not the password, when DATABASE_URL is unreachable', async () => {
    const closedPort = await freePort();
    const run = await serve({
      DATABASE_URL: `postgres://sunlight:pw-never-shown@127.0.0.1:${closedPort}/sunlight`,
      JWT_SECRET: jwtSecret,
    });
    const line = expectOneLineFailure(run);
    expect(line).toContain(`127.0.0.1:${closedPort}`);
    expect(line).toContain('connection refused');
    expect(line).toContain('check DATABASE_URL');
    expect(run.stderr + run.stdout).not.toContain('pw-never-shown');
  });

  it('names the directory and SUNLIGHT_DATA_DIR when the data directory cannot be written, even as root', async () => {
    // Below a regular file no directory can be made, whoever asks; a mode bit would not stop root.
    const file = path.join(scratch, 'a-regular-file');
    await writeFile(file, 'not a directory\n');
    const dataDir = path.join(file, 'data');
    const run = await serve({
      SUNLIGHT_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
    });
    const line = expectOneLineFailure(run);
    expect(line).toContain(dataDir);
    expect(line).toContain('set SUNLIGHT_DATA_DIR');
  });

  describe('a damaged cluster', () => {
    let template: string;

    beforeAll(async () => {
      template = path.join(scratch, 'template');
      createEmbeddedCluster(template, await freePort());
    });

    /** A copy of the healthy cluster, owners kept (PostgreSQL runs as `postgres` under root). */
    function copyOfTemplate(name: string): string {
      const dataDir = path.join(scratch, name);
      const copied = spawnSync('cp', ['-a', template, dataDir], { encoding: 'utf8' });
      expect(copied.stderr).toBe('');
      return dataDir;
    }

    it.each([
      [
        'a PG_VERSION that holds garbage',
        (cluster: string) => writeFile(path.join(cluster, 'PG_VERSION'), '\u0000garbage\n'),
      ],
      [
        'a truncated global/pg_control',
        (cluster: string) => truncate(path.join(cluster, 'global', 'pg_control'), 100),
      ],
      [
        'a global/pg_control of the right size full of garbage',
        (cluster: string) =>
          writeFile(path.join(cluster, 'global', 'pg_control'), Buffer.alloc(8192, 0x5a)),
      ],
    ])(
      'given %s, says the cluster is damaged and what to do, and deletes nothing',
      async (_, damage) => {
        const dataDir = copyOfTemplate(`damaged-${Math.random().toString(36).slice(2)}`);
        const cluster = path.join(dataDir, 'pg');
        await damage(cluster);
        const before = await listing(dataDir);
        const damagedBytes = await readFile(path.join(cluster, 'global', 'pg_control'));

        const run = await serve({
          SUNLIGHT_DATA_DIR: dataDir,
          EMBEDDED_PG_PORT: String(await freePort()),
        });

        const line = expectOneLineFailure(run);
        expect(line).toContain(`the PostgreSQL cluster under ${cluster} is damaged`);
        expect(line).toContain('restore that directory from a backup');
        expect(line).toContain('move it away');
        expect(await listing(dataDir)).toEqual(before);
        expect(await readFile(path.join(cluster, 'global', 'pg_control'))).toEqual(damagedBytes);
      },
    );
  });
});
