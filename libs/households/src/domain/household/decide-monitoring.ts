import { addMonths } from '../monitoring-lines';
import { descriptionLengthMax, recordIdPattern, requirePastDate } from '../households.validation';
import { assistanceMeasures, monitoringRiskTypes, monitoringTypes } from '../vocabulary';
import type { EliminateRisk, StartMonitoring } from './commands';
import type { HouseholdEvent, MonitoringStarted } from './events';
import {
  householdFieldRulesForExit as rules,
  MonitoringConflictError,
  NoMonitoringRulesError,
} from './exit-errors';
import type { HouseholdState } from './state';

/*
 * 防止返贫动态监测: a household is identified as monitored (one of three types, with its risks and
 * the assistance applied), and closed by 风险消除 no earlier than the period the monitoring rules
 * in force require. One monitoring is open at a time; a 脱贫不稳定户 is a household that exited.
 */

function requireList<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw rules.invalid(field, `must be a non-empty list of ${allowed.join(', ')}`);
  }
  const items = value.map((item, index) => rules.requireOneOf(`${field}[${index}]`, item, allowed));
  if (new Set(items).size !== items.length) throw rules.invalid(field, 'must not repeat an item');
  return items;
}

export function startMonitoring(
  command: StartMonitoring,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  if (typeof command.monitoringId !== 'string' || !recordIdPattern.test(command.monitoringId)) {
    throw rules.invalid('monitoringId', 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
  }
  const note = rules.optionalText('note', command.note, descriptionLengthMax);
  const event: MonitoringStarted = {
    type: 'MonitoringStarted',
    data: {
      householdId: command.householdId,
      monitoringId: command.monitoringId,
      monitoringType: rules.requireOneOf('monitoringType', command.monitoringType, monitoringTypes),
      riskTypes: requireList('riskTypes', command.riskTypes, monitoringRiskTypes),
      measures: requireList('measures', command.measures, assistanceMeasures),
      identifiedOn: requirePastDate('identifiedOn', command.identifiedOn, today),
      ...(note === undefined ? {} : { note }),
    },
  };
  const existing = state.monitorings.get(command.monitoringId);
  if (existing !== undefined) {
    const { householdId: _id, ...wanted } = event.data;
    const { elimination: _closed, ...recorded } = existing;
    if (JSON.stringify(sorted(wanted)) === JSON.stringify(sorted(recorded))) return [];
    throw new MonitoringConflictError(
      `${command.monitoringId} was recorded with other content`,
      'monitoringId',
    );
  }
  if (state.openMonitoringId !== undefined) {
    throw new MonitoringConflictError(
      `the household is already monitored (${state.openMonitoringId}); record 风险消除 first`,
      'monitoringId',
    );
  }
  if (event.data.monitoringType === '脱贫不稳定户' && state.status !== 'exited') {
    throw new MonitoringConflictError(
      `a 脱贫不稳定户 is a household that has exited; this one is ${state.status}`,
      'monitoringType',
    );
  }
  const earliest = state.exitedOn;
  if (event.data.monitoringType === '脱贫不稳定户' && earliest !== undefined) {
    if (event.data.identifiedOn < earliest) {
      throw rules.invalid('identifiedOn', `must not be before the exit was approved (${earliest})`);
    }
  }
  return [event];
}

export function eliminateRisk(
  command: EliminateRisk,
  state: HouseholdState,
  today: string,
): HouseholdEvent[] {
  if (typeof command.monitoringId !== 'string' || !recordIdPattern.test(command.monitoringId)) {
    throw rules.invalid('monitoringId', 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
  }
  const eliminatedOn = requirePastDate('eliminatedOn', command.eliminatedOn, today);
  const note = rules.optionalText('note', command.note, descriptionLengthMax);
  const monitoring = state.monitorings.get(command.monitoringId);
  if (monitoring === undefined) {
    throw new MonitoringConflictError(
      `the household has no monitoring ${command.monitoringId}`,
      'monitoringId',
    );
  }
  const closed = monitoring.elimination;
  if (closed !== undefined) {
    if (closed.eliminatedOn === eliminatedOn && closed.note === note) return [];
    throw new MonitoringConflictError(
      `${command.monitoringId} was closed on ${closed.eliminatedOn}`,
      'monitoringId',
    );
  }
  const year = Number(eliminatedOn.slice(0, 4));
  const monitoringRules = command.rules;
  if (monitoringRules === undefined) throw new NoMonitoringRulesError(year, 'eliminatedOn');
  const earliest = addMonths(monitoring.identifiedOn, monitoringRules.riskEliminationMonthsMin);
  if (eliminatedOn < earliest) {
    throw new MonitoringConflictError(
      `risk may be marked eliminated from ${earliest}, ${monitoringRules.riskEliminationMonthsMin} months after monitoring began (${monitoring.identifiedOn}; rules ${monitoringRules.version})`,
      'eliminatedOn',
    );
  }
  return [
    {
      type: 'RiskEliminated',
      data: {
        householdId: command.householdId,
        monitoringId: command.monitoringId,
        monitoringType: monitoring.monitoringType,
        eliminatedOn,
        rulesVersion: monitoringRules.version,
        ...(note === undefined ? {} : { note }),
      },
    },
  ];
}

function sorted(value: object): object {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
