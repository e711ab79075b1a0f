/*
 * A project's id is chosen by the client, `prj-<division code>-<n>`, where the division is the
 * village (12 digits) or township (9 digits) the project is in. Planning it twice is recognised
 * as a repeat, and every route that names a project checks the caller's jurisdiction against
 * that division, read from the id, before it reads or writes anything.
 */

export const projectStreamCategory = 'project';
export const projectIdPattern = /^prj-(\d{9}|\d{12})-([1-9]\d{0,5})$/;
export const projectIdFormat =
  'prj-<9-digit township or 12-digit village code>-<n>, n from 1 to 999999 without leading zeros';

export interface ProjectIdParts {
  readonly projectId: string;
  readonly divisionCode: string;
  readonly number: number;
}

export function parseProjectId(projectId: string): ProjectIdParts | undefined {
  const match = projectIdPattern.exec(projectId);
  if (match === null) return undefined;
  const [, divisionCode, digits] = match;
  if (divisionCode === undefined || digits === undefined) return undefined;
  return { projectId, divisionCode, number: Number(digits) };
}

export function projectStreamName(projectId: string): string {
  return `${projectStreamCategory}-${projectId}`;
}

/** The project a stream holds, or undefined for a name no project stream has. */
export function parseProjectStreamName(streamName: string): ProjectIdParts | undefined {
  const prefix = `${projectStreamCategory}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  return parseProjectId(streamName.slice(prefix.length));
}
