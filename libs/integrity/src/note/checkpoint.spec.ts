// Checkpoints are written and read exactly as c2sp.org/tlog-checkpoint says, witness cosignatures
// as c2sp.org/tlog-cosignature says (checked against the spec's example and an answer computed
// apart from this code), and opening a checkpoint enforces the log key, the origin and the quorum.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { formatCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  ed25519CosignatureSigner,
  ed25519CosignatureVerifier,
} from './cosignature';
import { ed25519PrivateKeyFromSeed } from './ed25519';
import { ed25519NoteSigner, ed25519NoteVerifier } from './ed25519-note';
import {
  CheckpointOriginError,
  CosignatureQuorumError,
  InvalidNoteSignatureError,
  NoteFormatError,
  UnverifiedNoteError,
} from './note.errors';
import { formatVerifierKey, parseSignerKey, parseVerifierKey } from './note-keys';
import { openCheckpoint } from './open-checkpoint';
import { addNoteSignatures, parseNote } from './signed-note';

// The example of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature.
const specBody =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const specNote =
  `${specBody}\n` +
  '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

describe('checkpoint text', () => {
  it('reads the spec example', () => {
    expect(parseCheckpoint(specBody)).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
      extensions: [],
    });
  });

  it('writes what it reads, and reads what it writes', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => !/[\u0000-\u001f]/.test(s)); // eslint-disable-line no-control-regex -- lines hold no control characters
    const checkpoint = fc.record({
      origin: line,
      size: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
      rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
      extensions: fc.array(line, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(checkpoint, (cp: Checkpoint) => {
        const text = formatCheckpoint(cp);
        expect(parseCheckpoint(text)).toEqual(cp);
        expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
      }),
    );
  });

  it('refuses anything else', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    for (const bad of [
      `log\n5\n${root}`,
      `log\n5\n`,
      `\n5\n${root}\n`,
      `log\n05\n${root}\n`,
      `log\n-5\n${root}\n`,
      `log\n5.0\n${root}\n`,
      `log\n 5\n${root}\n`,
      `log\n9007199254740992\n${root}\n`,
      `log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n`,
      `log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n`,
      `log\n5\n${root}\n\n`,
      `log\n5\n${root}\next\n\n`,
    ]) {
      expect(() => parseCheckpoint(bad)).toThrow(NoteFormatError);
    }
    const cp = { origin: 'log', size: 5, rootHash: Buffer.alloc(32), extensions: [] };
    expect(() => formatCheckpoint({ ...cp, origin: 'a\nb' })).toThrow(NoteFormatError);
    expect(() => formatCheckpoint({ ...cp, extensions: [''] })).toThrow(NoteFormatError);
    expect(() => formatCheckpoint({ ...cp, rootHash: Buffer.alloc(31) })).toThrow();
  });
});

describe('witness cosignatures', () => {
  it('sign the message the spec shows', () => {
    expect(cosignatureMessage(specBody, 1679315147).toString()).toBe(
      'cosignature/v1\ntime 1679315147\n' + specBody,
    );
  });

  it('carry their time in their first eight bytes, as the spec example does', () => {
    const [, witness] = parseNote(specNote).signatures;
    expect(witness.keyName).toBe('witness.example.com/w1');
    expect(witness.keyId).toBe(0x8d66cf3f);
    expect(cosignatureTimestamp(witness)).toBe(1679315147);
  });

  it('match an answer computed apart from this code', () => {
    // The Go reference key's seed used as a cosigner key; the expected line was computed from the
    // spec text with Python's pyca/cryptography, not by this code.
    const skey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
    const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
    const signer = ed25519CosignatureSigner(
      'witness.example/peter',
      ed25519PrivateKeyFromSeed(seed),
      () => 1679315147,
    );
    expect(formatVerifierKey(signer)).toBe(
      'witness.example/peter+6fa0057c+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
    expect(addNoteSignatures(`${specBody}\n— other.example/log AAAAAAE=\n`, [signer])).toBe(
      `${specBody}\n— other.example/log AAAAAAE=\n` +
        '— witness.example/peter b6AFfAAAAABkGFDLJeR//pqzhnEKVvEm2wWbh2RJ6oru5+cUUfm5X9NnlaGr8aSH9QE5RVZD4QGlxl2F5UpVIIi94p178KLfqPPsAA==\n',
    );
    const cosignerKey = Buffer.concat([Buffer.of(0x04), seed]).toString('base64');
    const reread = parseSignerKey(
      `PRIVATE+KEY+witness.example/peter+6fa0057c+${cosignerKey}`,
      () => 1679315147,
    );
    expect(reread.keyId).toBe(0x6fa0057c);
    expect(addNoteSignatures(`${specBody}\n— other.example/log AAAAAAE=\n`, [reread])).toContain(
      'b6AFfAAAAABkGFDLJeR//pqzhnEKVvEm2wWbh2RJ6oru5+cUUfm5X9NnlaGr8aSH9QE5RVZD4QGlxl2F5UpVIIi94p178KLfqPPsAA==',
    );
  });

  it('verify only for the time, text and key they were made with', () => {
    const { privateKey, publicKey } = keyPair();
    const signer = ed25519CosignatureSigner('witness.example/w2', privateKey, () => 1_767_225_600);
    const verifier = ed25519CosignatureVerifier('witness.example/w2', publicKey);
    const [signature] = parseNote(
      addNoteSignatures(`${specBody}\n— log AAAAAAE=\n`, [signer]),
    ).signatures.slice(1);
    const body = Buffer.from(specBody);
    expect(verifier.verify(body, signature.signature)).toBe(true);
    const later = Buffer.from(signature.signature);
    later[7] ^= 1;
    expect(verifier.verify(body, later)).toBe(false);
    expect(
      verifier.verify(Buffer.from(specBody.replace('20852163', '20852164')), signature.signature),
    ).toBe(false);
    expect(verifier.verify(body, signature.signature.subarray(8))).toBe(false);
    // A plain Ed25519 note key of the same name and key is another key id: it cannot stand in.
    expect(ed25519NoteVerifier('witness.example/w2', publicKey).keyId).not.toBe(verifier.keyId);
  });

  it('are made for checkpoints only', () => {
    const signer = ed25519CosignatureSigner('witness.example/w2', keyPair().privateKey, () => 1);
    expect(() => signer.sign(Buffer.from('not a checkpoint\n'))).toThrow(NoteFormatError);
  });

  it('refuse a clock that gives no whole, non-negative second', () => {
    for (const now of [1.5, -1, Number.NaN]) {
      const signer = ed25519CosignatureSigner(
        'witness.example/w2',
        keyPair().privateKey,
        () => now,
      );
      expect(() => signer.sign(Buffer.from(specBody))).toThrow(RangeError);
    }
  });
});

describe('opening a checkpoint', () => {
  const log = keyPair();
  const logSigner = ed25519NoteSigner('sunlight.example/log', log.privateKey);
  const logVerifier = ed25519NoteVerifier('sunlight.example/log', log.publicKey);
  const witnesses = ['w1', 'w2', 'w3'].map((name) => {
    const { privateKey, publicKey } = keyPair();
    const keyName = `witness.example/${name}`;
    return {
      signer: ed25519CosignatureSigner(keyName, privateKey, () => 1_767_225_600),
      verifier: parseVerifierKey(
        formatVerifierKey(ed25519CosignatureSigner(keyName, privateKey, () => 0)),
      ).verifier,
      keyName,
      publicKey,
    };
  });
  const checkpoint = {
    origin: 'sunlight.example/log',
    size: 1_000_000,
    rootHash: Buffer.alloc(32, 9),
    extensions: [],
  };
  const signed = signCheckpoint(checkpoint, [logSigner]);
  const cosigned = addNoteSignatures(signed, [witnesses[0].signer, witnesses[1].signer]);
  const options = {
    origin: 'sunlight.example/log',
    logVerifiers: [logVerifier],
    witnessVerifiers: witnesses.map((w) => w.verifier),
  };

  it('gives the checkpoint, the log signature and each witness with its time', () => {
    const opened = openCheckpoint(cosigned, { ...options, witnessQuorum: 2 });
    expect(opened.checkpoint).toEqual(checkpoint);
    expect(opened.logSignatures).toHaveLength(1);
    expect(opened.cosignatures).toEqual([
      {
        keyName: 'witness.example/w1',
        keyId: witnesses[0].verifier.keyId,
        timestampSec: 1_767_225_600,
      },
      {
        keyName: 'witness.example/w2',
        keyId: witnesses[1].verifier.keyId,
        timestampSec: 1_767_225_600,
      },
    ]);
  });

  it('refuses too few witnesses, another origin, or no log signature', () => {
    expect(() => openCheckpoint(cosigned, { ...options, witnessQuorum: 3 })).toThrow(
      CosignatureQuorumError,
    );
    expect(() =>
      openCheckpoint(cosigned, { ...options, origin: 'sunlight.example/other' }),
    ).toThrow(CheckpointOriginError);
    const witnessOnly = addNoteSignatures(
      signCheckpoint(checkpoint, [ed25519NoteSigner('someone.else', keyPair().privateKey)]),
      [witnesses[0].signer],
    );
    expect(() => openCheckpoint(witnessOnly, options)).toThrow(UnverifiedNoteError);
  });

  it('refuses a forged cosignature by a known witness, and ignores unknown witnesses', () => {
    const impostor = ed25519CosignatureSigner('witness.example/w3', keyPair().privateKey, () => 5);
    const forged = `${cosigned}${addNoteSignatures(signed, [impostor]).split('\n').slice(-2).join('\n')}`;
    // The impostor's key id differs from w3's, so it is an unknown key and is ignored…
    expect(openCheckpoint(forged, options).cosignatures).toHaveLength(2);
    // …but a line that claims w3's key id and does not verify refuses the whole checkpoint.
    const w3Id = Buffer.alloc(4);
    w3Id.writeUInt32BE(witnesses[2].verifier.keyId);
    const claimed = `${cosigned}— witness.example/w3 ${Buffer.concat([w3Id, Buffer.alloc(72)]).toString('base64')}\n`;
    expect(() => openCheckpoint(claimed, options)).toThrow(InvalidNoteSignatureError);
  });
});
