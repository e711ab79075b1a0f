import { PhotoNotFoundError, ProjectRecordConflictError } from '../projects.errors';
import {
  captionLengthMax,
  coordinatesProblem,
  projectFieldRules as rules,
  type Coordinates,
} from '../projects.validation';
import { photoStages } from '../vocabulary';
import type { AddPhoto, RecordPhotoCheck } from './commands';
import type { ProjectEvent } from './events';
import {
  perceptualHashPattern,
  photoMimeTypes,
  sha256Pattern,
  unknown,
  type PhotoCheckFacts,
  type PhotoFacts,
} from './photo-facts';
import type { ProjectState } from './state';

/*
 * Photos are evidence at any status once the project is planned (a suspended project's state is
 * itself worth a picture). The same bytes added to the same project again are a repeat when the
 * stage and caption agree, a 409 when they do not; the check of a photo is recorded once.
 */

const isoTimestampPattern =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const fileNameLengthMax = 200;
const cameraLengthMax = 200;
/** Past this many pixels a photo is refused before decoding (an image bomb). */
export const photoPixelsMax = 100_000_000;

export function addPhoto(command: AddPhoto, state: ProjectState): ProjectEvent[] {
  const facts = photoFacts(command);
  const existing = state.photos.get(facts.sha256);
  if (existing !== undefined) {
    if (existing.stage === facts.stage && existing.caption === facts.caption) return [];
    throw new ProjectRecordConflictError(
      command.projectId,
      'file',
      `This photo (SHA-256 ${facts.sha256}) with another stage or caption`,
    );
  }
  return [{ type: 'PhotoAdded', data: { projectId: command.projectId, ...facts } }];
}

function photoFacts(command: AddPhoto): PhotoFacts {
  const positive = (field: string, value: unknown, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      throw rules.invalid(field, `must be a whole number from 1 to ${max}`);
    }
    return value;
  };
  const width = positive('width', command.width, photoPixelsMax);
  const height = positive('height', command.height, photoPixelsMax);
  if (width * height > photoPixelsMax) {
    throw rules.invalid('file', `has more than ${photoPixelsMax} pixels`);
  }
  const caption = rules.optionalText('caption', command.caption, captionLengthMax);
  if (command.uploadedBy !== command.actor.id) {
    throw rules.invalid('uploadedBy', 'must be the actor who uploads');
  }
  if (command.uploadedAt !== command.occurredAt) {
    throw rules.invalid('uploadedAt', 'must be the time of the command');
  }
  return {
    sha256: rules.requirePattern('sha256', command.sha256, sha256Pattern),
    bytes: positive('bytes', command.bytes, Number.MAX_SAFE_INTEGER),
    mimeType: rules.requireOneOf('mimeType', command.mimeType, photoMimeTypes),
    width,
    height,
    dHash: rules.requirePattern('dHash', command.dHash, perceptualHashPattern),
    thumbnailSha256: rules.requirePattern(
      'thumbnailSha256',
      command.thumbnailSha256,
      sha256Pattern,
    ),
    stage: rules.requireOneOf('stage', command.stage, photoStages),
    ...(caption === undefined ? {} : { caption }),
    fileName: rules.requireText('fileName', command.fileName, fileNameLengthMax),
    capturedAt: orUnknown('capturedAt', command.capturedAt, (value) =>
      typeof value === 'string' && isoTimestampPattern.test(value)
        ? undefined
        : 'must be an ISO 8601 timestamp or unknown',
    ) as string,
    gps: orUnknown('gps', command.gps, coordinatesProblem) as Coordinates | typeof unknown,
    camera: orUnknown('camera', command.camera, (value) =>
      typeof value === 'string' && value.trim() !== '' && value.length <= cameraLengthMax
        ? undefined
        : `must be a text of at most ${cameraLengthMax} characters or unknown`,
    ) as string,
    uploadedBy: command.uploadedBy,
    uploadedAt: command.uploadedAt,
  };
}

/** A fact read from EXIF: `unknown`, or a value that passes its check. */
function orUnknown(
  field: string,
  value: unknown,
  problemOf: (value: unknown) => string | undefined,
): unknown {
  if (value === unknown) return value;
  const problem = problemOf(value);
  if (problem !== undefined) throw rules.invalid(field, problem);
  return value;
}

export function recordPhotoCheck(command: RecordPhotoCheck, state: ProjectState): ProjectEvent[] {
  const sha256 = rules.requirePattern('sha256', command.sha256, sha256Pattern);
  const photo = state.photos.get(sha256);
  if (photo === undefined) throw new PhotoNotFoundError(command.projectId, sha256);
  // The first check stands: it recorded what the log held when the photo arrived.
  if (photo.checked) return [];
  const facts: PhotoCheckFacts = {
    sha256,
    hammingDistanceMax: command.hammingDistanceMax,
    duplicates: command.duplicates,
    captureTime: command.captureTime,
    location: command.location,
  };
  if (
    !Number.isInteger(facts.hammingDistanceMax) ||
    facts.hammingDistanceMax < 0 ||
    facts.hammingDistanceMax > 32
  ) {
    throw rules.invalid('hammingDistanceMax', 'must be a whole number from 0 to 32');
  }
  if (!Array.isArray(facts.duplicates)) throw rules.invalid('duplicates', 'must be a list');
  for (const [index, match] of facts.duplicates.entries()) {
    if (match.projectId === command.projectId) {
      throw rules.invalid(`duplicates[${index}]`, 'must name another project');
    }
    if (match.distance > facts.hammingDistanceMax) {
      throw rules.invalid(`duplicates[${index}]`, 'is farther than the threshold');
    }
  }
  return [{ type: 'PhotoChecked', data: { projectId: command.projectId, ...facts } }];
}
