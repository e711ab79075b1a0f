// Proves that bin/sunlight.js tells the person waiting why it compiles and when it is done (a first `npm start` compiles for about a minute), compiles nothing when dist/ is current, and passes the command line to the compiled CLI; run in a scratch copy of the layout with a stand-in for `nest build`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const realBin = path.resolve(__dirname, '..', 'bin', 'sunlight.js');

// Writes what the real build would: dist/src/cli.js exporting main(argv).
const fakeNest = `
const fs = require('node:fs');
const path = require('node:path');
const out = path.join(process.cwd(), 'dist', 'src');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'cli.js'),
  "exports.main = (argv) => { process.stdout.write('ran ' + argv.slice(2).join(' ') + '\\\\n'); process.exit(0); };");
console.log('stand-in nest build done');
`;

describe('bin/sunlight.js', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'sunlight-bin-'));
    mkdirSync(path.join(root, 'bin'));
    copyFileSync(realBin, path.join(root, 'bin', 'sunlight.js'));
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'src', 'main.ts'), 'export {};\n');
    mkdirSync(path.join(root, 'node_modules', '@nestjs', 'cli', 'bin'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), fakeNest);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'bin', 'sunlight.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('given no dist/, when run, then it says it compiles and why, how long it takes, when it is done, and then runs the command', () => {
    const first = run('token', '--user', 'u1');

    expect(first.status).toBe(0);
    expect(first.stdout).toBe('ran token --user u1\n');
    const lines = first.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      'sunlight: first run: dist/ does not exist yet; compiling the TypeScript sources into dist/ ' +
        'with `nest build` (about a minute on two cores; later runs skip this until a source changes)...',
    );
    // The build's own output goes to stderr, so stdout stays clean for `TOKEN=$(...)`.
    expect(lines).toContain('stand-in nest build done');
    expect(lines.at(-1)).toMatch(/^sunlight: compiled in \d+ s; starting$/);
  });

  it('given a current dist/, when run, then it compiles nothing and says nothing; given a changed source, then it says so', () => {
    expect(run('verify').status).toBe(0);

    const again = run('verify');
    expect({ stdout: again.stdout, stderr: again.stderr }).toEqual({
      stdout: 'ran verify\n',
      stderr: '',
    });

    const later = Date.now() / 1000 + 60;
    utimesSync(path.join(root, 'src', 'main.ts'), later, later);
    const changed = run('verify');
    expect(changed.stderr).toMatch(/^sunlight: sources changed since the last build; compiling/);
    expect(changed.stdout).toBe('ran verify\n');
  });
});
