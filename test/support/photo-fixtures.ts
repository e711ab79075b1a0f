import sharp from 'sharp';

/*
 * Photos made at test time with sharp (SVG drawn by librsvg, encoded as JPEG or PNG, EXIF written
 * by sharp's withExif): a "scene" of fields, a shed and trees, so the perceptual hash has edges
 * to follow, and variants of it.
 */

export interface Scene {
  /** Horizontal shift of the shed and trees, in pixels of a 1600-wide picture. */
  shift: number;
  sky: string;
  /** Draw the scene mirrored, as a photo taken from the other side. */
  mirrored?: boolean;
}

export const farmScene: Scene = { shift: 0, sky: '#8cc4f0' };

function svgOf(scene: Scene, width: number, height: number): Buffer {
  const s = scene.shift;
  const body = `
    <rect width="1600" height="1200" fill="${scene.sky}"/>
    <rect y="700" width="1600" height="500" fill="#5a8f3a"/>
    <polygon points="0,700 500,420 900,700" fill="#6b7d8c"/>
    <rect x="${200 + s}" y="560" width="520" height="300" fill="#b5651d"/>
    <polygon points="${170 + s},560 ${460 + s},380 ${750 + s},560" fill="#7a2e12"/>
    <rect x="${400 + s}" y="700" width="110" height="160" fill="#3b2410"/>
    <circle cx="${1100 + s}" cy="560" r="150" fill="#1f5a1f"/>
    <rect x="${1080 + s}" y="690" width="40" height="200" fill="#4a3020"/>
    <circle cx="${1380 - s}" cy="600" r="110" fill="#2b6d2b"/>
    <rect x="0" y="980" width="1600" height="40" fill="#c9b38a"/>`;
  const transform = scene.mirrored === true ? 'transform="translate(1600,0) scale(-1,1)"' : '';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 1600 1200"><g ${transform}>${body}</g></svg>`,
  );
}

export interface JpegOptions {
  width?: number;
  height?: number;
  quality?: number;
  exif?: {
    capturedAt?: string;
    latitude?: string;
    longitude?: string;
    make?: string;
    model?: string;
  };
}

/** A JPEG of the scene; EXIF time as 'YYYY:MM:DD HH:MM:SS', GPS as EXIF rationals 'd/1 m/1 s/100'. */
export async function sceneJpeg(scene: Scene, options: JpegOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1200;
  let image = sharp(svgOf(scene, width, height)).jpeg({ quality: options.quality ?? 85 });
  const exif = options.exif;
  if (exif !== undefined) {
    image = image.withExif({
      IFD0: {
        ...(exif.make === undefined ? {} : { Make: exif.make }),
        ...(exif.model === undefined ? {} : { Model: exif.model }),
      },
      ...(exif.capturedAt === undefined ? {} : { IFD2: { DateTimeOriginal: exif.capturedAt } }),
      ...(exif.latitude === undefined || exif.longitude === undefined
        ? {}
        : {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: exif.latitude,
              GPSLongitudeRef: 'E',
              GPSLongitude: exif.longitude,
            },
          }),
    });
  }
  return image.toBuffer();
}

export async function scenePng(scene: Scene, width = 800, height = 600): Promise<Buffer> {
  return sharp(svgOf(scene, width, height))
    .png()
    .toBuffer();
}

/** The same picture decoded, resized and encoded again at another quality (what a re-upload does). */
export async function reencoded(jpeg: Buffer, width: number, quality: number): Promise<Buffer> {
  return sharp(jpeg).resize(width).jpeg({ quality }).toBuffer();
}

/** A small JPEG whose header claims 50,000 × 50,000 pixels: an image bomb. */
export async function imageBomb(): Promise<Buffer> {
  const small = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 10, b: 10 } },
  })
    .jpeg()
    .toBuffer();
  const bomb = Buffer.from(small);
  for (let i = 2; i < bomb.length - 9; i += 1) {
    // SOF0/SOF2: FF C0 or FF C2, length (2), precision (1), height (2), width (2).
    if (bomb[i] === 0xff && (bomb[i + 1] === 0xc0 || bomb[i + 1] === 0xc2)) {
      bomb.writeUInt16BE(50_000, i + 5);
      bomb.writeUInt16BE(50_000, i + 7);
      return bomb;
    }
  }
  throw new Error('no SOF marker in the generated JPEG');
}
