import { validateIdNumber } from '@sunlight/geo';
import { fieldRules } from '@sunlight/kernel';
import { InvalidHouseholdCommandError } from './households.errors';
import type { Sex } from './vocabulary';

/*
 * Field rules shared by the household deciders and the HTTP DTOs, so the edge and the backstop
 * refuse the same things with the same words.
 */

export const householdFieldRules = fieldRules(
  (field, reason) => new InvalidHouseholdCommandError(field, reason),
);

export const personNameLengthMax = 100;
export const addressLengthMax = 200;
export const organisationLengthMax = 100;
export const descriptionLengthMax = 500;
/** The year 建档立卡 began; nothing in the register predates it. */
export const identifiedYearMin = 2013;
export const incomeYearMin = 2013;

export const bankAccountPattern = /^\d{8,30}$/;
export const bankAccountFormat = '8 to 30 digits';
/** A mobile number (11 digits from 1) or a landline with its area code (0xxx-xxxxxxx). */
export const phonePattern = /^(?:1\d{10}|0\d{2,3}-?\d{7,8})$/;
export const phoneFormat = 'an 11-digit mobile number or a landline such as 0874-4612345';
export const recordIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const projectIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const identifierFormat =
  '1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
export const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;
const villageCodePattern = /^\d{12}$/;

/** The calendar day in China (UTC+8) of an ISO timestamp: what "today" means to a village. */
export function chinaDateOf(isoTimestamp: string): string {
  return new Date(Date.parse(isoTimestamp) + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function isRealDate(text: string): boolean {
  if (!isoDatePattern.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** Undefined when `value` is a real YYYY-MM-DD day not after `today`; otherwise what is wrong. */
export function pastDateProblem(value: unknown, today: string): string | undefined {
  if (typeof value !== 'string' || !isRealDate(value))
    return 'must be a real date written YYYY-MM-DD';
  if (value > today) return `must not be in the future (after ${today})`;
  return undefined;
}

export function requirePastDate(field: string, value: unknown, today: string): string {
  const problem = pastDateProblem(value, today);
  if (problem !== undefined) throw householdFieldRules.invalid(field, problem);
  return value as string;
}

export function requireYear(field: string, value: unknown, min: number, today: string): number {
  const max = Number(today.slice(0, 4));
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw householdFieldRules.invalid(field, `must be a year from ${min} to ${max}`);
  }
  return value;
}

export function requireVillageCode(field: string, value: unknown): string {
  if (typeof value !== 'string' || !villageCodePattern.test(value)) {
    throw householdFieldRules.invalid(field, 'must be a 12-digit village code');
  }
  return value;
}

/**
 * What is wrong with an ID number (公民身份号码), or undefined. A legacy 15-digit number is named
 * as such, so the clerk knows to ask for the 18-digit one rather than retype the same.
 */
export function idNumberProblem(value: unknown, today: string): string | undefined {
  const checked = checkIdNumber(value, today);
  return typeof checked === 'string' ? checked : undefined;
}

/** What is wrong with an ID number, or its facts: one check of it, not two. */
function checkIdNumber(value: unknown, today: string): string | { sex: Sex; birthDate: string } {
  if (typeof value !== 'string') return 'is required';
  if (/^\d{15}$/.test(value.trim())) {
    return 'is a legacy 15-digit ID number, which is not accepted: record the 18-digit number (GB 11643-1999) from the current ID card';
  }
  const checked = validateIdNumber(value, { today });
  if (!checked.ok) return checked.message;
  if (checked.idNumber !== value) return `must be written in its normal form ${checked.idNumber}`;
  return { sex: checked.sex === 'male' ? '男' : '女', birthDate: checked.birthDate };
}

export function requireIdNumber(field: string, value: unknown, today: string): string {
  requireIdNumberFacts(field, value, today);
  return value as string;
}

/** A valid ID number's sex and birth date; a refusal naming `field` otherwise. */
export function requireIdNumberFacts(
  field: string,
  value: unknown,
  today: string,
): { idNumber: string; sex: Sex; birthDate: string } {
  const checked = checkIdNumber(value, today);
  if (typeof checked === 'string') throw householdFieldRules.invalid(field, checked);
  return { idNumber: value as string, ...checked };
}

/** The sex and birth date an 18-digit ID number encodes, or undefined for an invalid one. */
export function idNumberFacts(idNumber: string): { sex: Sex; birthDate: string } | undefined {
  const checked = validateIdNumber(idNumber);
  if (!checked.ok) return undefined;
  return { sex: checked.sex === 'male' ? '男' : '女', birthDate: checked.birthDate };
}
