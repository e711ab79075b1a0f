export {
  DivisionDataError,
  divisionCodeLengthByLevel,
  divisionLevels,
  InvalidVillageGroupError,
  statisticalDivisionLevels,
  UnknownDivisionError,
} from './division';
export type {
  Division,
  DivisionLevel,
  InvalidVillageGroupReason,
  StatisticalDivisionLevel,
} from './division';
export { divisionCsvHeader, parseDivisionCsv } from './division-csv.parser';
export type { DivisionRecord } from './division-csv.parser';
export { DivisionRegistry, requireKnownDivision } from './division-registry';
export type { AddVillageGroup } from './division-registry';
export {
  defaultDivisionFileName,
  defaultDivisionFilePaths,
  divisionDataDirectory,
  divisionFileBytesMax,
  findProjectRoot,
  loadDivisionRegistry,
} from './division-registry.loader';
export { parseVillageGroupCode, villageGroupCode, villageGroupNumberMax } from './village-group';
export type { VillageGroupCodeParts } from './village-group';
export {
  idNumberBirthYearMinDefault,
  idNumberCheckDigit,
  idNumberLength,
  idNumberProvinceCodes,
  isValidIdNumber,
  makeIdNumber,
  normaliseIdNumber,
  validateIdNumber,
} from './id-number';
export type {
  IdNumberFailureReason,
  IdNumberSex,
  IdNumberValidation,
  InvalidIdNumber,
  ValidateIdNumberOptions,
  ValidIdNumber,
} from './id-number';
export { DIVISION_REGISTRY } from './tokens';
export { anyDivisionCodePattern, divisionCodeFormatMessage, isDivisionCode } from './division-code';
export * from './domain';
export * from './stream-categories';
