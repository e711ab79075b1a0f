import exifr from 'exifr';
import sharp from 'sharp';
import { RequestFieldError } from '@sunlight/kernel';
import {
  coordinatesProblem,
  photoPixelsMax,
  unknown,
  type Coordinates,
  type PhotoMimeType,
  type Unknown,
} from '../domain';

/*
 * What a photo's bytes are, found from the bytes alone with maintained libraries: the type
 * sniffed from the leading bytes (never the name), the pixel size read from the header and
 * refused past `photoPixelsMax` before anything is decoded (an image bomb), the whole image
 * decoded once (a truncated or corrupt file is refused) into a small thumbnail and a 64-bit dHash,
 * and the EXIF capture time, GPS position and camera read by exifr, each `unknown` when missing,
 * stripped or garbage.
 */

export interface PhotoAnalysis {
  readonly mimeType: PhotoMimeType;
  readonly width: number;
  readonly height: number;
  readonly dHash: string;
  readonly thumbnail: Buffer;
  readonly capturedAt: string | Unknown;
  readonly gps: Coordinates | Unknown;
  readonly camera: string | Unknown;
}

/** The longest side of a thumbnail, in pixels. */
export const thumbnailSizeMax = 320;
/** China Standard Time: what a camera's clock without an offset tag is taken to show. */
const cameraClockOffsetDefault = '+08:00';

export class PhotoNotReadableError extends RequestFieldError {
  constructor(reason: string) {
    super('file', reason);
  }
}

/** The image type the leading bytes announce, or undefined for anything else. */
export function sniffPhotoType(bytes: Buffer): PhotoMimeType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'image/jpeg';
  }
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return 'image/png';
  }
  // ISO BMFF: a `ftyp` box whose brand is one of HEIF's.
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    const brand = bytes.toString('latin1', 8, 12);
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis'].includes(brand)) {
      return 'image/heic';
    }
  }
  return undefined;
}

export async function analysePhoto(bytes: Buffer): Promise<PhotoAnalysis> {
  if (bytes.length === 0) throw new PhotoNotReadableError('is empty');
  const mimeType = sniffPhotoType(bytes);
  if (mimeType === undefined) {
    throw new PhotoNotReadableError(
      'is not a JPEG, PNG or HEIC image (judged from its bytes, not its name)',
    );
  }
  const options = { limitInputPixels: photoPixelsMax, failOn: 'truncated' } as const;
  let width: number;
  let height: number;
  try {
    // The header alone: nothing is decoded yet.
    const metadata = await sharp(bytes, options).metadata();
    width = metadata.autoOrient?.width ?? metadata.width;
    height = metadata.autoOrient?.height ?? metadata.height;
  } catch (error) {
    throw unreadable(mimeType, error);
  }
  if (!(width > 0 && height > 0)) throw new PhotoNotReadableError('has no pixel size');
  if (width * height > photoPixelsMax) {
    throw new PhotoNotReadableError(
      `is ${width} × ${height} pixels, more than the limit of ${photoPixelsMax} (refused before decoding)`,
    );
  }
  let small: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    // One decode, turned upright as the camera meant it, shrunk on load where the format allows.
    small = await sharp(bytes, options)
      .rotate()
      .resize(thumbnailSizeMax, thumbnailSizeMax, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw unreadable(mimeType, error);
  }
  const raw = {
    raw: {
      width: small.info.width,
      height: small.info.height,
      channels: small.info.channels as 1 | 2 | 3 | 4,
    },
  };
  const [thumbnail, dHash] = await Promise.all([
    sharp(small.data, raw).jpeg({ quality: 80 }).toBuffer(),
    differenceHash(small.data, raw),
  ]);
  return { mimeType, width, height, dHash, thumbnail, ...(await exifFacts(bytes)) };
}

function unreadable(mimeType: PhotoMimeType, error: unknown): PhotoNotReadableError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new PhotoNotReadableError(
      `has more pixels than the limit of ${photoPixelsMax} (refused before decoding)`,
    );
  }
  if (mimeType === 'image/heic') {
    return new PhotoNotReadableError(
      `is a HEIC image this server's image library cannot decode (${message.split('\n')[0]}); send it as JPEG`,
    );
  }
  return new PhotoNotReadableError(
    `is not a readable ${mimeType === 'image/jpeg' ? 'JPEG' : 'PNG'} image: ${message.split('\n')[0]}`,
  );
}

/**
 * dHash (Neal Krawetz's difference hash): the picture as 9 × 8 grey pixels, one bit per pair of
 * horizontal neighbours (1 when the left is brighter), 64 bits as 16 hex digits. Re-encoding,
 * resizing and mild colour changes leave it within a few bits.
 */
export async function differenceHash(
  pixels: Buffer,
  raw: { raw: { width: number; height: number; channels: 1 | 2 | 3 | 4 } },
): Promise<string> {
  const grey = await sharp(pixels, raw)
    .greyscale()
    .resize(9, 8, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  let hash = 0n;
  for (let y = 0; y < 8; y += 1) {
    for (let x = 0; x < 8; x += 1) {
      const left = grey[y * 9 + x] as number;
      const right = grey[y * 9 + x + 1] as number;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}

const exifTimePattern = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const offsetPattern = /^[+-]\d{2}:\d{2}$/;

/** EXIF facts, each `unknown` when absent, stripped or not believable; never an error. */
async function exifFacts(
  bytes: Buffer,
): Promise<Pick<PhotoAnalysis, 'capturedAt' | 'gps' | 'camera'>> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(bytes, {
      tiff: true,
      exif: true,
      gps: true,
      reviveValues: false,
      pick: [
        'DateTimeOriginal',
        'OffsetTimeOriginal',
        'Make',
        'Model',
        'GPSLatitude',
        'GPSLatitudeRef',
        'GPSLongitude',
        'GPSLongitudeRef',
      ],
    })) as Record<string, unknown> | undefined;
  } catch {
    tags = undefined;
  }
  return {
    capturedAt: captureTime(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal),
    gps: position(tags?.latitude, tags?.longitude),
    camera: cameraOf(tags?.Make, tags?.Model),
  };
}

function captureTime(value: unknown, offset: unknown): string | Unknown {
  if (typeof value !== 'string') return unknown;
  const match = exifTimePattern.exec(value.trim());
  if (match === null) return unknown;
  const [, year, month, day, hour, minute, second] = match;
  const zone =
    typeof offset === 'string' && offsetPattern.test(offset) ? offset : cameraClockOffsetDefault;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`;
  const time = Date.parse(iso);
  // 1990 to a year from now: a camera clock outside that is not a capture time.
  if (
    Number.isNaN(time) ||
    time < Date.parse('1990-01-01T00:00:00Z') ||
    time > Date.now() + 366 * 86_400_000
  ) {
    return unknown;
  }
  return iso;
}

function position(latitude: unknown, longitude: unknown): Coordinates | Unknown {
  const candidate = { latitude, longitude };
  return coordinatesProblem(candidate) === undefined ? (candidate as Coordinates) : unknown;
}

// eslint-disable-next-line no-control-regex -- control characters are what is removed
const controlCharacters = /[\u0000-\u001f\u007f]/g;

function cameraOf(make: unknown, model: unknown): string | Unknown {
  const clean = (value: unknown) =>
    typeof value === 'string' ? value.replace(controlCharacters, '').trim() : '';
  const makeText = clean(make);
  const modelText = clean(model);
  // Phones often repeat the make in the model ("Apple" "iPhone 12" vs "HUAWEI" "HUAWEI P30").
  const camera = modelText.toLowerCase().startsWith(makeText.toLowerCase())
    ? modelText
    : `${makeText} ${modelText}`.trim();
  return camera === '' ? unknown : camera.slice(0, 200);
}
