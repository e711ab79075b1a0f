import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import { commandMetadata } from '@sunlight/event-store';
import { DIVISION_REGISTRY, parseVillageGroupCode, type DivisionRegistry } from '@sunlight/geo';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import type { Actor } from '@sunlight/kernel';
import {
  checkRosterLine,
  rosterStreamName,
  type CheckedEntry,
  type RosterFile,
  type RosterUploaded,
} from '../domain';
import { ROSTER_CHECKER, type RosterChecker } from '../roster-checker.port';
import { rosterSummary, type RosterSummary } from '../roster-summary';
import { ROSTER_COMMANDS, type RosterCommands } from './roster-commands';
import { storedRosterLines } from './roster-files';

/** The rosters' queue: parsing, approval and settlement jobs. */
export const rostersQueue = 'rosters';

export interface ParseRosterJob {
  rosterId: string;
  /** The upload's day, fixed once, so a retried job judges dates exactly as the first run. */
  today: string;
}

/** Lines recorded per append (the store takes at most 1,000 events per call). */
export const rosterEntriesPerBatch = 500;

/**
 * Reads a stored roster file line by line and records every line as an accepted or rejected
 * entry, has the accepted lines cross-checked (ROSTER_CHECKER, when the app has one), then
 * records the counts and what the check found. Each batch's command id is derived from its first row, and the decider
 * skips rows already recorded, so a job taken up again after its worker was killed records each
 * row exactly once and ends with the same result as a clean run.
 */
@Injectable()
export class RosterParseJob implements OnModuleInit {
  constructor(
    @Inject(ROSTER_COMMANDS) private readonly rosters: RosterCommands,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Optional() @Inject(ROSTER_CHECKER) private readonly checker?: RosterChecker,
  ) {}

  onModuleInit(): void {
    this.jobs.define<ParseRosterJob, RosterSummary | undefined>(rostersQueue, {
      processor: (run) => this.run(run),
      attempts: 3,
    });
  }

  async run(run: JobRun<ParseRosterJob>): Promise<RosterSummary | undefined> {
    const { rosterId } = run.data;
    const streamName = rosterStreamName(rosterId);
    const loaded = await this.rosters.load(streamName);
    const uploaded = loaded.state.uploaded;
    if (uploaded === undefined) throw new Error(`no roster ${rosterId} to parse`);
    if (loaded.state.status !== 'parsing') return rosterSummary(loaded.state);
    const file = fileOf(uploaded);
    const total = await this.countLines(file);
    await run.progress(0, total);
    const rules = {
      placeProblem: this.placeRule(uploaded.divisionCode, uploaded.uploadedBy),
      today: run.data.today,
      ...(uploaded.perPersonCapFen === undefined
        ? {}
        : { perPersonCapFen: BigInt(uploaded.perPersonCapFen) }),
    };
    const actor = uploaded.uploadedBy;
    const seen = new Map<string, number>();
    let batch: CheckedEntry[] = [];
    let done = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const firstRow = batch[0]?.entry.row ?? 0;
      const command = {
        type: 'RecordRosterEntries' as const,
        rosterId,
        entries: batch,
        actor,
        occurredAt: new Date().toISOString(),
      };
      const ids = { commandId: `${rosterId}/entries/${firstRow}`, correlationId: run.id };
      await this.rosters.handle(streamName, command, commandMetadata(command, ids));
      done += batch.length;
      batch = [];
      await run.progress(done, Math.max(total, done));
    };
    for await (const line of storedRosterLines(this.blobs, file)) {
      batch.push(checkRosterLine(line, rules, seen));
      if (batch.length >= rosterEntriesPerBatch) await flush();
    }
    await flush();
    // Checked before it is parsed, so no one can approve it unchecked; a retry checks again and
    // raises nothing new.
    const check =
      this.checker === undefined
        ? undefined
        : { checkId: run.id, ...(await this.checker.check(rosterId, actor, run.id)) };
    const complete = {
      type: 'CompleteRosterParse' as const,
      rosterId,
      ...(check === undefined ? {} : { check }),
      actor,
      occurredAt: new Date().toISOString(),
    };
    const result = await this.rosters.handle(
      streamName,
      complete,
      commandMetadata(complete, { commandId: `${rosterId}/parsed`, correlationId: run.id }),
    );
    return rosterSummary(result.state);
  }

  private async countLines(file: RosterFile): Promise<number> {
    let count = 0;
    for await (const line of storedRosterLines(this.blobs, file))
      count = line.row > 0 ? count + 1 : count;
    return count;
  }

  /**
   * A village (12-digit code) or village group (`<village>-<n>`) must be a known village inside
   * the roster's division and inside the uploader's jurisdiction.
   */
  private placeRule(divisionCode: string, uploader: Actor): (code: string) => string | undefined {
    const answers = new Map<string, string | undefined>();
    return (code) => {
      if (answers.has(code)) return answers.get(code);
      const villageCode = /^\d{12}$/.test(code) ? code : parseVillageGroupCode(code)?.villageCode;
      let problem: string | undefined;
      const village = villageCode === undefined ? undefined : this.divisions.get(villageCode);
      if (villageCode === undefined) {
        problem = 'must be a 12-digit village code or a village group <village code>-<n>';
      } else if (village === undefined || village.level !== 'village') {
        problem = `${villageCode} is not a known village`;
      } else if (!this.divisions.isWithin(villageCode, divisionCode)) {
        problem = `${villageCode} is outside the roster's division ${divisionCode}`;
      } else if (!this.divisions.isWithin(villageCode, uploader.division)) {
        problem = `${villageCode} is outside the uploader's jurisdiction ${uploader.division}`;
      }
      if (answers.size < 100_000) answers.set(code, problem);
      return problem;
    };
  }
}

function fileOf(uploaded: RosterUploaded['data']): RosterFile {
  return {
    sha256: uploaded.fileSha256,
    name: uploaded.fileName,
    bytes: uploaded.bytes,
    format: uploaded.format,
    ...(uploaded.encoding === 'gb18030' || uploaded.encoding === 'utf-8'
      ? { encoding: uploaded.encoding }
      : {}),
  };
}
