// Proves the jurisdiction rule on the real Yunnan division registry: an actor reaches its own division and everything below it, nothing beside or above it, and a refusal is a 403 naming both divisions.
import { loadDivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';
import { ForbiddenJurisdictionError } from './auth.errors';
import { assertWithinJurisdiction, isWithinJurisdiction } from './jurisdiction';

const registry = loadDivisionRegistry();
const fuyuan: Actor = { id: 'u1', role: 'finance', division: '530325' };
const province: Actor = { id: 'a1', role: 'admin', division: '53' };
const aTownshipOfFuyuan = registry.childrenOf('530325')[0]!.code;

describe('isWithinJurisdiction', () => {
  it('given a county actor, then its own county and divisions below it are inside', () => {
    expect(isWithinJurisdiction(fuyuan, '530325', registry)).toBe(true);
    expect(isWithinJurisdiction(fuyuan, aTownshipOfFuyuan, registry)).toBe(true);
    expect(
      isWithinJurisdiction(fuyuan, registry.childrenOf(aTownshipOfFuyuan)[0]!.code, registry),
    ).toBe(true);
  });

  it('given a county actor, then a neighbouring county, its prefecture and the province are outside', () => {
    expect(isWithinJurisdiction(fuyuan, '530302', registry)).toBe(false);
    expect(isWithinJurisdiction(fuyuan, '5303', registry)).toBe(false);
    expect(isWithinJurisdiction(fuyuan, '53', registry)).toBe(false);
  });

  it('given a province admin, then every known division is inside and an unknown code is not', () => {
    expect(isWithinJurisdiction(province, '530325', registry)).toBe(true);
    expect(isWithinJurisdiction(province, '539999', registry)).toBe(false);
  });

  it('given an admin with a county jurisdiction, then the role does not widen it', () => {
    expect(isWithinJurisdiction({ ...province, division: '530325' }, '530302', registry)).toBe(
      false,
    );
  });
});

describe('assertWithinJurisdiction', () => {
  it('given a division inside, then it returns quietly', () => {
    expect(() => assertWithinJurisdiction(fuyuan, aTownshipOfFuyuan, registry)).not.toThrow();
  });

  it('given a division outside, then a 403 forbidden-jurisdiction names the division and the jurisdiction', () => {
    let error: unknown;
    try {
      assertWithinJurisdiction(fuyuan, '530302', registry);
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ForbiddenJurisdictionError);
    expect(error).toMatchObject({
      httpStatus: 403,
      code: 'AUTH.FORBIDDEN_JURISDICTION',
      divisionCode: '530302',
      jurisdictionCode: '530325',
      message: 'Division 530302 (麒麟区) is outside your jurisdiction 530325 (富源县).',
    });
  });

  it('given an unknown division, then the 403 says the code is unknown', () => {
    expect(() => assertWithinJurisdiction(province, '539999', registry)).toThrow(
      'Division 539999 is not a known division and so is outside your jurisdiction 53 (云南省).',
    );
  });
});
