// Every transparency-dev golden vector for inclusion and consistency proofs (libs/integrity/test-data/rfc6962,
// copied unmodified) gets the verdict it asks for: accepted when wantErr is false, refused otherwise.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IntegrityError } from '../integrity-error';
import { verifyConsistency, verifyInclusion } from './verify';

const vectorsRoot = path.join(__dirname, '../../test-data/rfc6962');

function jsonFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function load<T>(kind: string): [string, T][] {
  const directory = path.join(vectorsRoot, kind);
  return jsonFilesUnder(directory).map((file) => [
    path.relative(directory, file),
    JSON.parse(readFileSync(file, 'utf8')) as T,
  ]);
}

const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');
const hashes = (proof: string[] | null): Buffer[] => (proof ?? []).map(bytes);

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

/** Runs a check and reports how it ended: a typed refusal is expected, anything else is a bug. */
function verdict(check: () => void): 'accepted' | 'refused' {
  try {
    check();
    return 'accepted';
  } catch (error) {
    if (error instanceof IntegrityError) return 'refused';
    throw error;
  }
}

const inclusion = load<InclusionVector>('inclusion');
const consistency = load<ConsistencyVector>('consistency');

describe('transparency-dev golden vectors', () => {
  it('are all here: 98 inclusion and 98 consistency cases', () => {
    expect(inclusion).toHaveLength(98);
    expect(consistency).toHaveLength(98);
  });

  it.each(inclusion)('inclusion %s', (_file, v) => {
    const outcome = verdict(() =>
      verifyInclusion(bytes(v.leafHash), v.leafIdx, v.treeSize, hashes(v.proof), bytes(v.root)),
    );
    expect(outcome).toBe(v.wantErr ? 'refused' : 'accepted');
  });

  it.each(consistency)('consistency %s', (_file, v) => {
    const outcome = verdict(() =>
      verifyConsistency(v.size1, v.size2, hashes(v.proof), bytes(v.root1), bytes(v.root2)),
    );
    expect(outcome).toBe(v.wantErr ? 'refused' : 'accepted');
  });
});
