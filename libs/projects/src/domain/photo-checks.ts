import type { NearMatch } from './photo-index';
import type {
  CaptureTimeCheck,
  DuplicateMatch,
  LocationCheck,
  PhotoCheckFacts,
  PhotoFacts,
} from './project';
import { unknown } from './project';
import { distanceMetres, type Coordinates } from './projects.validation';

/*
 * The checks recorded on a photo when it arrives (PhotoChecked), as facts, not verdicts: the
 * same or a near-identical picture already attached to another project, a capture time before
 * the project was planned or after the upload, and the distance of the photo's GPS position from
 * the project's site. A check that cannot be made says why.
 */

export const hammingDistanceMaxDefault = 6;
export const siteDistanceMetresMaxDefault = 2_000;
/** Duplicates named in one check at most (the nearest): enough to act on, bounded in size. */
export const duplicatesRecordedMax = 20;
/** A camera clock a few minutes ahead of the server is not a photo from the future. */
export const clockSkewMsAllowed = 10 * 60_000;

export interface PhotoCheckInput {
  readonly projectId: string;
  readonly photo: Pick<PhotoFacts, 'sha256' | 'capturedAt' | 'gps' | 'uploadedAt'>;
  /** When ProjectPlanned was recorded (its occurredAt). */
  readonly plannedAt: string;
  readonly site: Coordinates | undefined;
  /** What the near-duplicate index found within the threshold, this project's photos included. */
  readonly nearMatches: readonly NearMatch[];
  readonly hammingDistanceMax: number;
  readonly siteDistanceMetresMax: number;
}

export function checkPhoto(input: PhotoCheckInput): Omit<PhotoCheckFacts, 'sha256'> {
  return {
    hammingDistanceMax: input.hammingDistanceMax,
    duplicates: duplicatesOf(input),
    captureTime: captureTimeCheck(input),
    location: locationCheck(input),
  };
}

function duplicatesOf(input: PhotoCheckInput): DuplicateMatch[] {
  return input.nearMatches
    .filter((match) => match.projectId !== input.projectId)
    .map((match) => ({
      kind: match.sha256 === input.photo.sha256 ? ('exact' as const) : ('near' as const),
      projectId: match.projectId,
      sha256: match.sha256,
      distance: match.distance,
    }))
    .sort(
      (a, b) => a.distance - b.distance || (a.kind === 'exact' ? -1 : b.kind === 'exact' ? 1 : 0),
    )
    .slice(0, duplicatesRecordedMax);
}

/** The calendar day in China (UTC+8) of an instant. */
function chinaDay(time: number): string {
  return new Date(time + 8 * 3_600_000).toISOString().slice(0, 10);
}

function captureTimeCheck({ photo, plannedAt }: PhotoCheckInput): CaptureTimeCheck {
  if (photo.capturedAt === unknown) {
    return { result: 'not_possible', reason: 'the photo carries no EXIF capture time' };
  }
  const captured = Date.parse(photo.capturedAt);
  const capturedAt = photo.capturedAt;
  if (chinaDay(captured) < chinaDay(Date.parse(plannedAt))) {
    return { result: 'before_planned', capturedAt, plannedAt };
  }
  if (captured > Date.parse(photo.uploadedAt) + clockSkewMsAllowed) {
    return { result: 'after_upload', capturedAt, uploadedAt: photo.uploadedAt };
  }
  return { result: 'ok', capturedAt };
}

function locationCheck({ photo, site, siteDistanceMetresMax }: PhotoCheckInput): LocationCheck {
  if (photo.gps === unknown) {
    return { result: 'not_possible', reason: 'the photo carries no usable EXIF GPS position' };
  }
  if (site === undefined) {
    return {
      result: 'not_possible',
      reason: 'the project has no site coordinates, and no village centroids ship with Sunlight',
    };
  }
  const distance = Math.round(distanceMetres(photo.gps, site));
  return {
    result: distance > siteDistanceMetresMax ? 'too_far' : 'ok',
    distanceMetres: distance,
    distanceMetresMax: siteDistanceMetresMax,
  };
}
