import type { Coordinates } from '../projects.validation';
import type { PhotoStage } from '../vocabulary';

/*
 * What a photo proves is pinned when it arrives: its bytes (SHA-256, size), what they are
 * (sniffed from the bytes, decoded to find the pixel size and a perceptual hash), what the
 * camera wrote (EXIF capture time, GPS, model: `unknown` when missing, stripped or garbage),
 * who sent it and when. The checks made against the rest of the log follow as their own fact.
 */

export const photoMimeTypes = ['image/jpeg', 'image/png', 'image/heic'] as const;
export type PhotoMimeType = (typeof photoMimeTypes)[number];

/** A value the camera did not give (no EXIF, stripped, or unreadable). */
export const unknown = 'unknown';
export type Unknown = typeof unknown;

export const sha256Pattern = /^[0-9a-f]{64}$/;
/** A 64-bit perceptual hash (dHash) as 16 lower-case hex digits. */
export const perceptualHashPattern = /^[0-9a-f]{16}$/;

export interface PhotoFacts {
  readonly sha256: string;
  readonly bytes: number;
  readonly mimeType: PhotoMimeType;
  readonly width: number;
  readonly height: number;
  /** dHash of the decoded image: 9×8 greyscale, one bit per horizontal neighbour pair. */
  readonly dHash: string;
  /** The small JPEG made once from it, kept in the blob store. */
  readonly thumbnailSha256: string;
  readonly stage: PhotoStage;
  readonly caption?: string;
  /** The file name the client gave, as a label only (no path, no control characters). */
  readonly fileName: string;
  /** EXIF DateTimeOriginal as an ISO timestamp (China time unless the camera wrote an offset). */
  readonly capturedAt: string | Unknown;
  readonly gps: Coordinates | Unknown;
  /** Make and model as the camera wrote them. */
  readonly camera: string | Unknown;
  readonly uploadedBy: string;
  readonly uploadedAt: string;
}

/** Another photo with the same bytes (exact) or a near-identical picture (near), elsewhere. */
export interface DuplicateMatch {
  readonly kind: 'exact' | 'near';
  readonly projectId: string;
  readonly sha256: string;
  /** Hamming distance of the perceptual hashes (0 for exact copies). */
  readonly distance: number;
}

export type CaptureTimeCheck =
  | { readonly result: 'ok'; readonly capturedAt: string }
  | { readonly result: 'before_planned'; readonly capturedAt: string; readonly plannedAt: string }
  | { readonly result: 'after_upload'; readonly capturedAt: string; readonly uploadedAt: string }
  | { readonly result: 'not_possible'; readonly reason: string };

export type LocationCheck =
  | {
      readonly result: 'ok' | 'too_far';
      readonly distanceMetres: number;
      readonly distanceMetresMax: number;
    }
  | { readonly result: 'not_possible'; readonly reason: string };

export interface PhotoCheckFacts {
  readonly sha256: string;
  readonly hammingDistanceMax: number;
  readonly duplicates: readonly DuplicateMatch[];
  readonly captureTime: CaptureTimeCheck;
  readonly location: LocationCheck;
}
