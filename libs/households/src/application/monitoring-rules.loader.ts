import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { findProjectRoot } from '@sunlight/geo';
import { parseMonitoringRules, type MonitoringRules } from '../domain';

export const MONITORING_RULES = 'MONITORING_RULES';
export const monitoringRulesFile = join('data', 'households', 'monitoring-lines.json');

/** The shipped monitoring lines and periods; a missing or malformed file stops the start. */
export function loadMonitoringRules(
  path = join(findProjectRoot(), monitoringRulesFile),
): MonitoringRules[] {
  try {
    return parseMonitoringRules(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

export const monitoringRulesProvider: Provider = {
  provide: MONITORING_RULES,
  useFactory: (): MonitoringRules[] => loadMonitoringRules(),
};
