import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { commandMetadata } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { JOB_QUEUES, type JobQueues, type JobRun } from '@sunlight/jobs';
import { invariant, type Actor } from '@sunlight/kernel';
import {
  findingOfHit,
  findingStreamName,
  findRule,
  parametersOf,
  projectSubject,
  RegistryIndex,
  ruleCatalogue,
  type CheckSubject,
  type RegistryKind,
  type RegistryRow,
  type RuleDefinition,
  type RuleHit,
} from '../domain';
import { CHECK_EVENTS, type CheckEvents } from '../check-events.port';
import { REGISTRY_ROWS, type ImportedSnapshot, type RegistryRows } from '../registry-rows.port';
import { CheckSubjects, type SubjectQuery } from './check-subjects';
import { FINDING_COMMANDS, type FindingCommands } from './finding-commands';

/*
 * A cross-check: the subjects loaded from the log, the registry rows naming them read from the
 * snapshots in force, the selected rules run over both (pure functions), and each hit recorded
 * as a FindingRaised on its own stream. The finding's id follows from the rule, version, subject
 * and evidence, and its decider raises it once, so a check run again on unchanged data (or a job
 * taken up again after a crash) raises nothing new.
 */

export const crossChecksQueue = 'cross-checks';

export interface CrossCheckRequest extends SubjectQuery {
  /** Rule ids of the catalogue; all of them when absent. */
  rules?: readonly string[];
}

export interface CrossCheckSnapshot {
  snapshotId: string;
  kind: RegistryKind;
  divisionCode: string;
  asOf: string;
  fileSha256: string;
}

export interface CrossCheckResult {
  division: string;
  rosterId?: string;
  period?: string;
  rules: string[];
  subjects: number;
  /** The snapshots in force the check used. */
  snapshots: CrossCheckSnapshot[];
  /** Registries some selected rule needs but no snapshot of which is in force for the division. */
  missingRegistries: RegistryKind[];
  hits: number;
  /** Findings new to this check; the others were raised by an earlier one. */
  raised: number;
  byRule: Record<string, { hits: number; raised: number }>;
  /** The findings of this check (raised now or before), at most `findingIdsListedMax`. */
  findingIds: string[];
  /**
   * Subjects with at least one finding: `roster-entry:<rosterId>#<row>`,
   * `payment:<pool stream>/<transferId>` or `project:<projectId>`.
   */
  flaggedSubjects: string[];
}

export type CrossCheckJob = CrossCheckRequest & { division: string };

/** Finding ids a result lists; a larger check's findings are read through GET /findings. */
export const findingIdsListedMax = 10_000;
/**
 * Findings recorded at once: the event store's group commit writes the appends waiting together
 * in one call (up to 64), so a check's findings go in a few transactions, not one each.
 */
const raisesInFlight = 64;
/** Findings whose streams are looked up at once. */
const findingsPerLookup = 1_000;

@Injectable()
export class CrossCheck implements OnModuleInit {
  constructor(
    private readonly subjects: CheckSubjects,
    @Inject(CHECK_EVENTS) private readonly events: CheckEvents,
    @Inject(REGISTRY_ROWS) private readonly rows: RegistryRows,
    @Inject(FINDING_COMMANDS) private readonly findings: FindingCommands,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
  ) {}

  onModuleInit(): void {
    this.jobs.define<CrossCheckJob, CrossCheckResult>(crossChecksQueue, {
      processor: (run) => this.runJob(run),
      attempts: 3,
    });
  }

  submit(request: CrossCheckJob, actor: Actor): Promise<string> {
    return this.jobs.submit(crossChecksQueue, 'cross-check', request, actor);
  }

  private runJob(run: JobRun<CrossCheckJob>): Promise<CrossCheckResult> {
    const actor = { ...run.submittedBy } as Actor;
    return this.run(run.data, actor, run.id, (done, total) => run.progress(done, total));
  }

  /** Runs one check; `checkId` is recorded in the findings it raises first. */
  async run(
    request: CrossCheckJob,
    actor: Actor,
    checkId: string,
    progress: (done: number, total: number) => Promise<void> = async () => undefined,
    onFinding: (subject: CheckSubject, findingId: string) => void = () => undefined,
  ): Promise<CrossCheckResult> {
    const rules = selectedRules(request.rules);
    const records = [...new Set(rules.flatMap((rule) => rule.records ?? []))];
    const inputs = await this.subjects.load(request, records);
    const { subjects } = inputs;
    const registryKinds = [...new Set(rules.flatMap((rule) => rule.registries))];
    const { index, snapshots, snapshotOf } = await this.registries(
      request.division,
      registryKinds,
      subjects,
    );
    const hits: RuleHit[] = [];
    const byRule: CrossCheckResult['byRule'] = {};
    for (const rule of rules) {
      const found = rule.evaluate(
        {
          subjects,
          registries: index,
          ...(inputs.households === undefined ? {} : { households: inputs.households }),
          ...(inputs.projects === undefined ? {} : { projects: inputs.projects }),
        },
        parametersOf(rule),
      );
      byRule[rule.id] = { hits: found.length, raised: 0 };
      hits.push(...found);
    }
    const total = subjects.length + hits.length;
    await progress(subjects.length, total);
    // A project is the subject of the project rules' leads: it is named like a roster line. Of
    // the lines and payments, those with hits only: a province's check has a million and a few.
    const hitSubjects = new Set(hits.map((hit) => hit.subject.id));
    const subjectsById = new Map<string, CheckSubject>();
    for (const project of inputs.projects ?? []) {
      const subject = projectSubject(project);
      subjectsById.set(subject.id, subject);
    }
    for (const subject of subjects)
      if (hitSubjects.has(subject.id)) subjectsById.set(subject.id, subject);
    const findingIds: string[] = [];
    const flagged = new Set<string>();
    let raised = 0;
    let done = 0;
    for (let start = 0; start < hits.length; start += findingsPerLookup) {
      const findings = hits
        .slice(start, start + findingsPerLookup)
        .map((hit) => ({ hit, finding: findingOf(hit, subjectsById, snapshotOf) }));
      // The findings raised before (a check run again on unchanged data) are known by one query
      // for a thousand of them; only the others go through the decider, which raises each once.
      const before = await this.events.existing(
        findings.map(({ finding }) => findingStreamName(finding.findingId)),
      );
      for (let first = 0; first < findings.length; first += raisesInFlight) {
        const batch = findings.slice(first, first + raisesInFlight);
        const outcomes = await Promise.all(
          batch.map(({ finding }) =>
            before.has(findingStreamName(finding.findingId))
              ? { findingId: finding.findingId, raised: false }
              : this.raise(finding, checkId, actor),
          ),
        );
        outcomes.forEach((outcome, i) => {
          const { hit } = batch[i] as (typeof batch)[number];
          if (findingIds.length < findingIdsListedMax) findingIds.push(outcome.findingId);
          flagged.add(hit.subject.id);
          onFinding(subjectsById.get(hit.subject.id) as CheckSubject, outcome.findingId);
          if (outcome.raised) {
            raised += 1;
            (byRule[hit.ruleId] as { raised: number }).raised += 1;
          }
        });
        done += batch.length;
        if (done % 200 < raisesInFlight) await progress(subjects.length + done, total);
      }
    }
    await progress(total, total);
    return {
      division: request.division,
      ...(request.rosterId === undefined ? {} : { rosterId: request.rosterId }),
      ...(request.period === undefined ? {} : { period: request.period }),
      rules: rules.map((rule) => rule.id),
      subjects: subjects.length,
      snapshots: snapshots.map(({ rows: _rows, ...snapshot }) => snapshot),
      missingRegistries: registryKinds.filter((kind) => !index.has(kind)),
      hits: hits.length,
      raised,
      byRule,
      findingIds,
      flaggedSubjects: [...flagged],
    };
  }

  private async raise(
    finding: ReturnType<typeof findingOfHit>,
    checkId: string,
    actor: Actor,
  ): Promise<{ findingId: string; raised: boolean }> {
    const command = {
      type: 'RaiseFinding' as const,
      ...finding,
      checkId,
      actor,
      occurredAt: new Date().toISOString(),
    };
    const result = await this.findings.handle(
      findingStreamName(finding.findingId),
      command,
      commandMetadata(command, {
        commandId: `finding/${finding.findingId}`,
        correlationId: checkId,
      }),
    );
    return { findingId: finding.findingId, raised: result.events.length > 0 };
  }

  /**
   * The snapshots in force for the division (its own and those of the divisions above it) of
   * the kinds the rules need, and their rows naming the subjects' ID numbers.
   */
  private async registries(
    division: string,
    kinds: readonly RegistryKind[],
    subjects: readonly CheckSubject[],
  ): Promise<{
    index: RegistryIndex;
    snapshots: ImportedSnapshot[];
    snapshotOf: (row: RegistryRow) => string;
  }> {
    const covering = [...this.divisions.ancestorsOf(division).map((d) => d.code), division];
    const snapshots =
      kinds.length === 0
        ? []
        : (await this.rows.inForce(covering)).filter((snapshot) => kinds.includes(snapshot.kind));
    const snapshotIds = snapshots.map((snapshot) => snapshot.snapshotId);
    const named = new Set<string>();
    for (const subject of subjects) if (subject.idNumber !== undefined) named.add(subject.idNumber);
    const idNumbers = [...named];
    named.clear();
    const rowsByKind = new Map<RegistryKind, RegistryRow[]>(
      snapshots.map((snapshot) => [snapshot.kind, []]),
    );
    const snapshotOfRow = new Map<RegistryRow, string>();
    // One lookup of every ID number; the rows come back each once, by snapshot and row.
    const stored = snapshotIds.length === 0 ? [] : await this.rows.naming(snapshotIds, idNumbers);
    for (const { snapshotId, row } of stored) {
      snapshotOfRow.set(row, snapshotId);
      rowsByKind.get(row.kind)?.push(row);
    }
    const index = new RegistryIndex([...rowsByKind].map(([kind, rows]) => ({ kind, rows })));
    return {
      index,
      snapshots,
      snapshotOf: (row) => {
        const snapshotId = snapshotOfRow.get(row);
        invariant(snapshotId !== undefined, 'a hit names a registry row the check did not read');
        return snapshotId;
      },
    };
  }
}

function findingOf(
  hit: RuleHit,
  subjects: Map<string, CheckSubject>,
  snapshotOf: (row: RegistryRow) => string,
): ReturnType<typeof findingOfHit> {
  const subject = subjects.get(hit.subject.id);
  invariant(subject !== undefined, `hit on ${hit.subject.id}, which was not checked`);
  return findingOfHit(hit, subject, snapshotOf);
}

export function selectedRules(ids: readonly string[] | undefined): RuleDefinition[] {
  if (ids === undefined || ids.length === 0) return [...ruleCatalogue];
  return ids.map((id) => {
    const rule = findRule(id);
    invariant(rule !== undefined, `rule ${id} was checked before the job was submitted`);
    return rule;
  });
}
