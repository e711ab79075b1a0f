import { fieldRules } from '@sunlight/kernel';
import { InvalidProjectCommandError } from './projects.errors';

/*
 * Field rules shared by the project decider and the HTTP DTOs, so the edge and the backstop
 * refuse the same things with the same words.
 */

export const projectFieldRules = fieldRules(
  (field, reason) => new InvalidProjectCommandError(field, reason),
);

export const projectNameLengthMax = 200;
export const organisationLengthMax = 200;
export const personNameLengthMax = 100;
export const remarksLengthMax = 1_000;
export const outputLengthMax = 200;
export const outputsMax = 50;
export const reasonsMax = 10;
export const beneficiariesMax = 2_000;
export const captionLengthMax = 500;
/** 统一社会信用代码 (GB 32100-2015): 18 characters, no I, O, S, V or Z. */
export const creditCodePattern = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
export const creditCodeFormat = 'an 18-character unified social credit code (统一社会信用代码)';
export const milestoneIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const milestoneIdFormat =
  '1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
export const phonePattern = /^(?:1\d{10}|0\d{2,3}-?\d{7,8})$/;
export const phoneFormat = 'an 11-digit mobile number or a landline such as 0874-4612345';
const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day in China (UTC+8) of an ISO timestamp: what "today" means to a village. */
export function chinaDateOf(isoTimestamp: string): string {
  return new Date(Date.parse(isoTimestamp) + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function isRealDate(text: unknown): text is string {
  if (typeof text !== 'string' || !isoDatePattern.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

export function requireDate(field: string, value: unknown): string {
  if (!isRealDate(value)) {
    throw projectFieldRules.invalid(field, 'must be a real date written YYYY-MM-DD');
  }
  return value;
}

/** A real day not after `today` (China time): a step is recorded once it happened. */
export function requirePastDate(field: string, value: unknown, today: string): string {
  const date = requireDate(field, value);
  if (date > today) throw projectFieldRules.invalid(field, `must not be after today (${today})`);
  return date;
}

/** Latitude and longitude in degrees (WGS 84), as read off a phone or a map. */
export interface Coordinates {
  readonly latitude: number;
  readonly longitude: number;
}

/** Finite degrees inside the globe, and not the (0, 0) a broken GPS writes. */
export function coordinatesProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'must be {latitude, longitude}';
  const { latitude, longitude } = value as Record<string, unknown>;
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
    return 'latitude must be a number of degrees from -90 to 90';
  }
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
    return 'longitude must be a number of degrees from -180 to 180';
  }
  if (latitude === 0 && longitude === 0) return 'is (0, 0), which a GPS writes when it has no fix';
  return undefined;
}

const earthRadiusMetres = 6_371_008.8;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: Coordinates, b: Coordinates): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMetres * Math.asin(Math.min(1, Math.sqrt(h)));
}
