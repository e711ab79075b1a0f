// Resident identity numbers (居民身份证号码) per GB 11643-1999.

export const idNumberLength = 18;
// The standard's own example 440524188001010014 was born in 1880, so a 1900 floor would reject it.
export const idNumberBirthYearMinDefault = 1800;

// The 34 provincial-level codes of GB/T 2260; the rest of the address code changes over time, so only this part is checked.
export const idNumberProvinceCodes: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

const checkWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const checkCharacters = '10X98765432';

export type IdNumberFailureReason =
  'length' | 'characters' | 'birth_date' | 'check_digit' | 'province';

export type IdNumberSex = 'male' | 'female';

export interface ValidIdNumber {
  readonly ok: true;
  readonly idNumber: string;
  readonly addressCode: string;
  readonly provinceCode: string;
  readonly birthDate: string;
  readonly sex: IdNumberSex;
}

export interface InvalidIdNumber {
  readonly ok: false;
  readonly reason: IdNumberFailureReason;
  readonly message: string;
}

export type IdNumberValidation = ValidIdNumber | InvalidIdNumber;

export interface ValidateIdNumberOptions {
  // Injected rather than read from the clock so validation is deterministic; 'YYYY-MM-DD'.
  readonly today?: string;
  // Callers registering living beneficiaries may raise this to 1900 to catch mistyped years.
  readonly birthYearMin?: number;
}

const fullWidthZero = 0xff10;
const fullWidthNine = 0xff19;

// People type these numbers on phones with Chinese input methods, which produce full-width characters.
export function normaliseIdNumber(raw: string): string {
  let normalised = '';
  for (const char of raw.trim()) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint >= fullWidthZero && codePoint <= fullWidthNine) {
      normalised += String.fromCharCode(codePoint - fullWidthZero + 0x30);
    } else if (char === 'x' || char === 'Ｘ' || char === 'ｘ') {
      normalised += 'X';
    } else {
      normalised += char;
    }
  }
  return normalised;
}

export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17))
    throw new RangeError(`Expected 17 digits, got ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let index = 0; index < checkWeights.length; index += 1) {
    sum += Number(first17[index]) * (checkWeights[index] ?? 0);
  }
  return checkCharacters.charAt(sum % 11);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

function birthDateProblem(
  yyyymmdd: string,
  today: string | undefined,
  birthYearMin: number,
): string | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < birthYearMin) return `birth year ${year} is before ${birthYearMin}`;
  if (month < 1 || month > 12) return `birth month ${month} does not exist`;
  if (day < 1 || day > daysInMonth(year, month))
    return `day ${day} does not exist in ${year}-${String(month).padStart(2, '0')}`;
  const birthDate = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (today !== undefined && birthDate > today) return `birth date ${birthDate} is after ${today}`;
  return undefined;
}

export function validateIdNumber(
  raw: string,
  options: ValidateIdNumberOptions = {},
): IdNumberValidation {
  const { today, birthYearMin = idNumberBirthYearMinDefault } = options;
  if (today !== undefined && !isoDatePattern.test(today)) {
    throw new RangeError(`today must be YYYY-MM-DD, got ${JSON.stringify(today)}`);
  }
  const idNumber = normaliseIdNumber(raw);
  const fail = (reason: IdNumberFailureReason, message: string): InvalidIdNumber => ({
    ok: false,
    reason,
    message,
  });
  // Array.from counts code points, so an astral character is one character, not two.
  const length = Array.from(idNumber).length;
  if (length !== idNumberLength)
    return fail('length', `ID number must have ${idNumberLength} characters, got ${length}`);
  if (!/^\d{17}[\dX]$/.test(idNumber))
    return fail('characters', 'ID number must be 17 digits followed by a digit or X');
  const provinceCode = idNumber.slice(0, 2);
  if (!idNumberProvinceCodes.has(provinceCode))
    return fail('province', `${provinceCode} is not a province code`);
  const dateProblem = birthDateProblem(idNumber.slice(6, 14), today, birthYearMin);
  if (dateProblem !== undefined) return fail('birth_date', dateProblem);
  const expectedCheck = idNumberCheckDigit(idNumber.slice(0, 17));
  if (idNumber.charAt(17) !== expectedCheck) {
    return fail(
      'check_digit',
      `check character should be ${expectedCheck}, got ${idNumber.charAt(17)}`,
    );
  }
  return {
    ok: true,
    idNumber,
    addressCode: idNumber.slice(0, 6),
    provinceCode,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    // The sequence number's parity encodes sex: odd for men, even for women.
    sex: Number(idNumber.charAt(16)) % 2 === 1 ? 'male' : 'female',
  };
}

export function isValidIdNumber(raw: string, options: ValidateIdNumberOptions = {}): boolean {
  return validateIdNumber(raw, options).ok;
}

// Builds a valid number from its parts so tests elsewhere never need real people's IDs.
export function makeIdNumber(
  addressCode6: string,
  birthDateYyyymmdd: string,
  sequence3: string,
): string {
  if (!/^\d{6}$/.test(addressCode6))
    throw new RangeError(`Address code must be 6 digits, got ${JSON.stringify(addressCode6)}`);
  if (!/^\d{8}$/.test(birthDateYyyymmdd)) {
    throw new RangeError(`Birth date must be YYYYMMDD, got ${JSON.stringify(birthDateYyyymmdd)}`);
  }
  if (!/^\d{3}$/.test(sequence3))
    throw new RangeError(`Sequence must be 3 digits, got ${JSON.stringify(sequence3)}`);
  const first17 = `${addressCode6}${birthDateYyyymmdd}${sequence3}`;
  return `${first17}${idNumberCheckDigit(first17)}`;
}
