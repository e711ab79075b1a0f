// Signed notes and note keys match the reference implementation (golang.org/x/mod/sumdb/note) byte
// for byte on its published key, text and signatures, and follow its verification rules: unknown
// keys ignored, a bad signature by a known key refuses the note, malformed notes and keys refused.
import { generateKeyPairSync } from 'node:crypto';
import { ed25519NoteSigner, ed25519NoteVerifier } from './ed25519-note';
import {
  AmbiguousNoteKeyError,
  InvalidNoteSignatureError,
  NoteFormatError,
  NoteKeyError,
  UnverifiedNoteError,
} from './note.errors';
import { formatSignerKey, formatVerifierKey, parseSignerKey, parseVerifierKey } from './note-keys';
import { ed25519PrivateKeyFromSeed } from './ed25519';
import { addNoteSignatures, formatNote, openNote, parseNote, signNote } from './signed-note';

// From golang.org/x/mod/sumdb/note's note_test.go (BSD-3-Clause, The Go Authors).
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const peterSig =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const peter = parseVerifierKey(peterVkey).verifier;
const enoch = parseVerifierKey(enochVkey).verifier;
const withAbcdAt60 = (line: string): string => `${line.slice(0, 60)}ABCD${line.slice(60)}`;

describe('note keys', () => {
  it('read the reference vkey and skey, and write them back the same', () => {
    const vkey = parseVerifierKey(peterVkey);
    expect(vkey).toMatchObject({ keyName: 'PeterNeumann', keyId: 0xc74f20a3, type: 0x01 });
    const signer = parseSignerKey(peterSkey);
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(formatVerifierKey(signer)).toBe(peterVkey);
    const seed = Buffer.from(peterSkey.split('+').slice(4).join('+'), 'base64').subarray(1);
    expect(formatSignerKey(signer, ed25519PrivateKeyFromSeed(seed))).toBe(peterSkey);
  });

  it('refuse every substring and every one-byte change of the reference keys', () => {
    for (const [key, parse] of [
      [peterVkey, (k: string) => parseVerifierKey(k)],
      [peterSkey, (k: string) => parseSignerKey(k)],
    ] as const) {
      const mangled: string[] = [];
      for (let i = 0; i <= key.length; i += 1) {
        for (let j = i + 1; j <= key.length; j += 1) {
          if (i !== 0 || j !== key.length) mangled.push(key.slice(i, j));
        }
      }
      for (let i = 0; i < key.length; i += 1) {
        mangled.push(
          key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1),
        );
      }
      // Counted in a loop rather than one expect each: thousands of expect calls are slow.
      const outcomes = mangled.map((candidate) => {
        try {
          parse(candidate);
          return `accepted ${candidate}`;
        } catch (error) {
          return error instanceof NoteKeyError ? 'refused' : `threw ${String(error)}`;
        }
      });
      expect(outcomes.filter((outcome) => outcome !== 'refused')).toEqual([]);
      expect(outcomes.length).toBeGreaterThan(2_000);
    }
    // A key of the wrong length and an unknown algorithm, each with its key id adjusted.
    expect(() =>
      parseVerifierKey(
        'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      ),
    ).toThrow(NoteKeyError);
    expect(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(NoteKeyError);
  });

  it('made from a fresh key pair, round-trip through their text forms', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = ed25519NoteSigner('sunlight.example/log', privateKey);
    const reread = parseSignerKey(formatSignerKey(signer, privateKey));
    expect(formatVerifierKey(reread)).toBe(formatVerifierKey(signer));
    const note = signNote('hello\n', [reread]);
    expect(
      openNote(note, [parseVerifierKey(formatVerifierKey(signer)).verifier]).verified,
    ).toHaveLength(1);
  });

  it('refuse key names with spaces or plus signs', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2028b', 'a\tb']) {
      expect(() => ed25519NoteSigner(name, privateKey)).toThrow(NoteKeyError);
    }
  });
});

describe('signing', () => {
  it('reproduces the reference signature byte for byte (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(peterSkey);
    expect(signNote(text, [signer])).toBe(`${text}\n${peterSig}`);
  });

  it('replaces an earlier signature by the same key and keeps the others', () => {
    const signer = parseSignerKey(peterSkey);
    const stale = { keyName: 'PeterNeumann', keyId: 0xc74f20a3, signature: Buffer.from('BADSIGN') };
    expect(signNote(text, [signer], [stale])).toBe(`${text}\n${peterSig}`);
    expect(addNoteSignatures(`${text}\n${enochSig}`, [signer])).toBe(
      `${text}\n${enochSig}${peterSig}`,
    );
  });

  it('refuses texts that cannot be note texts', () => {
    const signer = parseSignerKey(peterSkey);
    for (const bad of ['', 'abc', 'a\u0001b\n', '\ud800\n']) {
      expect(() => signNote(bad, [signer])).toThrow(NoteFormatError);
    }
  });
});

describe('opening', () => {
  it('verifies the signatures of known keys and lists the others', () => {
    const message = `${text}\n${peterSig}${enochSig}`;
    const one = openNote(message, [peter]);
    expect(one.text).toBe(text);
    expect(one.verified.map((s) => s.keyName)).toEqual(['PeterNeumann']);
    expect(one.unverified.map((s) => [s.keyName, s.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    const both = openNote(message, [peter, enoch]);
    expect(both.verified.map((s) => s.keyName)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(both.unverified).toEqual([]);
  });

  it('refuses a note no known key signed', () => {
    expect(() => openNote(`${text}\n${peterSig}${enochSig}`, [])).toThrow(UnverifiedNoteError);
  });

  it('refuses a note with a bad signature by a known key, even beside a good one', () => {
    expect(() => openNote(`${text}\n${withAbcdAt60(peterSig)}`, [peter])).toThrow(
      InvalidNoteSignatureError,
    );
    expect(() => openNote(`${text}\n${peterSig}${withAbcdAt60(enochSig)}`, [peter, enoch])).toThrow(
      InvalidNoteSignatureError,
    );
    expect(() =>
      openNote(`${text.replace('cryptography', 'cryptographY')}\n${peterSig}`, [peter]),
    ).toThrow(InvalidNoteSignatureError);
  });

  it('counts repeated lines once and ignores bad signatures by unknown keys', () => {
    const message = `${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${withAbcdAt60(enochSig)}`;
    const opened = openNote(message, [peter]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified).toHaveLength(2);
  });

  it('refuses an ambiguous key list only when a signature needs it', () => {
    expect(() => openNote(`${text}\n${enochSig}`, [enoch, peter, enoch])).toThrow(
      AmbiguousNoteKeyError,
    );
    expect(openNote(`${text}\n${peterSig}`, [enoch, peter, enoch]).verified).toHaveLength(1);
  });

  it('refuses malformed notes', () => {
    const bad: (string | Buffer)[] = [
      text,
      `${text}\n`,
      `${text}\n${peterSig.slice(0, -1)}`,
      `\u0001${text}\n${peterSig}`,
      Buffer.concat([Buffer.of(0xff), Buffer.from(`${text}\n${peterSig}`)]),
      `${text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${peterSig}Unexpected line.\n`,
      `${text}\n${peterSig.replace('=\n', '\n')}`,
      `${text}\n${peterSig.repeat(101)}`,
      `${text}\n— PeterNeumann AAAA\n`,
    ];
    for (const message of bad) {
      expect(() => openNote(message, [peter])).toThrow(NoteFormatError);
    }
  });

  it('reads notes given as bytes, and formats what it parses back unchanged', () => {
    const message = `${text}\n${peterSig}${enochSig}`;
    expect(openNote(Buffer.from(message), [peter]).verified).toHaveLength(1);
    expect(formatNote(parseNote(message))).toBe(message);
  });

  it('lets a verifier of a fresh key pair check what its signer signed, and nothing else', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = ed25519NoteSigner('sunlight.example/log', privateKey);
    const verifier = ed25519NoteVerifier('sunlight.example/log', publicKey);
    const note = signNote('line one\n\nline three\n', [signer]);
    expect(openNote(note, [verifier]).text).toBe('line one\n\nline three\n');
    expect(() => openNote(note.replace('three', 'four'), [verifier])).toThrow(
      InvalidNoteSignatureError,
    );
  });
});
