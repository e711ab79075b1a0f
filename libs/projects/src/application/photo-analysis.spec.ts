import sharp from 'sharp';
import { analysePhoto, sniffPhotoType } from './photo-analysis';

/** An ISO BMFF file-type box with `brand`, then bytes no decoder can read. */
function isoFile(brand: string): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brand, 8, 'latin1');
  return Buffer.concat([box, Buffer.from('not really an image, only its header')]);
}

describe('photo analysis', () => {
  it('tells the type from the leading bytes, never the name', async () => {
    const jpeg = await sharp({
      create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .jpeg()
      .toBuffer();
    expect(sniffPhotoType(jpeg)).toBe('image/jpeg');
    expect(sniffPhotoType(await sharp(jpeg).png().toBuffer())).toBe('image/png');
    expect(sniffPhotoType(isoFile('heic'))).toBe('image/heic');
    expect(sniffPhotoType(isoFile('mif1'))).toBe('image/heic');
    expect(sniffPhotoType(isoFile('isom'))).toBeUndefined();
    expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeUndefined();
  });

  it('refuses a HEIC the image library cannot decode with a 400 that says to send JPEG', async () => {
    await expect(analysePhoto(isoFile('heic'))).rejects.toMatchObject({
      httpStatus: 400,
      errors: [{ field: 'file', message: expect.stringMatching(/HEIC .*send it as JPEG$/) }],
    });
  });

  it('reads no EXIF from a photo without any, and says so as unknown', async () => {
    const plain = await sharp({
      create: { width: 32, height: 24, channels: 3, background: { r: 90, g: 120, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    await expect(analysePhoto(plain)).resolves.toMatchObject({
      mimeType: 'image/jpeg',
      width: 32,
      height: 24,
      capturedAt: 'unknown',
      gps: 'unknown',
      camera: 'unknown',
      dHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});
