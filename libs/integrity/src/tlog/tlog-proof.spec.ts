// A tlog-proof bundle (c2sp.org/tlog-proof) built from the log's tree and a cosigned checkpoint
// verifies offline with only the log's and witnesses' public keys, reads back what was written, and
// is refused when the entry, the proof, the checkpoint or the format is not right.
import { generateKeyPairSync } from 'node:crypto';
import { MemoryMerkleTree } from '../merkle/memory-merkle-tree';
import { RootMismatchError } from '../merkle/merkle.errors';
import { hashLeaf } from '../merkle/rfc6962';
import { signCheckpoint } from '../note/checkpoint';
import { ed25519CosignatureSigner, ed25519CosignatureVerifier } from '../note/cosignature';
import { ed25519NoteSigner, ed25519NoteVerifier } from '../note/ed25519-note';
import {
  CheckpointOriginError,
  CosignatureQuorumError,
  InvalidNoteSignatureError,
  NoteFormatError,
} from '../note/note.errors';
import { addNoteSignatures } from '../note/signed-note';
import { formatTlogProof, parseTlogProof, verifyTlogProof } from './tlog-proof';

const origin = 'sunlight.example/yunnan';
const log = generateKeyPairSync('ed25519');
const witness = generateKeyPairSync('ed25519');
const leaves = Array.from({ length: 1_000 }, (_, i) => hashLeaf(Buffer.from(`event ${i}`)));
const tree = MemoryMerkleTree.of(leaves);
const size = 777;
const checkpoint = addNoteSignatures(
  signCheckpoint({ origin, size, rootHash: tree.rootAt(size), extensions: [] }, [
    ed25519NoteSigner(origin, log.privateKey),
  ]),
  [ed25519CosignatureSigner('witness.example/county', witness.privateKey, () => 1_767_225_600)],
);
const options = {
  origin,
  logVerifiers: [ed25519NoteVerifier(origin, log.publicKey)],
  witnessVerifiers: [ed25519CosignatureVerifier('witness.example/county', witness.publicKey)],
  witnessQuorum: 1,
};
const index = 345;
const bundle = formatTlogProof({ index, proof: tree.inclusionProof(index, size), checkpoint });

describe('tlog-proof', () => {
  it('has the spec layout: header, index, proof hashes, blank line, checkpoint verbatim', () => {
    const lines = bundle.split('\n');
    expect(lines[0]).toBe('c2sp.org/tlog-proof@v1');
    expect(lines[1]).toBe('index 345');
    expect(lines.slice(2, 12).every((line) => Buffer.from(line, 'base64').length === 32)).toBe(
      true,
    );
    expect(bundle.endsWith(`\n\n${checkpoint}`)).toBe(true);
  });

  it('verifies offline with the public keys alone', () => {
    const verified = verifyTlogProof(bundle, leaves[index], options);
    expect(verified.index).toBe(index);
    expect(verified.extra).toBeUndefined();
    expect(verified.checkpoint.checkpoint.size).toBe(size);
    expect(verified.checkpoint.cosignatures.map((c) => c.keyName)).toEqual([
      'witness.example/county',
    ]);
  });

  it('carries extra data, unauthenticated, and reads back what it writes', () => {
    const extra = Buffer.from('household card 明白卡 0042');
    const withExtra = formatTlogProof({
      extra,
      index: 0,
      proof: tree.inclusionProof(0, size),
      checkpoint,
    });
    expect(withExtra.split('\n')[1]).toBe(`extra ${extra.toString('base64')}`);
    expect(verifyTlogProof(withExtra, leaves[0], options).extra).toEqual(extra);
    const parsed = parseTlogProof(withExtra);
    expect(formatTlogProof(parsed)).toBe(withExtra);
  });

  it('is refused for another entry, a changed proof or an altered checkpoint', () => {
    expect(() => verifyTlogProof(bundle, leaves[index + 1], options)).toThrow(RootMismatchError);
    const lines = bundle.split('\n');
    lines[3] = tree.inclusionProof(index + 1, size)[1].toString('base64');
    expect(() => verifyTlogProof(lines.join('\n'), leaves[index], options)).toThrow(
      RootMismatchError,
    );
    const grown = bundle.replace(`\n${size}\n`, `\n${size + 1}\n`);
    expect(() => verifyTlogProof(grown, leaves[index], options)).toThrow(InvalidNoteSignatureError);
    expect(() =>
      verifyTlogProof(bundle, leaves[index], { ...options, origin: 'other.example' }),
    ).toThrow(CheckpointOriginError);
    expect(() => verifyTlogProof(bundle, leaves[index], { ...options, witnessQuorum: 2 })).toThrow(
      CosignatureQuorumError,
    );
  });

  it('is refused when malformed', () => {
    const hash = tree.inclusionProof(index, size)[0].toString('base64');
    for (const bad of [
      `wrong-header\nindex 0\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\n\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex notanumber\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex -5\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex 05\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex 0\n${Buffer.alloc(64).toString('base64')}\n\n${checkpoint}`,
      `c2sp.org/tlog-proof@v1\nindex 0\n${hash}\n`,
      `c2sp.org/tlog-proof@v1\nindex 0\n${hash}\n\nnot a note\n`,
    ]) {
      expect(() => parseTlogProof(bad)).toThrow(NoteFormatError);
    }
  });
});
