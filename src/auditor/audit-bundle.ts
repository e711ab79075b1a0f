import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CompactRange,
  eventLeafHash,
  IntegrityError,
  openCheckpoint,
  parseVerifierKey,
  parseWitnessKey,
  verifyConsistency,
  verifyInclusion,
  type OpenedCheckpoint,
  type NoteVerifier,
  type WitnessKey,
  type WitnessLevel,
} from '@sunlight/integrity';
import {
  bundleFormat,
  checkpointFile,
  eventsFile,
  manifestFile,
  proofsFile,
  type BundleEvent,
  type BundleManifest,
  type BundleProof,
} from './bundle-format';

/**
 * The offline auditor: checks an export bundle (bundle-format.ts) with the public keys the auditor
 * was given and nothing else: no network, no database, no Sunlight code but libs/integrity.
 * The checks, in this order, each with its exit code:
 *
 * 1. every checkpoint is signed by the log's key, for the log the manifest names, and every
 *    cosignature by a given witness key verifies .................................... 10
 * 2. the anchor (latest) checkpoint is cosigned by a witness of every required level .... 11
 * 3. each checkpoint is consistent with the next (RFC 9162 consistency proofs) ........... 15
 * 4. the events are in increasing log order ............................................. 14
 * 5. every position from `from` to `to` is there ........................................ 13
 * 6. each event in full hashes to a leaf whose inclusion proof leads to the anchor's root,
 *    and the leaves of the whole range, after the compact range before it, make the tree
 *    that the anchor extends ............................................................ 12
 *
 * 1 is an unreadable bundle (a missing file, a manifest that is not one), 2 a usage error.
 */
export const auditExitCodes = {
  passed: 0,
  unreadable: 1,
  usage: 2,
  badSignature: 10,
  missingCosignature: 11,
  eventAltered: 12,
  eventMissing: 13,
  orderChanged: 14,
  inconsistentCheckpoints: 15,
} as const;

export class AuditFailure extends Error {
  override readonly name = 'AuditFailure';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AuditOptions {
  /** The log's public keys (vkeys, as `sunlight log-key` prints them). */
  readonly logKeys: readonly string[];
  /** Witness keys as `<level>:<vkey>`. */
  readonly witnessKeys: readonly string[];
  /** Levels whose cosignature the anchor checkpoint must carry. */
  readonly requireLevels: readonly string[];
}

export interface AuditReport {
  readonly origin: string;
  readonly division: string;
  readonly from: number;
  readonly to: number;
  readonly eventsInFull: number;
  readonly eventsByLeafHash: number;
  readonly checkpoints: number;
  readonly anchor: number;
  /** Per level, the witnesses that cosigned the anchor. */
  readonly cosignedBy: Readonly<Record<string, readonly string[]>>;
}

export async function auditBundle(dir: string, options: AuditOptions): Promise<AuditReport> {
  const { logVerifiers, witnesses, required } = readKeys(options);
  const manifest = await readManifest(dir);

  // 1. Signatures.
  const opened: OpenedCheckpoint[] = [];
  for (const size of manifest.checkpoints) {
    const note = await readBundleFile(dir, checkpointFile(size));
    try {
      opened.push(
        openCheckpoint(note, {
          origin: manifest.origin,
          logVerifiers,
          witnessVerifiers: witnesses.map((w) => w.verifier),
        }),
      );
    } catch (error) {
      throw failure(auditExitCodes.badSignature, `checkpoint ${size}`, error);
    }
    if (opened.at(-1)?.checkpoint.size !== size) {
      throw new AuditFailure(
        auditExitCodes.badSignature,
        `${checkpointFile(size)} is the signed checkpoint of ${opened.at(-1)?.checkpoint.size} events, not ${size}`,
      );
    }
  }
  const anchor = opened.at(-1);
  if (anchor === undefined || anchor.checkpoint.size !== manifest.anchor) {
    throw new AuditFailure(auditExitCodes.unreadable, 'the manifest lists no anchor checkpoint');
  }

  // 2. Cosignatures of the required levels on the anchor.
  const cosignedBy: Record<string, string[]> = {};
  for (const cosignature of anchor.cosignatures) {
    const witness = witnesses.find((w) => w.keyName === cosignature.keyName);
    if (witness !== undefined) (cosignedBy[witness.level] ??= []).push(witness.keyName);
  }
  const missing = required.filter((level) => cosignedBy[level] === undefined);
  if (missing.length > 0) {
    throw new AuditFailure(
      auditExitCodes.missingCosignature,
      `the checkpoint of ${anchor.checkpoint.size} events has no cosignature by a witness of: ${missing.join(', ')}`,
    );
  }

  // 3. Consecutive checkpoints are consistent.
  for (let i = 1; i < opened.length; i += 1) {
    const [older, newer] = [opened[i - 1].checkpoint, opened[i].checkpoint];
    const proof = manifest.consistency.find((p) => p.from === older.size && p.to === newer.size);
    try {
      if (newer.size <= older.size) throw new Error('the checkpoints are not in increasing size');
      if (proof === undefined) throw new Error('the bundle has no proof between them');
      verifyConsistency(
        older.size,
        newer.size,
        hashes(proof.proof),
        older.rootHash,
        newer.rootHash,
      );
    } catch (error) {
      throw failure(
        auditExitCodes.inconsistentCheckpoints,
        `the checkpoints of ${older.size} and ${newer.size} events`,
        error,
      );
    }
  }

  // 4 and 5. Order, then completeness, of the range.
  const lines = await readLines(dir, eventsFile);
  const events = lines.map((line, i) => parseEventLine(line, i + 1));
  for (let i = 1; i < events.length; i += 1) {
    if (events[i].position <= events[i - 1].position) {
      throw new AuditFailure(
        auditExitCodes.orderChanged,
        `${eventsFile} line ${i + 1}: position ${events[i].position} comes after ${events[i - 1].position}`,
      );
    }
  }
  let expected = manifest.from;
  for (const event of events) {
    if (event.position !== expected) break;
    expected += 1;
  }
  if (expected !== manifest.to + 1 || events.length !== manifest.to - manifest.from + 1) {
    throw new AuditFailure(
      auditExitCodes.eventMissing,
      `${eventsFile}: the event at position ${expected} is missing from the range ${manifest.from}–${manifest.to}`,
    );
  }

  // 6. Each event in full is in the anchor's tree, and so is the whole range.
  const proofs = new Map(
    (await readLines(dir, proofsFile)).map((line, i) => {
      const proof = parseJson(line, `${proofsFile} line ${i + 1}`) as BundleProof;
      return [String(proof.position), proof.proof];
    }),
  );
  const root = anchor.checkpoint.rootHash;
  const leaves: Buffer[] = [];
  let inFull = 0;
  for (const event of events) {
    if (event.full === undefined) {
      leaves.push(event.leafHash);
      continue;
    }
    inFull += 1;
    const leaf = eventLeafHash(event.full);
    const proof = proofs.get(String(event.position));
    try {
      if (proof === undefined) throw new Error(`${proofsFile} has no proof of it`);
      verifyInclusion(leaf, event.position - 1, anchor.checkpoint.size, hashes(proof), root);
    } catch (error) {
      throw failure(
        auditExitCodes.eventAltered,
        `the event at position ${event.position} (${event.full.type} on ${event.full.stream}) is not the one the log signed`,
        error,
      );
    }
    leaves.push(leaf);
  }
  try {
    const range = CompactRange.restore(manifest.from - 1, hashes(manifest.leftRange));
    for (const leaf of leaves) range.append(leaf);
    verifyConsistency(
      manifest.to,
      anchor.checkpoint.size,
      hashes(manifest.rangeProof),
      range.root(),
      root,
    );
  } catch (error) {
    throw failure(
      auditExitCodes.eventAltered,
      `the leaves of positions ${manifest.from}–${manifest.to} do not make the tree the log signed`,
      error,
    );
  }

  return {
    origin: manifest.origin,
    division: manifest.division,
    from: manifest.from,
    to: manifest.to,
    eventsInFull: inFull,
    eventsByLeafHash: events.length - inFull,
    checkpoints: opened.length,
    anchor: anchor.checkpoint.size,
    cosignedBy,
  };
}

function readKeys(options: AuditOptions): {
  logVerifiers: NoteVerifier[];
  witnesses: WitnessKey[];
  required: WitnessLevel[];
} {
  try {
    if (options.logKeys.length === 0) throw new Error('give the log’s public key with --log-key');
    const witnesses = options.witnessKeys.map(parseWitnessKey);
    const required = options.requireLevels.map((level) => {
      const known = witnesses.find((w) => w.level === level);
      if (known === undefined) throw new Error(`--require-level ${level}: no --witness-key of it`);
      return known.level;
    });
    return {
      logVerifiers: options.logKeys.map((vkey) => parseVerifierKey(vkey).verifier),
      witnesses,
      required,
    };
  } catch (error) {
    throw new AuditFailure(auditExitCodes.usage, (error as Error).message);
  }
}

async function readManifest(dir: string): Promise<BundleManifest> {
  const manifest = parseJson(
    await readBundleFile(dir, manifestFile),
    manifestFile,
  ) as BundleManifest;
  const sizes = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
  if (
    manifest.format !== bundleFormat ||
    typeof manifest.origin !== 'string' ||
    ![manifest.from, manifest.to, manifest.anchor].every(sizes) ||
    manifest.from < 1 ||
    manifest.to < manifest.from ||
    manifest.anchor < manifest.to ||
    !Array.isArray(manifest.checkpoints) ||
    !Array.isArray(manifest.consistency) ||
    !Array.isArray(manifest.leftRange) ||
    !Array.isArray(manifest.rangeProof)
  ) {
    throw new AuditFailure(
      auditExitCodes.unreadable,
      `${manifestFile} is not a ${bundleFormat} manifest`,
    );
  }
  return manifest;
}

interface EventLine {
  readonly position: number;
  readonly full?: BundleEvent;
  readonly leafHash: Buffer;
}

function parseEventLine(line: string, lineNumber: number): EventLine {
  const where = `${eventsFile} line ${lineNumber}`;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new AuditFailure(auditExitCodes.eventAltered, `${where} is not JSON: altered`);
  }
  const position = Number(value.position);
  if (typeof value.position !== 'string' || !Number.isSafeInteger(position) || position < 1) {
    throw new AuditFailure(auditExitCodes.eventAltered, `${where} has no valid position: altered`);
  }
  if (typeof value.leafHash === 'string') {
    return { position, leafHash: Buffer.from(value.leafHash, 'base64') };
  }
  return { position, full: value as unknown as BundleEvent, leafHash: Buffer.alloc(0) };
}

async function readBundleFile(dir: string, name: string): Promise<string> {
  try {
    return await readFile(path.join(dir, name), 'utf8');
  } catch (error) {
    throw new AuditFailure(
      auditExitCodes.unreadable,
      `${name}: ${(error as Error).message} (is ${dir} an export bundle?)`,
    );
  }
}

async function readLines(dir: string, name: string): Promise<string[]> {
  return (await readBundleFile(dir, name)).split('\n').filter((line) => line !== '');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AuditFailure(auditExitCodes.unreadable, `${where} is not JSON`);
  }
}

function hashes(base64: readonly string[]): Buffer[] {
  return base64.map((hash) => Buffer.from(hash, 'base64'));
}

function failure(exitCode: number, what: string, error: unknown): AuditFailure {
  if (error instanceof AuditFailure) return error;
  const reason =
    error instanceof IntegrityError || error instanceof Error ? error.message : String(error);
  return new AuditFailure(exitCode, `${what}: ${reason}`);
}
