#!/usr/bin/env node
'use strict';
// Runs the compiled CLI, building it first when dist/ is missing or older than the TypeScript
// sources, so `npm start` works straight after `npm ci` and never runs stale code.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cliJs = path.join(root, 'dist', 'src', 'cli.js');
// Touched after every build this script runs: tsc's incremental mode leaves unchanged outputs
// (including cli.js) untouched, so cli.js's own mtime cannot say whether a build is current.
const stampFile = path.join(root, 'dist', '.sunlight-build-stamp');
const sourceDirs = ['src', 'libs'].map((dir) => path.join(root, dir));
const sourceFiles = ['tsconfig.json', 'tsconfig.build.json'].map((file) => path.join(root, file));

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

function needsBuild() {
  if (!fs.existsSync(cliJs)) return true;
  const builtAtMs = Math.max(mtimeMs(cliJs), mtimeMs(stampFile));
  return (
    sourceFiles.some((file) => mtimeMs(file) > builtAtMs) ||
    sourceDirs.some((dir) => hasNewerTs(dir, builtAtMs))
  );
}

function build() {
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
  process.stderr.write('sunlight: building (nest build)...\n');
  const startedAtMs = Date.now();
  // stdout goes to stderr too, so the command's own stdout stays clean for scripts.
  const result = spawnSync(process.execPath, [nestBin, 'build'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    process.stderr.write(
      `sunlight: build failed (exit ${result.status ?? result.signal}); fix the errors above\n`,
    );
    process.exit(1);
  }
  fs.writeFileSync(stampFile, `${new Date(startedAtMs).toISOString()}\n`);
  // The stamp must not look newer than a source saved while the build ran.
  const startedAt = new Date(startedAtMs);
  fs.utimesSync(stampFile, startedAt, startedAt);
}

if (needsBuild()) build();

// `serve` never resolves; every other command ends with an explicit exit (see main in cli.ts).
require(cliJs).main(process.argv);
