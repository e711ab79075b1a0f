// Proves the spot-check draw is a pure, recomputable function: the same seed hash, id, population and exclusions give the same sample in the same order; it never repeats an item, never draws an excluded one, takes exactly min(perUnit, left) per sampled unit and min(units, units left) units; a different seed or id gives a different sample; every item is about equally likely; and the spot-check decider records one draw and one visit per sampled item.
import fc from 'fast-check';
import type { Actor } from '@sunlight/kernel';
import { deciderSpec } from '@sunlight/kernel/testing';
import { OversightStateError } from '../oversight.errors';
import { SpotCheckItemNotSampledError } from '../spot-check.errors';
import {
  spotCheckDecider,
  spotCheckIdOf,
  spotCheckIdPattern,
  type SpotCheckDrawn,
  type SpotCheckVisitRecorded,
} from './spot-check';
import {
  drawSpotCheckSample,
  drawStream,
  spotCheckItemsSha256,
  type SpotCheckItem,
} from './spot-check-draw';

const seedA = 'a'.repeat(64);
const seedB = '0123456789abcdef'.repeat(4);
/** The sample algorithm v1 draws from seedA for sc-530325-000000000001 over villages(3, 5), 2 units, 2 each. */
const GOLDEN = {
  units: ['530325102001', '530325102002'],
  items: [
    { id: 'hh-530325102001-1', unit: '530325102001' },
    { id: 'hh-530325102001-2', unit: '530325102001' },
    { id: 'hh-530325102002-3', unit: '530325102002' },
    { id: 'hh-530325102002-5', unit: '530325102002' },
  ],
};

function villages(count: number, households: number): SpotCheckItem[] {
  const items: SpotCheckItem[] = [];
  for (let village = 1; village <= count; village += 1) {
    const unit = `530325102${String(village).padStart(3, '0')}`;
    for (let n = 1; n <= households; n += 1) items.push({ id: `hh-${unit}-${n}`, unit });
  }
  return items;
}

const hex64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));

const populationArbitrary = fc
  .uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
      unit: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
    }),
    { selector: (item) => item.id, maxLength: 80 },
  )
  .chain((population) =>
    fc.record({
      population: fc.constant(population),
      excluded: fc.subarray(population.map((item) => item.id)),
      perUnit: fc.integer({ min: 1, max: 30 }),
      units: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      seedHash: hex64,
      spotCheckId: fc
        .integer({ min: 0 })
        .map((n) => `sc-530325-${n.toString(16).padStart(12, '0')}`),
    }),
  );

describe('spot-check draw', () => {
  it('given one seed, id and population, when drawn twice (the population shuffled), then the samples are identical', () => {
    const population = villages(5, 30);
    const input = {
      seedHash: seedA,
      spotCheckId: 'sc-530325-000000000001',
      excluded: new Set<string>(),
      perUnit: 20,
      units: 2,
    };
    const first = drawSpotCheckSample({ ...input, population });
    const again = drawSpotCheckSample({ ...input, population: [...population].reverse() });
    expect(again).toEqual(first);
    expect(first.units).toHaveLength(2);
    expect(first.items).toHaveLength(40);
    for (const item of first.items) expect(first.units).toContain(item.unit);
  });

  it('given another seed or another id, when drawn, then the sample differs', () => {
    const population = villages(5, 30);
    const input = { excluded: new Set<string>(), perUnit: 20, units: 2, population };
    const base = drawSpotCheckSample({
      ...input,
      seedHash: seedA,
      spotCheckId: 'sc-530325-000000000001',
    });
    const otherSeed = drawSpotCheckSample({
      ...input,
      seedHash: seedB,
      spotCheckId: 'sc-530325-000000000001',
    });
    const otherId = drawSpotCheckSample({
      ...input,
      seedHash: seedA,
      spotCheckId: 'sc-530325-000000000002',
    });
    expect(otherSeed.items).not.toEqual(base.items);
    expect(otherId.items).not.toEqual(base.items);
  });

  it('given a fixed seed, when drawn, then the sample is the one this algorithm (v1) has always drawn', () => {
    // A change here means every recorded draw would stop verifying: bump the algorithm's version instead.
    const sample = drawSpotCheckSample({
      seedHash: seedA,
      spotCheckId: 'sc-530325-000000000001',
      population: villages(3, 5),
      excluded: new Set(),
      perUnit: 2,
      units: 2,
    });
    expect(sample).toEqual(GOLDEN);
  });

  it('given items already drawn in the period, when drawn, then none of them is drawn again and a unit with nothing left is not sampled', () => {
    const population = villages(3, 4);
    const excluded = new Set(
      population.filter((item) => item.unit !== '530325102003').map((item) => item.id),
    );
    const sample = drawSpotCheckSample({
      seedHash: seedA,
      spotCheckId: 'sc-530325-000000000001',
      population,
      excluded,
      perUnit: 20,
      units: 3,
    });
    expect(sample.units).toEqual(['530325102003']);
    expect(sample.items.map((item) => item.id).sort()).toEqual([
      'hh-530325102003-1',
      'hh-530325102003-2',
      'hh-530325102003-3',
      'hh-530325102003-4',
    ]);
  });

  it('property: no repeats, no excluded item, min(perUnit, left) per sampled unit, min(units, units left) units, only population items', () => {
    fc.assert(
      fc.property(populationArbitrary, (input) => {
        const excluded = new Set(input.excluded);
        const sample = drawSpotCheckSample({ ...input, excluded });
        const ids = sample.items.map((item) => item.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(excluded.has(id)).toBe(false);
        const left = new Map<string, number>();
        for (const item of input.population)
          if (!excluded.has(item.id)) left.set(item.unit, (left.get(item.unit) ?? 0) + 1);
        expect(sample.units).toHaveLength(Math.min(input.units ?? left.size, left.size));
        expect(new Set(sample.units).size).toBe(sample.units.length);
        for (const unit of sample.units) {
          const drawn = sample.items.filter((item) => item.unit === unit).length;
          expect(drawn).toBe(Math.min(input.perUnit, left.get(unit) ?? 0));
        }
        const known = new Map(input.population.map((item) => [item.id, item.unit]));
        for (const item of sample.items) expect(known.get(item.id)).toBe(item.unit);
        expect(drawSpotCheckSample({ ...input, excluded })).toEqual(sample);
      }),
      { numRuns: 200 },
    );
  });

  it('property: over many ids every item of a unit is drawn about equally often (uniform-ish)', () => {
    const population = villages(1, 10);
    const counts = new Map<string, number>();
    const draws = 2_000;
    for (let index = 0; index < draws; index += 1) {
      const sample = drawSpotCheckSample({
        seedHash: seedB,
        spotCheckId: `sc-530325-${index.toString(16).padStart(12, '0')}`,
        population,
        excluded: new Set(),
        perUnit: 3,
      });
      for (const item of sample.items) counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
    }
    // Each of 10 items is expected 600 times; 6 standard deviations (~21.7 each) either side.
    for (const item of population) {
      const count = counts.get(item.id) ?? 0;
      expect(count).toBeGreaterThan(470);
      expect(count).toBeLessThan(730);
    }
  });

  it('property: the uniform integers stay below their bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 32 }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (bound, seed) => {
          const below = drawStream(seed, 'sc-1');
          for (let index = 0; index < 20; index += 1) {
            const value = below(bound);
            expect(Number.isInteger(value) && value >= 0 && value < bound).toBe(true);
          }
        },
      ),
    );
  });

  it('fingerprints a population independently of its order', () => {
    const population = villages(2, 3);
    expect(spotCheckItemsSha256([...population].reverse())).toBe(spotCheckItemsSha256(population));
    expect(spotCheckItemsSha256(population.slice(1))).not.toBe(spotCheckItemsSha256(population));
  });
});

describe('spot-check decider', () => {
  const { given } = deciderSpec(spotCheckDecider);
  const commission: Actor = { id: 'u-jw', role: 'commission', division: '530325' };
  const request = {
    divisionCode: '530325',
    population: 'households' as const,
    period: '2026',
    perUnit: 2,
    seedPosition: '7',
  };
  const spotCheckId = spotCheckIdOf(request);
  const drawnData: Omit<SpotCheckDrawn['data'], 'drawnBy'> = {
    ...request,
    spotCheckId,
    algorithm: 'hmac-sha256-ctr/fisher-yates/v1',
    seedHash: seedA,
    populationSnapshot: { position: '9', size: 3, units: 1, sha256: seedB },
    excluded: { count: 0, sha256: seedB },
    sample: {
      units: ['530325102001'],
      items: [
        { id: 'hh-530325102001-2', unit: '530325102001' },
        { id: 'hh-530325102001-1', unit: '530325102001' },
      ],
    },
  };
  const drawn: SpotCheckDrawn = {
    type: 'SpotCheckDrawn',
    data: { ...drawnData, drawnBy: commission },
  };
  const at = '2026-03-01T00:00:00.000Z';
  const visit = {
    type: 'RecordSpotCheckVisit' as const,
    spotCheckId,
    item: 'hh-530325102001-1',
    result: 'inaccurate' as const,
    remarks: '家庭人口与档案不一致',
    visitedOn: '2026-03-01',
    actor: commission,
    occurredAt: at,
  };
  const visited: SpotCheckVisitRecorded = {
    type: 'SpotCheckVisitRecorded',
    data: {
      spotCheckId,
      item: visit.item,
      result: visit.result,
      remarks: visit.remarks,
      visitedOn: visit.visitedOn,
      visitor: commission,
    },
  };

  it('names the id after the request, with its division', () => {
    expect(spotCheckId).toMatch(spotCheckIdPattern);
    expect(spotCheckId.startsWith('sc-530325-')).toBe(true);
    expect(spotCheckIdOf({ ...request, seedPosition: '8' })).not.toBe(spotCheckId);
  });

  it('given nothing, when the draw is recorded, then SpotCheckDrawn; given it, the same draw writes nothing', () => {
    const command = {
      type: 'RecordSpotCheckDraw' as const,
      ...drawnData,
      actor: commission,
      occurredAt: at,
    };
    given([]).when(command).then([drawn]);
    given([drawn]).when(command).then([]);
  });

  it('given a draw, when a sampled item is visited, then SpotCheckVisitRecorded; the same visit again writes nothing; another result is refused', () => {
    given([drawn]).when(visit).then([visited]);
    given([drawn, visited]).when(visit).then([]);
    given([drawn, visited])
      .when({ ...visit, result: 'accurate' })
      .thenThrows(OversightStateError);
  });

  it('given a draw, when an item outside the sample is visited, then it is refused', () => {
    given([drawn])
      .when({ ...visit, item: 'hh-530325102001-3' })
      .thenThrows(SpotCheckItemNotSampledError);
  });
});
