#!/usr/bin/env node
'use strict';
// Runs the compiled CLI, building it first when dist/ is missing or older than the TypeScript
// sources, so `npm start` works straight after `npm ci` and never runs stale code.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cliJs = path.join(root, 'dist', 'src', 'cli.js');
// Touched after every build this script runs: tsc's incremental mode leaves unchanged outputs
// (including cli.js) untouched, so cli.js's own mtime cannot say whether a build is current.
const stampFile = path.join(root, 'dist', '.sunlight-build-stamp');
const sourceDirs = ['src', 'libs'].map((dir) => path.join(root, dir));
const sourceFiles = ['tsconfig.json', 'tsconfig.build.json'].map((file) => path.join(root, file));
// A first build takes about a minute on two cores; silence that long looks like a hang.
const buildHeartbeatMs = 10_000;

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** True as soon as one .ts under `dir` is newer than `builtAtMs`; stat only, no reads. */
function hasNewerTs(dir, builtAtMs) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (hasNewerTs(full, builtAtMs)) return true;
    } else if (entry.name.endsWith('.ts') && !/\.spec\.ts$/.test(entry.name)) {
      if (mtimeMs(full) > builtAtMs) return true;
    }
  }
  return false;
}

/** Why a build is needed, in words for the person waiting; undefined when dist/ is current. */
function buildReason() {
  if (!fs.existsSync(cliJs)) return 'first run: dist/ does not exist yet';
  const builtAtMs = Math.max(mtimeMs(cliJs), mtimeMs(stampFile));
  if (
    sourceFiles.some((file) => mtimeMs(file) > builtAtMs) ||
    sourceDirs.some((dir) => hasNewerTs(dir, builtAtMs))
  ) {
    return 'sources changed since the last build';
  }
  return undefined;
}

async function build(reason) {
  let nestBin;
  try {
    nestBin = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  } catch {
    if (fs.existsSync(cliJs)) {
      process.stderr.write(
        'sunlight: sources are newer than dist/ but @nestjs/cli is not installed; running the existing build\n',
      );
      return;
    }
    process.stderr.write(
      'sunlight: dist/ is missing and @nestjs/cli is not installed; run `npm ci` then `npm run build`\n',
    );
    process.exit(1);
  }
  process.stderr.write(
    `sunlight: ${reason}; compiling the TypeScript sources into dist/ with \`nest build\` ` +
      '(about a minute on two cores; later runs skip this until a source changes)...\n',
  );
  const startedAtMs = Date.now();
  const elapsedSeconds = () => Math.round((Date.now() - startedAtMs) / 1000);
  const heartbeat = setInterval(
    () => process.stderr.write(`sunlight: still compiling (${elapsedSeconds()} s)...\n`),
    buildHeartbeatMs,
  );
  // stdout goes to stderr too, so the command's own stdout stays clean for scripts.
  const child = spawn(process.execPath, [nestBin, 'build'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  const status = await new Promise((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  clearInterval(heartbeat);
  if (status !== 0) {
    process.stderr.write(`sunlight: build failed (exit ${status}); fix the errors above\n`);
    process.exit(1);
  }
  process.stderr.write(`sunlight: compiled in ${elapsedSeconds()} s; starting\n`);
  fs.writeFileSync(stampFile, `${new Date(startedAtMs).toISOString()}\n`);
  // The stamp must not look newer than a source saved while the build ran.
  const startedAt = new Date(startedAtMs);
  fs.utimesSync(stampFile, startedAt, startedAt);
}

async function run() {
  const reason = buildReason();
  if (reason !== undefined) await build(reason);
  // `serve` never resolves; every other command ends with an explicit exit (see main in cli.ts).
  require(cliJs).main(process.argv);
}

void run();
