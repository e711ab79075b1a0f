// Proves resident ID numbers are normalised and validated per GB 11643-1999, and that makeIdNumber only ever produces valid ones.
import fc from 'fast-check';
import {
  idNumberCheckDigit,
  idNumberProvinceCodes,
  isValidIdNumber,
  makeIdNumber,
  normaliseIdNumber,
  validateIdNumber,
} from './id-number';

describe('validateIdNumber', () => {
  it('accepts the examples given in the standard', () => {
    expect(validateIdNumber('11010519491231002X')).toEqual({
      ok: true,
      idNumber: '11010519491231002X',
      addressCode: '110105',
      provinceCode: '11',
      birthDate: '1949-12-31',
      sex: 'female',
    });
    expect(validateIdNumber('440524188001010014')).toEqual({
      ok: true,
      idNumber: '440524188001010014',
      addressCode: '440524',
      provinceCode: '44',
      birthDate: '1880-01-01',
      sex: 'male',
    });
  });

  it('normalises lowercase x, full-width digits and X, and surrounding spaces', () => {
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('\u3000１１０１０５１９４９１２３１００２ｘ')).toBe(
      '11010519491231002X',
    );
    expect(validateIdNumber('11010519491231002x')).toMatchObject({
      ok: true,
      idNumber: '11010519491231002X',
    });
    expect(isValidIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe(true);
  });

  it.each([
    ['length', '11010519491231002'],
    ['length', '11010519491231002X1'],
    ['characters', '11010519491231002Y'],
    ['characters', '1101051949123100XX'],
    ['characters', '11010519491231 02X'],
    ['province', makeIdNumber('990105', '19491231', '002')],
    ['province', makeIdNumber('000000', '19491231', '002')],
    ['birth_date', makeIdNumber('110105', '19490230', '002')],
    ['birth_date', makeIdNumber('110105', '19491301', '002')],
    ['birth_date', makeIdNumber('110105', '19490000', '002')],
    ['birth_date', makeIdNumber('110105', '19000229', '002')],
    ['birth_date', makeIdNumber('110105', '17991231', '002')],
    ['check_digit', '110105194912310021'],
    ['check_digit', '440524188001010015'],
    ['check_digit', '440524188001010010'],
  ])('rejects with reason %s: %s', (reason, idNumber) => {
    const result = validateIdNumber(idNumber);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message).not.toBe('');
  });

  it('lets callers raise the earliest birth year', () => {
    expect(isValidIdNumber('440524188001010014', { birthYearMin: 1900 })).toBe(false);
    expect(
      validateIdNumber(makeIdNumber('530325', '19000101', '001'), { birthYearMin: 1900 }),
    ).toMatchObject({ ok: true });
  });

  it('accepts 29 February only in leap years', () => {
    expect(isValidIdNumber(makeIdNumber('530325', '20000229', '001'))).toBe(true);
    expect(isValidIdNumber(makeIdNumber('530325', '20040229', '001'))).toBe(true);
    expect(isValidIdNumber(makeIdNumber('530325', '20230229', '001'))).toBe(false);
  });

  it('rejects a future birth date only when today is given', () => {
    const idNumber = makeIdNumber('530325', '20300101', '001');
    expect(isValidIdNumber(idNumber)).toBe(true);
    expect(validateIdNumber(idNumber, { today: '2029-12-31' })).toMatchObject({
      ok: false,
      reason: 'birth_date',
    });
    expect(isValidIdNumber(idNumber, { today: '2030-01-01' })).toBe(true);
    expect(() => validateIdNumber(idNumber, { today: '2030/01/01' })).toThrow(RangeError);
  });
});

describe('idNumberCheckDigit and makeIdNumber', () => {
  it('computes the standard check characters', () => {
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
    expect(idNumberCheckDigit('44052418800101001')).toBe('4');
    expect(makeIdNumber('110105', '19491231', '002')).toBe('11010519491231002X');
  });

  it('refuses malformed parts', () => {
    expect(() => idNumberCheckDigit('1101051949123100')).toThrow(RangeError);
    expect(() => makeIdNumber('11010', '19491231', '002')).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '1949-12-31', '002')).toThrow(RangeError);
    expect(() => makeIdNumber('110105', '19491231', '02')).toThrow(RangeError);
  });
});

describe('makeIdNumber properties', () => {
  const provinceCode = fc.constantFrom(...idNumberProvinceCodes);
  const addressCode = fc
    .tuple(provinceCode, fc.integer({ min: 0, max: 9999 }))
    .map(([province, rest]) => `${province}${String(rest).padStart(4, '0')}`);
  const birthDate = fc
    .date({
      min: new Date('1800-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10));
  const sequence = fc.integer({ min: 0, max: 999 }).map((value) => String(value).padStart(3, '0'));

  it('always produces a number that validates to its parts', () => {
    fc.assert(
      fc.property(addressCode, birthDate, sequence, (address, isoDate, seq) => {
        const idNumber = makeIdNumber(address, isoDate.replaceAll('-', ''), seq);
        expect(validateIdNumber(idNumber)).toEqual({
          ok: true,
          idNumber,
          addressCode: address,
          provinceCode: address.slice(0, 2),
          birthDate: isoDate,
          sex: Number(seq) % 2 === 1 ? 'male' : 'female',
        });
      }),
    );
  });

  it('becomes invalid when any one of the first 17 digits changes', () => {
    fc.assert(
      fc.property(
        addressCode,
        birthDate,
        sequence,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (address, isoDate, seq, position, shift) => {
          const idNumber = makeIdNumber(address, isoDate.replaceAll('-', ''), seq);
          const changedDigit = String((Number(idNumber[position]) + shift) % 10);
          const changed = `${idNumber.slice(0, position)}${changedDigit}${idNumber.slice(position + 1)}`;
          expect(isValidIdNumber(changed)).toBe(false);
        },
      ),
    );
  });
});
