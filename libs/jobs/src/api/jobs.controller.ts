import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Jurisdiction } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse } from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import { jobIdPattern, JobNotFoundError, maySeeJob, type JobView } from '../job';
import type { JobQueues } from '../job-queues';
import { JOB_QUEUES } from '../tokens';
import { JobViewDto } from './jobs.dto';

@ApiTags('jobs (后台任务)')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':jobId')
  @Jurisdiction({
    kind: 'owner',
    why: "the submitter and users above the submitter's jurisdiction see a job",
  })
  @ApiOperation({
    summary: 'A background job: state, progress (0–100, rows done of total), result or error',
    description:
      'Roster imports, approvals and settlements run as jobs; their routes answer 202 with the ' +
      "job's id. Only the job's submitter and users whose jurisdiction lies above the " +
      "submitter's see it; to anyone else it does not exist (404). Finished jobs are kept 30 days.",
  })
  @ApiParam({
    name: 'jobId',
    description: '`<queue>.<uuid>`',
    schema: { type: 'string', pattern: jobIdPattern.source, maxLength: 100 },
    example: 'rosters.0b9f3c1e-5a7d-4e8b-9c2f-1d3e5f7a9b0c',
  })
  @ApiOkResponse({ type: JobViewDto, description: 'The job as it stands now' })
  @ApiProblemResponse(404, 'No such job, or not one the caller may see (JOBS.NOT_FOUND)')
  @ApiProblemResponse(401, 'No valid bearer token')
  async get(@Param('jobId') jobId: string, @CurrentActor() actor: Actor): Promise<JobView> {
    const job = jobIdPattern.test(jobId) ? await this.queues.find(jobId) : undefined;
    const visible =
      job !== undefined &&
      maySeeJob(actor, job.submittedBy, (code, ancestor) =>
        this.divisions.isWithin(code, ancestor),
      );
    if (!visible) throw new JobNotFoundError(jobId);
    return job;
  }
}
