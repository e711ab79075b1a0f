import { Inject, Injectable } from '@nestjs/common';
import {
  CLAIM_INDEX,
  commandMetadata,
  EVENT_STORE,
  type ClaimIndex,
  type CommandIds,
  type EventStore,
} from '@sunlight/event-store';
import { poolEventOf, transferClaimKey, transferIdPattern } from '@sunlight/funds';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  findingDecider,
  findingStreamName,
  type FindingAssignee,
  type FindingDisposition,
  type FindingRecovery,
  type FindingState,
  type FindingStatus,
  type FindingWorkflowCommand,
} from '../domain';
import { UnknownRecoveryError } from '../finding.errors';
import { FindingNotFoundError } from '../oversight.errors';
import { findingStepOf, type FindingStep } from '../projections';
import { toFindingEvent } from '../stored-events';
import { FINDING_COMMANDS, type FindingCommands } from './finding-commands';

/** Events of one finding read at once; a finding takes a few steps, even reopened many times. */
export const findingStreamEventsMax = 10_000;

/** Where a finding stands and how it got there, read from its stream. */
export interface FindingWorkflowView {
  findingId: string;
  ruleId: string;
  ruleVersion: number;
  divisionCode: string;
  status: FindingStatus;
  assignee: FindingAssignee | null;
  disposition: FindingDisposition | null;
  history: FindingStep[];
}

/** The finding's folded state and its steps, from one read of its stream. */
export async function readFindingWorkflow(
  store: EventStore,
  findingId: string,
): Promise<{ state: FindingState; view: FindingWorkflowView }> {
  let state = findingDecider.initialState();
  const history: FindingStep[] = [];
  for await (const recorded of store.readStream(findingStreamName(findingId), {
    maxCount: findingStreamEventsMax,
  })) {
    const event = toFindingEvent(recorded);
    state = findingDecider.evolve(state, event);
    history.push(findingStepOf(recorded, event));
  }
  const raised = state.raised;
  if (raised === undefined) throw new FindingNotFoundError(findingId);
  return {
    state,
    view: {
      findingId,
      ruleId: raised.ruleId,
      ruleVersion: raised.ruleVersion,
      divisionCode: raised.divisionCode,
      status: state.status,
      assignee: state.assignee === undefined ? null : { ...state.assignee },
      disposition: state.disposal?.disposition ?? null,
      history,
    },
  };
}

/**
 * The findings workflow (分派 → 处置 → 重新核查): each step one command through the finding's
 * decider. The route has checked the caller against the finding's division; what the step needs
 * from elsewhere (a known assignee division, the recovery in the ledger) is checked here first.
 */
@Injectable()
export class FindingWorkflow {
  constructor(
    @Inject(FINDING_COMMANDS) private readonly findings: FindingCommands,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLAIM_INDEX) private readonly claims: ClaimIndex,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  assign(
    findingId: string,
    request: { assignee: { id: string; division: string }; note?: string },
    actor: Actor,
    ids: CommandIds,
  ): Promise<{ view: FindingWorkflowView; replayed: boolean }> {
    requireKnownDivision(this.divisions, request.assignee.division, 'assignee.division');
    return this.run(
      {
        type: 'AssignFinding',
        findingId,
        assignee: { id: request.assignee.id, division: request.assignee.division },
        ...(request.note === undefined ? {} : { note: request.note }),
        actor,
        occurredAt: new Date().toISOString(),
      },
      ids,
      request.note,
    );
  }

  async dispose(
    findingId: string,
    request: { disposition: FindingDisposition; reason?: string; transferId?: string },
    actor: Actor,
    ids: CommandIds,
  ): Promise<{ view: FindingWorkflowView; replayed: boolean }> {
    const { disposition, reason, transferId } = request;
    if (disposition === 'recovered' && transferId === undefined)
      throw new RequestFieldError('transferId', 'is required for the disposition recovered');
    if (disposition !== 'recovered' && transferId !== undefined)
      throw new RequestFieldError('transferId', 'is only for the disposition recovered');
    const recovery =
      transferId === undefined ? undefined : await this.recoveryOf(transferId, actor);
    return this.run(
      {
        type: 'DisposeFinding',
        findingId,
        disposition,
        ...(reason === undefined ? {} : { reason }),
        ...(recovery === undefined ? {} : { recovery }),
        actor,
        occurredAt: new Date().toISOString(),
      },
      ids,
      reason,
    );
  }

  reopen(
    findingId: string,
    request: { reason: string },
    actor: Actor,
    ids: CommandIds,
  ): Promise<{ view: FindingWorkflowView; replayed: boolean }> {
    return this.run(
      {
        type: 'ReopenFinding',
        findingId,
        reason: request.reason,
        actor,
        occurredAt: new Date().toISOString(),
      },
      ids,
      request.reason,
    );
  }

  async view(findingId: string): Promise<FindingWorkflowView> {
    return (await readFindingWorkflow(this.store, findingId)).view;
  }

  private async run(
    command: FindingWorkflowCommand,
    ids: CommandIds,
    reason: string | undefined,
  ): Promise<{ view: FindingWorkflowView; replayed: boolean }> {
    const result = await this.findings.handle(
      findingStreamName(command.findingId),
      command,
      commandMetadata(command, ids, reason),
    );
    return { view: await this.view(command.findingId), replayed: result.events.length === 0 };
  }

  /**
   * The recovery (追回) a transfer id names: a FundsRecovered in the ledger, in a pool inside the
   * caller's jurisdiction. Anything else is refused alike, so another county's ledger stays unseen.
   */
  private async recoveryOf(transferId: string, actor: Actor): Promise<FindingRecovery> {
    const holder = transferIdPattern.test(transferId)
      ? await this.claims.holderOf(transferClaimKey(transferId))
      : undefined;
    const event = holder === undefined ? undefined : poolEventOf(holder);
    if (
      holder === undefined ||
      event?.type !== 'FundsRecovered' ||
      !this.divisions.isWithin(event.data.divisionCode, actor.division)
    )
      throw new UnknownRecoveryError(transferId);
    return {
      transferId,
      originalTransferId: event.data.originalTransferId,
      amountFen: event.data.amountFen,
      streamName: holder.streamName,
      position: holder.position,
    };
  }
}
