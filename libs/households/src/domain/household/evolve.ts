import { evolveWith, invariant } from '@sunlight/kernel';
import type { HouseholdEvent } from './events';
import type { HouseholdState } from './state';
import { headRelation } from '../vocabulary';
import { withStep } from './evolve-exit';

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

function registered(state: HouseholdState, householdId: string, type: string): void {
  invariant(
    state.registration !== undefined && state.householdId === householdId,
    `${type} for ${householdId} before its registration`,
  );
}

/** Asserted after every member change: at most one active head. */
function assertOneHead(state: HouseholdState): HouseholdState {
  const heads = [...state.members.values()].filter((member) => member.relation === headRelation);
  invariant(heads.length <= 1, `household ${state.householdId} has ${heads.length} heads`);
  return state;
}

export const evolveHousehold = evolveWith<HouseholdState, HouseholdEvent>(
  {
    HouseholdRegistered: (state, { data: { householdId, ...registration } }) => {
      invariant(state.registration === undefined, `household ${householdId} registered twice`);
      return { ...state, householdId, registration };
    },
    MemberAdded: (state, { type, data: { householdId, ...member } }) => {
      registered(state, householdId, type);
      invariant(!state.members.has(member.idNumber), `member added twice to ${householdId}`);
      return assertOneHead({
        ...state,
        members: withEntry(state.members, member.idNumber, member),
      });
    },
    MemberRemoved: (state, { type, data: { householdId, ...removal } }) => {
      registered(state, householdId, type);
      invariant(state.members.has(removal.idNumber), `removed a non-member of ${householdId}`);
      return {
        ...state,
        members: withoutEntry(state.members, removal.idNumber),
        removals: withEntry(state.removals, removal.idNumber, removal),
      };
    },
    IncomeRecorded: (state, { type, data: { householdId, ...record } }) => {
      registered(state, householdId, type);
      invariant(!state.incomes.has(record.recordId), `income ${record.recordId} recorded twice`);
      return { ...state, incomes: withEntry(state.incomes, record.recordId, record) };
    },
    HousingAssessed: (state, { type, data: { householdId, ...housing } }) => {
      registered(state, householdId, type);
      return { ...state, housing };
    },
    HelperAssigned: (state, { type, data: { householdId, ...helper } }) => {
      registered(state, householdId, type);
      return { ...state, helper };
    },
    PolicyEnjoyed: (state, { type, data: { householdId, ...policy } }) => {
      registered(state, householdId, type);
      return { ...state, policies: [...state.policies, policy] };
    },
    IndustryProjectJoined: (state, { type, data: { householdId, projectId, joinedOn } }) => {
      registered(state, householdId, type);
      return { ...state, industryProjects: withEntry(state.industryProjects, projectId, joinedOn) };
    },
    ExitEvaluated: (state, { type, data: { householdId, ...evaluation } }) => {
      registered(state, householdId, type);
      return {
        ...state,
        evaluations: withEntry(state.evaluations, evaluation.evaluationId, evaluation),
      };
    },
    ExitApplied: (state, event) => withStep(state, event, '申请'),
    ExitVillageReviewed: (state, event) => withStep(state, event, '村评议'),
    ExitTownshipReviewed: (state, event) => withStep(state, event, '乡镇审核'),
    ExitNoticePublished: (state, event) => withStep(state, event, '公示'),
    ExitApproved: (state, event) => withStep(state, event, '县审批'),
    ReturnedToPoverty: (state, { type, data: { householdId, cause, date } }) => {
      registered(state, householdId, type);
      invariant(
        state.status === 'exited',
        `${householdId} returned to poverty without having exited`,
      );
      return { ...state, status: 'returned', lastReturn: { cause, date } };
    },
    MonitoringStarted: (state, { type, data: { householdId, ...monitoring } }) => {
      registered(state, householdId, type);
      invariant(state.openMonitoringId === undefined, `${householdId} monitored twice at once`);
      return {
        ...state,
        monitorings: withEntry(state.monitorings, monitoring.monitoringId, monitoring),
        openMonitoringId: monitoring.monitoringId,
      };
    },
    RiskEliminated: (state, { type, data }) => {
      const { householdId, monitoringId, monitoringType: _type, ...elimination } = data;
      registered(state, householdId, type);
      const open = state.monitorings.get(monitoringId);
      invariant(
        open !== undefined && state.openMonitoringId === monitoringId,
        `${householdId}: risk eliminated for ${monitoringId}, which is not open`,
      );
      return {
        ...state,
        monitorings: withEntry(state.monitorings, monitoringId, { ...open, elimination }),
        openMonitoringId: undefined,
      };
    },
  },
  'household',
);
