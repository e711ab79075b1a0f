import { IntegrityError } from '../integrity-error';

/** Text that is not a signed note, checkpoint, key or proof bundle in the format its spec gives. */
export class NoteFormatError extends IntegrityError {
  override readonly name = 'NoteFormatError';
  readonly code = 'NOTE.MALFORMED';
  readonly httpStatus = 400;
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`malformed ${what}: ${reason}`);
  }
}

/** A verifier or signer key string (`name+hash+key`, `PRIVATE+KEY+…`) that does not parse or check. */
export class NoteKeyError extends IntegrityError {
  override readonly name = 'NoteKeyError';
  readonly code = 'NOTE.MALFORMED_KEY';
  readonly httpStatus = 400;
  constructor(readonly reason: string) {
    super(`malformed note key: ${reason}`);
  }
}

/** A signature by a key the verifier knows failed to verify: the note is forged or altered. */
export class InvalidNoteSignatureError extends IntegrityError {
  override readonly name = 'InvalidNoteSignatureError';
  readonly code = 'NOTE.INVALID_SIGNATURE';
  readonly httpStatus = 422;
  constructor(
    readonly keyName: string,
    readonly keyId: number,
  ) {
    super(`invalid signature for key ${keyName}+${keyIdHex(keyId)}`);
  }
}

/** No signature of the note is by a key the verifier knows, so its text must not be trusted. */
export class UnverifiedNoteError extends IntegrityError {
  override readonly name = 'UnverifiedNoteError';
  readonly code = 'NOTE.UNVERIFIED';
  readonly httpStatus = 422;
  constructor(readonly unverifiedKeys: readonly string[]) {
    super(
      `the note has no signature by a known key (signed by: ${unverifiedKeys.join(', ') || 'none'})`,
    );
  }
}

/** Two known keys share a name and key id, so a signature cannot be told apart: configuration error. */
export class AmbiguousNoteKeyError extends IntegrityError {
  override readonly name = 'AmbiguousNoteKeyError';
  readonly code = 'NOTE.AMBIGUOUS_KEY';
  readonly httpStatus = 500;
  constructor(
    readonly keyName: string,
    readonly keyId: number,
  ) {
    super(`ambiguous key ${keyName}+${keyIdHex(keyId)}`);
  }
}

/** A checkpoint that verified but is for another log than the one asked about. */
export class CheckpointOriginError extends IntegrityError {
  override readonly name = 'CheckpointOriginError';
  readonly code = 'CHECKPOINT.WRONG_ORIGIN';
  readonly httpStatus = 422;
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `the checkpoint is for origin ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
    );
  }
}

/** Fewer witnesses cosigned the checkpoint than the caller's policy asks for. */
export class CosignatureQuorumError extends IntegrityError {
  override readonly name = 'CosignatureQuorumError';
  readonly code = 'CHECKPOINT.COSIGNATURE_QUORUM';
  readonly httpStatus = 422;
  constructor(
    readonly required: number,
    readonly witnesses: readonly string[],
  ) {
    super(
      `${required} witness cosignatures required, ${witnesses.length} verified` +
        (witnesses.length > 0 ? ` (${witnesses.join(', ')})` : ''),
    );
  }
}

/** A key id as the vkey format writes it: eight lower-case hex digits. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}
