import { AppError, type Actor } from '@sunlight/kernel';

/*
 * What the app knows of a background job, free of BullMQ: its id, who submitted it, its progress
 * and its outcome. A job id names its queue (`<queue>.<uuid>`), so one route finds any job.
 */

export const jobStates = ['waiting', 'delayed', 'active', 'completed', 'failed'] as const;
export type JobState = (typeof jobStates)[number];

/** Queue names: lower-case words joined by `-`; no `.`, which separates the queue in a job id. */
export const queueNamePattern = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const jobIdPattern =
  /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Work done so far: rows (or items) done out of the total, and the percentage they make. */
export interface JobProgress {
  readonly percent: number;
  readonly done: number;
  readonly total: number;
}

/** Who submitted a job: only they and users above their jurisdiction may see it. */
export interface JobSubmitter {
  readonly id: string;
  readonly role: string;
  readonly division: string;
}

export interface JobView {
  readonly id: string;
  readonly queue: string;
  /** What the job does (`roster-parse`, `roster-approve`, …). */
  readonly kind: string;
  readonly state: JobState;
  readonly progress: JobProgress;
  readonly attempts: number;
  /** Present once completed: what the processor returned. */
  readonly result?: unknown;
  /** Present once failed for good (every attempt used). */
  readonly error?: string;
  readonly submittedBy: JobSubmitter;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export function jobProgress(done: number, total: number): JobProgress {
  const percent = total <= 0 ? 0 : Math.min(100, Math.floor((done * 100) / total));
  return { percent, done, total };
}

export function queueOfJobId(jobId: string): string | undefined {
  if (!jobIdPattern.test(jobId)) return undefined;
  return jobId.slice(0, jobId.indexOf('.'));
}

/**
 * The submitter sees their job; so does anyone whose jurisdiction lies strictly above the
 * submitter's (a county's commission sees a township clerk's import). Nobody else learns of it.
 */
export function maySeeJob(
  actor: Actor,
  submitter: JobSubmitter,
  isWithin: (code: string, ancestor: string) => boolean,
): boolean {
  if (actor.id === submitter.id) return true;
  return actor.division !== submitter.division && isWithin(submitter.division, actor.division);
}

export class JobNotFoundError extends AppError {
  override readonly name = 'JobNotFoundError';
  readonly code = 'JOBS.NOT_FOUND';
  readonly httpStatus = 404;
  override readonly title = 'Job not found';

  constructor(readonly jobId: string) {
    super(`No job ${jobId} that you may see`, { jobId });
  }
}

export class UnknownQueueError extends Error {
  override readonly name = 'UnknownQueueError';
  constructor(queue: string) {
    super(`no queue ${queue} is defined`);
  }
}
