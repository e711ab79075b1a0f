import { invariant } from '@sunlight/kernel';
import type { ExitStep } from '../vocabulary';
import type { ExitStepEvent } from './events';
import type { HouseholdState, RecordedStep } from './state';

/** Appends a procedure step; the decider has checked the order, so a gap here is a bug. */
export function withStep(
  state: HouseholdState,
  event: ExitStepEvent,
  step: ExitStep,
): HouseholdState {
  const { date, note } = event.data;
  const recorded: RecordedStep = {
    step,
    date,
    ...(event.type === 'ExitNoticePublished' ? { endDate: event.data.endDate } : {}),
    ...(note === undefined ? {} : { note }),
  };
  if (event.type === 'ExitApplied') {
    return {
      ...state,
      status: 'exiting',
      procedure: {
        year: event.data.year,
        evaluationId: event.data.evaluationId,
        steps: [recorded],
      },
    };
  }
  const procedure = state.procedure;
  invariant(
    state.status === 'exiting' && procedure !== undefined,
    `${event.type} outside an exit procedure`,
  );
  const next = { ...state, procedure: { ...procedure, steps: [...procedure.steps, recorded] } };
  return event.type === 'ExitApproved' ? { ...next, status: 'exited', exitedOn: date } : next;
}
