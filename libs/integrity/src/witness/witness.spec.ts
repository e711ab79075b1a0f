import { ed25519CosignatureSigner } from '../note/cosignature';
import { ed25519PrivateKeyFromSeed } from '../note/ed25519';
import { ed25519NoteSigner } from '../note/ed25519-note';
import { formatVerifierKey } from '../note/note-keys';
import { consistencyProof, merkleRoot } from '../merkle/memory-merkle-tree';
import { hashLeaf } from '../merkle/rfc6962';
import { judgeCheckpoint } from './witness';
import { parseWitnessKey, parseWitnessKeyList } from './witness-keys';

const leaves = Array.from({ length: 20 }, (_, i) => hashLeaf(Buffer.from(`event ${i}`)));
const checkpointOf = (size: number, of = leaves) => ({
  origin: 'sunlight.test/log',
  size,
  rootHash: merkleRoot(of.slice(0, size)),
  extensions: [],
});

describe('judgeCheckpoint', () => {
  it('trusts the first checkpoint and accepts the same tree again', () => {
    expect(judgeCheckpoint(undefined, checkpointOf(5))).toEqual({ kind: 'first' });
    expect(judgeCheckpoint(checkpointOf(5), checkpointOf(5))).toEqual({ kind: 'same' });
  });

  it('accepts a larger tree only with a consistency proof that checks', () => {
    const proof = consistencyProof(leaves, 7, 13);
    expect(judgeCheckpoint(checkpointOf(7), checkpointOf(13), proof)).toEqual({ kind: 'extends' });
    expect(judgeCheckpoint(checkpointOf(7), checkpointOf(13), []).kind).toBe('fork');
  });

  it('calls a fork two roots for one size, a smaller tree, and a regrown one', () => {
    const other = leaves.map((leaf, i) => (i >= 5 ? hashLeaf(Buffer.from(`forged ${i}`)) : leaf));
    expect(judgeCheckpoint(checkpointOf(7), checkpointOf(7, other))).toMatchObject({
      kind: 'fork',
      reason: 'two roots for the tree of 7 events',
    });
    expect(judgeCheckpoint(checkpointOf(7), checkpointOf(6)).kind).toBe('fork');
    // The server's proof for its own (forked) tree does not lead from the root cosigned before.
    const proof = consistencyProof(other, 7, 13);
    expect(judgeCheckpoint(checkpointOf(7), checkpointOf(13, other), proof).kind).toBe('fork');
  });
});

describe('witness keys', () => {
  const cosigner = ed25519CosignatureSigner(
    'witness-county-530325',
    ed25519PrivateKeyFromSeed(Buffer.alloc(32, 4)),
    () => 0,
  );
  const vkey = formatVerifierKey(cosigner);

  it('reads <level>:<vkey> lists separated by commas or spaces', () => {
    const keys = parseWitnessKeyList(` county:${vkey} ,`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ level: 'county', keyName: 'witness-county-530325', vkey });
  });

  it('refuses an unknown level, a log (type 0x01) key and one witness listed twice', () => {
    expect(() => parseWitnessKey(`village:${vkey}`)).toThrow(/level of province/);
    const logKey = formatVerifierKey(
      ed25519NoteSigner('witness-x', ed25519PrivateKeyFromSeed(Buffer.alloc(32, 5))),
    );
    expect(() => parseWitnessKey(`county:${logKey}`)).toThrow(/cosignature key/);
    expect(() => parseWitnessKeyList(`county:${vkey} province:${vkey}`)).toThrow(/listed twice/);
  });
});
