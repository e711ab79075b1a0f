import { divisionCodeLengthByLevel } from './division';

// A village with more groups than this is a data-entry mistake rather than a real village.
export const villageGroupNumberMax = 999;

export interface VillageGroupCodeParts {
  readonly villageCode: string;
  readonly groupNumber: number;
}

const villageCodePattern = new RegExp(`^\\d{${divisionCodeLengthByLevel.village}}$`);
// Leading zeros are refused so that each group has exactly one spelling of its code.
const villageGroupCodePattern = new RegExp(
  `^(\\d{${divisionCodeLengthByLevel.village}})-([1-9]\\d{0,2})$`,
);

export function isValidVillageGroupNumber(groupNumber: number): boolean {
  return (
    Number.isSafeInteger(groupNumber) && groupNumber >= 1 && groupNumber <= villageGroupNumberMax
  );
}

export function villageGroupCode(villageCode: string, groupNumber: number): string {
  if (!villageCodePattern.test(villageCode)) {
    throw new RangeError(
      `Village code must be ${divisionCodeLengthByLevel.village} digits, got ${JSON.stringify(villageCode)}`,
    );
  }
  if (!isValidVillageGroupNumber(groupNumber)) {
    throw new RangeError(
      `Village group number must be an integer from 1 to ${villageGroupNumberMax}, got ${groupNumber}`,
    );
  }
  return `${villageCode}-${groupNumber}`;
}

export function parseVillageGroupCode(code: string): VillageGroupCodeParts | undefined {
  const match = villageGroupCodePattern.exec(code);
  if (match === null) return undefined;
  const [, villageCode, groupDigits] = match;
  if (villageCode === undefined || groupDigits === undefined) return undefined;
  return { villageCode, groupNumber: Number(groupDigits) };
}
