import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { findProjectRoot } from '@sunlight/geo';
import { parseExitCriteria, type ExitCriteria } from '../domain';

export const EXIT_CRITERIA = 'EXIT_CRITERIA';
export const exitCriteriaFile = join('data', 'households', 'exit-criteria.json');

/** The shipped exit criteria; a missing or malformed file stops the start, naming the file. */
export function loadExitCriteria(path = join(findProjectRoot(), exitCriteriaFile)): ExitCriteria[] {
  try {
    return parseExitCriteria(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export const exitCriteriaProvider: Provider = {
  provide: EXIT_CRITERIA,
  useFactory: (): ExitCriteria[] => loadExitCriteria(),
};
