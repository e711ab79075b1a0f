// Proves that `sunlight log-key` prints the public half of the key the server signs checkpoints with, as a C2SP verifier key: the same line on every run over one data directory (the key is generated once and kept there), the configured key's when SUNLIGHT_LOG_KEY is set, and never the private key.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ed25519NoteSigner,
  ed25519PrivateKeyFromSeed,
  formatSignerKey,
  formatVerifierKey,
  parseVerifierKey,
  signCheckpoint,
  openCheckpoint,
  parseSignerKey,
} from '@sunlight/integrity';
import { runCli } from '../cli';
import type { CliContext } from './cli-context';

async function run(env: CliContext['env']) {
  const out: string[] = [];
  const err: string[] = [];
  const notUsed = async () => {
    throw new Error('not used');
  };
  const exitCode = await runCli(['node', 'sunlight', 'log-key'], {
    env,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text), isTTY: false },
    now: () => 0,
    resolveDatabase: notUsed,
    verifyPostgresLog: notUsed,
    describeApi: notUsed,
    bootstrap: notUsed,
    openApp: notUsed,
    checkSnapshots: notUsed,
    checkBlobs: notUsed,
    resolveSnapshotKey: notUsed,
  });
  return { exitCode, stdout: out.join(''), stderr: err.join('') };
}

describe('sunlight log-key', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sunlight-log-key-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('given no key, when run twice, then it generates one named after the origin, keeps it, and prints the same vkey that checks its checkpoints', async () => {
    const env = { SUNLIGHT_DATA_DIR: dataDir, SUNLIGHT_LOG_ORIGIN: 'sunlight.test/cli' };
    const first = await run(env);
    const second = await run(env);
    expect(first).toMatchObject({ exitCode: 0, stderr: '' });
    expect(second.stdout).toBe(first.stdout);
    const vkey = parseVerifierKey(first.stdout.trim());
    expect(vkey.keyName).toBe('sunlight.test/cli');
    const kept = (await readFile(path.join(dataDir, 'log-key'), 'utf8')).trim();
    expect(first.stdout).not.toContain('PRIVATE');
    const note = signCheckpoint(
      { origin: 'sunlight.test/cli', size: 1, rootHash: Buffer.alloc(32, 1), extensions: [] },
      [parseSignerKey(kept)],
    );
    expect(
      openCheckpoint(note, { origin: 'sunlight.test/cli', logVerifiers: [vkey.verifier] })
        .checkpoint.size,
    ).toBe(1);
  });

  it('given SUNLIGHT_LOG_KEY, when run, then it prints that key’s public half', async () => {
    const privateKey = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 9));
    const signer = ed25519NoteSigner('sunlight.yn.gov.cn/log', privateKey);
    const result = await run({
      SUNLIGHT_DATA_DIR: dataDir,
      SUNLIGHT_LOG_KEY: formatSignerKey(signer, privateKey),
    });
    expect(result).toEqual({ exitCode: 0, stdout: `${formatVerifierKey(signer)}\n`, stderr: '' });
  });
});
