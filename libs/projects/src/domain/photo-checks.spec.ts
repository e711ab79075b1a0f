import { checkPhoto, type PhotoCheckInput } from './photo-checks';

const input: PhotoCheckInput = {
  projectId: 'prj-530325102202-1',
  photo: {
    sha256: 'a'.repeat(64),
    capturedAt: '2026-05-20T10:31:00+08:00',
    gps: { latitude: 25.674, longitude: 104.253 },
    uploadedAt: '2026-05-21T02:00:00.000Z',
  },
  plannedAt: '2026-03-01T09:00:00+08:00',
  site: { latitude: 25.675, longitude: 104.254 },
  nearMatches: [],
  hammingDistanceMax: 6,
  siteDistanceMetresMax: 2_000,
};

describe('photo checks', () => {
  it('finds nothing wrong with a photo taken after the plan, before the upload, at the site', () => {
    expect(checkPhoto(input)).toEqual({
      hammingDistanceMax: 6,
      duplicates: [],
      captureTime: { result: 'ok', capturedAt: input.photo.capturedAt },
      location: { result: 'ok', distanceMetres: 150, distanceMetresMax: 2_000 },
    });
  });

  it('flags a capture day before the planning day, and a capture after the upload', () => {
    const early = { ...input.photo, capturedAt: '2026-02-28T23:59:00+08:00' };
    expect(checkPhoto({ ...input, photo: early }).captureTime.result).toBe('before_planned');
    const sameDay = { ...input.photo, capturedAt: '2026-03-01T07:00:00+08:00' };
    expect(checkPhoto({ ...input, photo: sameDay }).captureTime.result).toBe('ok');
    const late = { ...input.photo, capturedAt: '2026-05-21T10:11:00+08:00' };
    expect(checkPhoto({ ...input, photo: late }).captureTime).toMatchObject({
      result: 'after_upload',
      uploadedAt: input.photo.uploadedAt,
    });
    // Within ten minutes of the upload: a camera clock a little ahead.
    const skewed = { ...input.photo, capturedAt: '2026-05-21T10:09:00+08:00' };
    expect(checkPhoto({ ...input, photo: skewed }).captureTime.result).toBe('ok');
  });

  it('flags GPS farther than the limit, and says why a check is not possible', () => {
    const far = checkPhoto({ ...input, site: { latitude: 25.0, longitude: 104.253 } });
    expect(far.location).toMatchObject({ result: 'too_far', distanceMetresMax: 2_000 });
    expect(checkPhoto({ ...input, site: undefined }).location).toMatchObject({
      result: 'not_possible',
      reason: expect.stringContaining('no site coordinates'),
    });
    const blind = { ...input.photo, gps: 'unknown' as const, capturedAt: 'unknown' };
    expect(checkPhoto({ ...input, photo: blind })).toMatchObject({
      captureTime: { result: 'not_possible' },
      location: { result: 'not_possible' },
    });
  });

  it('names duplicates on other projects only, exact before near, nearest first', () => {
    const facts = checkPhoto({
      ...input,
      nearMatches: [
        { projectId: 'prj-530325102203-1', sha256: 'c'.repeat(64), distance: 5 },
        { projectId: input.projectId, sha256: 'd'.repeat(64), distance: 1 },
        { projectId: 'prj-530325102204-1', sha256: 'a'.repeat(64), distance: 0 },
        { projectId: 'prj-530325102205-1', sha256: 'e'.repeat(64), distance: 0 },
      ],
    });
    expect(facts.duplicates).toEqual([
      { kind: 'exact', projectId: 'prj-530325102204-1', sha256: 'a'.repeat(64), distance: 0 },
      { kind: 'near', projectId: 'prj-530325102205-1', sha256: 'e'.repeat(64), distance: 0 },
      { kind: 'near', projectId: 'prj-530325102203-1', sha256: 'c'.repeat(64), distance: 5 },
    ]);
  });
});
