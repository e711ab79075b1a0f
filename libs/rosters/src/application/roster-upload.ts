import { Inject, Injectable } from '@nestjs/common';
import { assertWithinJurisdiction } from '@sunlight/auth';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import {
  CLAIM_INDEX,
  ClaimTakenError,
  collectFirst,
  commandMetadata,
  EVENT_STORE,
  type ClaimIndex,
  type CommandIds,
  type EventStore,
} from '@sunlight/event-store';
import { fundStreamName } from '@sunlight/funds';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import { JOB_QUEUES, type JobQueues } from '@sunlight/jobs';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { randomBytes } from 'node:crypto';
import {
  DuplicateRosterFileError,
  parseYuanAmount,
  rosterStreamName,
  type UploadRoster,
} from '../domain';
import { ROSTER_COMMANDS, rosterFileClaimKey, type RosterCommands } from './roster-commands';
import { inspectRosterFile } from './roster-files';
import { rostersQueue, type ParseRosterJob } from './roster-parse.job';

/** The form fields of `POST /rosters`, as text (multipart carries text). */
export interface RosterUploadForm {
  fundId?: string;
  divisionCode?: string;
  purpose?: string;
  period?: string;
  perPersonCap?: string;
  reason?: string;
}

export const rosterUploadFields: readonly (keyof RosterUploadForm)[] = [
  'fundId',
  'divisionCode',
  'purpose',
  'period',
  'perPersonCap',
  'reason',
];

export interface RosterUploadAccepted {
  rosterId: string;
  jobId: string;
  fileSha256: string;
  bytes: number;
  format: string;
}

const fundIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Records an uploaded roster whose file is already in the blob store, and starts its parse job.
 * Nothing is recorded unless the form and the file's header are good; the same file for the
 * same fund and division is refused (409 naming the first roster) unless knowingly repeated.
 */
@Injectable()
export class RosterUpload {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLAIM_INDEX) private readonly claims: ClaimIndex,
  ) {}

  /**
   * The checks a request must pass before its file is kept: a well-formed fund id and a known
   * division inside the caller's jurisdiction.
   */
  admit(form: RosterUploadForm, actor: Actor): { fundId: string; divisionCode: string } {
    const fundId = required(form, 'fundId');
    if (!fundIdPattern.test(fundId))
      throw new RequestFieldError('fundId', `must match ${fundIdPattern.source}`);
    const divisionCode = required(form, 'divisionCode');
    requireKnownDivision(this.divisions, divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    return { fundId, divisionCode };
  }

  async upload(input: {
    form: RosterUploadForm;
    file: { sha256: string; bytes: number; name: string };
    allowDuplicate: boolean;
    actor: Actor;
    ids: CommandIds;
  }): Promise<RosterUploadAccepted> {
    const { form, actor } = input;
    const { fundId, divisionCode } = this.admit(form, actor);
    const fundCreated = await collectFirst(
      this.store.readStream(fundStreamName(fundId), { maxCount: 1 }),
    );
    if (fundCreated === undefined) {
      throw new RequestFieldError('fundId', `names no fund line (${fundId})`);
    }
    const perPersonCapFen = optionalYuan(form.perPersonCap);
    if (input.allowDuplicate && (form.reason ?? '').trim() === '') {
      throw new RequestFieldError('reason', 'is required when allowDuplicate is true');
    }
    const file = await inspectRosterFile(this.blobs, input.file);
    const rosterId = `ro-${divisionCode}-${randomBytes(6).toString('hex')}`;
    const jobId = this.jobs.newJobId(rostersQueue);
    const occurredAt = new Date().toISOString();
    const command: UploadRoster = {
      type: 'UploadRoster',
      rosterId,
      fundId,
      divisionCode,
      purpose: required(form, 'purpose'),
      period: required(form, 'period'),
      ...(perPersonCapFen === undefined ? {} : { perPersonCapFen }),
      file,
      parseJobId: jobId,
      actor,
      occurredAt,
      ...(input.allowDuplicate ? await this.duplicateOf(fundId, divisionCode, file.sha256) : {}),
      ...(input.allowDuplicate ? { duplicateReason: form.reason } : {}),
    };
    try {
      await this.rosters.handle(
        rosterStreamName(rosterId),
        command,
        commandMetadata(command, input.ids),
      );
    } catch (error) {
      if (error instanceof ClaimTakenError && error.key.startsWith('roster-file:')) {
        throw new DuplicateRosterFileError(error.heldBy.replace(/^roster-/, ''));
      }
      throw error;
    }
    const payload: ParseRosterJob = { rosterId, today: occurredAt.slice(0, 10) };
    await this.jobs.submit(rostersQueue, 'roster-parse', payload, actor, jobId);
    return { rosterId, jobId, fileSha256: file.sha256, bytes: file.bytes, format: file.format };
  }

  /** The roster that first holds this file, named on the knowingly repeated upload. */
  private async duplicateOf(
    fundId: string,
    divisionCode: string,
    sha256: string,
  ): Promise<{ duplicateOf?: string }> {
    const holder = await this.claims.holderOf(rosterFileClaimKey(fundId, divisionCode, sha256));
    return holder === undefined ? {} : { duplicateOf: holder.streamName.replace(/^roster-/, '') };
  }
}

function required(form: RosterUploadForm, field: keyof RosterUploadForm): string {
  const value = form[field]?.trim();
  if (value === undefined || value === '') throw new RequestFieldError(field, 'is required');
  return value;
}

function optionalYuan(text: string | undefined): bigint | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = parseYuanAmount(text);
  if (!parsed.ok) throw new RequestFieldError('perPersonCap', parsed.reason);
  return parsed.value;
}
