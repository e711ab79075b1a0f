// Every integrity error is an AppError with a CONTEXT.CODE code and an HTTP status hint, so the
// one problem+json mapper renders it like any other context's.
import { AppError, errorCodePattern } from '@sunlight/kernel/errors';
import * as integrity from './index';
import { IntegrityError } from './integrity-error';

const hash = Buffer.alloc(32);
const instances: IntegrityError[] = [
  new integrity.InvalidTreeNumberError('size', -1),
  new integrity.IndexOutOfRangeError(5, 5),
  new integrity.TreeSizeOrderError(6, 5),
  new integrity.EmptyTreeConsistencyError(5),
  new integrity.ProofLengthError(2, 3),
  new integrity.HashLengthError('leaf hash', 31),
  new integrity.RootMismatchError('inclusion proof', hash, hash),
  new integrity.MissingNodeError(3, 7),
  new integrity.NoteFormatError('note', 'no blank line'),
  new integrity.NoteKeyError('bad key id'),
  new integrity.InvalidNoteSignatureError('log.example', 0xc74f20a3),
  new integrity.UnverifiedNoteError(['log.example+c74f20a3']),
  new integrity.AmbiguousNoteKeyError('log.example', 0xc74f20a3),
  new integrity.CheckpointOriginError('a.example', 'b.example'),
  new integrity.CosignatureQuorumError(2, ['w1']),
  new integrity.TileError('no such tile'),
];

describe('integrity errors', () => {
  it('are all here: every exported error class but canonical JSON’s', () => {
    const exported = Object.keys(integrity).filter(
      (name) => name.endsWith('Error') && name !== 'IntegrityError' && name !== 'NotPlainJsonError',
    );
    expect(instances.map((error) => error.name).sort()).toEqual(exported.sort());
  });

  it.each(instances.map((error) => [error.name, error] as const))(
    '%s is an AppError with a CONTEXT.CODE code and a status',
    (name, error) => {
      expect(error).toBeInstanceOf(AppError);
      expect(error.name).toBe(name);
      expect(error.code).toMatch(errorCodePattern);
      expect([400, 404, 422, 500]).toContain(error.httpStatus);
      expect(error.message.length).toBeGreaterThan(0);
    },
  );
});
