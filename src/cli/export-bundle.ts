import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { Pool } from 'pg';
import { StreamCatalog } from '@sunlight/audit';
import { compactRangeNodeIds, readConsistencyProof, readInclusionProof } from '@sunlight/integrity';
import { eventsAfter, PostgresTreeStore } from '@sunlight/transparency/postgres';
import {
  bundleFormat,
  checkpointFile,
  checkpointsDir,
  eventsFile,
  manifestFile,
  proofsFile,
  type BundleManifest,
} from '../auditor/bundle-format';
import { appStreamCategories } from '../stream-categories';
import { CliError } from './cli-context';

export interface ExportOptions {
  readonly connectionString: string;
  readonly division: string;
  /** A log position, or a date/time: the first event recorded at or after it. Default 1. */
  readonly from?: string;
  /** A log position, or a date/time (a bare date: its whole day). Default: the anchor's size. */
  readonly to?: string;
  readonly out: string;
}

export interface ExportSummary {
  readonly from: number;
  readonly to: number;
  readonly anchor: number;
  readonly inFull: number;
  readonly byLeafHash: number;
  readonly checkpoints: number;
  readonly cosignatures: number;
}

/** At most this many checkpoints go in a bundle: the anchor and those just before it. */
export const bundleCheckpointsMax = 100;
const batchSize = 2_000;

/**
 * `sunlight export`: writes an export bundle (src/auditor/bundle-format.ts) of the log positions
 * from `from` to `to`: the division's events in full (streams of the division or below, and
 * public ones), every other event by its leaf hash as the tree holds it, the inclusion proof of
 * each event in full, and the signed checkpoints with their cosignatures. The anchor, which every
 * proof is against, is the checkpoint covering `to` that the most witnesses cosigned (the latest
 * of those). It reads as the database's owner; nothing is written to the database.
 */
export async function writeExportBundle(options: ExportOptions): Promise<ExportSummary> {
  const pool = new Pool({ connectionString: options.connectionString, max: 2 });
  try {
    const tree = new PostgresTreeStore(pool);
    const from = options.from === undefined ? 1 : await position(pool, options.from, 'from');
    const toAsked = options.to === undefined ? undefined : await position(pool, options.to, 'to');
    const anchorRow = await pool.query<{ size: string; cosigned: string }>(
      `SELECT c.size, count(s.witness) AS cosigned
         FROM log_checkpoints c LEFT JOIN log_cosignatures s ON s.size = c.size
        WHERE c.size >= $1 GROUP BY c.size ORDER BY count(s.witness) DESC, c.size DESC LIMIT 1`,
      [Math.max(toAsked ?? 1, from)],
    );
    if (anchorRow.rows.length === 0) {
      throw new CliError(
        `no signed checkpoint covers position ${toAsked ?? from} yet; wait for the next one`,
        1,
      );
    }
    const anchor = Number(anchorRow.rows[0].size);
    const to = toAsked ?? anchor;
    if (to < from) throw new CliError(`--to (${to}) is before --from (${from})`, 2);

    await prepareDirectory(options.out);
    const sizes = (
      await pool.query<{ size: string }>(
        `SELECT size FROM log_checkpoints WHERE size >= $1 AND size <= $2 ORDER BY size DESC LIMIT $3`,
        [from, anchor, bundleCheckpointsMax],
      )
    ).rows
      .map((row) => Number(row.size))
      .reverse();
    let cosignatures = 0;
    for (const size of sizes) {
      const checkpoint = await tree.checkpointOfSize(size);
      const lines = await tree.cosignatures(size);
      if (size === anchor) cosignatures = lines.length;
      await writeFile(
        path.join(options.out, checkpointFile(size)),
        (checkpoint?.note ?? '') + lines.map((c) => `${c.signatureLine}\n`).join(''),
      );
    }
    const consistency = [];
    for (let i = 1; i < sizes.length; i += 1) {
      const proof = await readConsistencyProof(tree, sizes[i - 1], sizes[i]);
      consistency.push({ from: sizes[i - 1], to: sizes[i], proof: base64(proof) });
    }

    const catalog = new StreamCatalog(appStreamCategories);
    const inDivision = (stream: string): boolean => {
      const division = catalog.categoryOf(stream)?.divisionOf(stream);
      return division === 'public' || (division?.startsWith(options.division) ?? false);
    };
    const events = createWriteStream(path.join(options.out, eventsFile));
    const proofs = createWriteStream(path.join(options.out, proofsFile));
    let inFull = 0;
    for (let start = from; start <= to; start += batchSize) {
      const end = Math.min(to, start + batchSize - 1);
      const [entries, leaves] = await Promise.all([
        eventsAfter(pool, start - 1, end - start + 1),
        tree.getNodes(
          Array.from({ length: end - start + 1 }, (_, i) => ({ level: 0, index: start - 1 + i })),
        ),
      ]);
      if (entries.length !== end - start + 1) {
        throw new CliError(`the log has no event at some position from ${start} to ${end}`, 1);
      }
      for (const [i, entry] of entries.entries()) {
        const { hash: _chainHash, ...event } = entry;
        if (inDivision(entry.stream)) {
          inFull += 1;
          await write(events, `${JSON.stringify(event)}\n`);
          const proof = await readInclusionProof(tree, Number(entry.position) - 1, anchor);
          await write(
            proofs,
            `${JSON.stringify({ position: entry.position, proof: base64(proof) })}\n`,
          );
        } else {
          await write(
            events,
            `${JSON.stringify({ position: entry.position, leafHash: leaves[i].toString('base64') })}\n`,
          );
        }
      }
    }
    events.end();
    proofs.end();
    await Promise.all([once(events, 'finish'), once(proofs, 'finish')]);

    const manifest: BundleManifest = {
      format: bundleFormat,
      origin: (await tree.checkpointOfSize(anchor))?.note.split('\n')[0] ?? '',
      division: options.division,
      from,
      to,
      anchor,
      checkpoints: sizes,
      consistency,
      leftRange: base64(await tree.getNodes(compactRangeNodeIds(from - 1))),
      rangeProof: to === anchor ? [] : base64(await readConsistencyProof(tree, to, anchor)),
      exportedAt: new Date().toISOString(),
    };
    await writeFile(path.join(options.out, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
    return {
      from,
      to,
      anchor,
      inFull,
      byLeafHash: to - from + 1 - inFull,
      checkpoints: sizes.length,
      cosignatures,
    };
  } finally {
    await pool.end();
  }
}

/** A position as given, or the first (from) or last (to) position recorded in a date's range. */
async function position(pool: Pool, text: string, option: 'from' | 'to'): Promise<number> {
  if (/^[1-9][0-9]{0,15}$/.test(text)) return Number(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = new Date(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(at.getTime())) {
    throw new CliError(`--${option} must be a log position or an ISO date or date-time`, 2);
  }
  if (option === 'from') {
    const { rows } = await pool.query<{ position: string | null }>(
      'SELECT min(position) AS position FROM events WHERE recorded_at >= $1',
      [at],
    );
    if (rows[0].position === null) throw new CliError(`no event recorded since ${text}`, 1);
    return Number(rows[0].position);
  }
  const until = dateOnly ? new Date(at.getTime() + 86_400_000) : new Date(at.getTime() + 1);
  const { rows } = await pool.query<{ position: string | null }>(
    'SELECT max(position) AS position FROM events WHERE recorded_at < $1',
    [until],
  );
  if (rows[0].position === null) throw new CliError(`no event recorded by ${text}`, 1);
  return Number(rows[0].position);
}

async function prepareDirectory(out: string): Promise<void> {
  await mkdir(path.join(out, checkpointsDir), { recursive: true });
  const present = (await readdir(out)).filter((name) => name !== checkpointsDir);
  const checkpoints = await readdir(path.join(out, checkpointsDir));
  if (present.length > 0 || checkpoints.length > 0) {
    throw new CliError(`--out ${out} is not empty; give a new directory`, 2);
  }
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function base64(hashes: readonly Buffer[]): string[] {
  return hashes.map((hash) => hash.toString('base64'));
}
