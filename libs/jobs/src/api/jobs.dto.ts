import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { jobStates } from '../job';

/*
 * The OpenAPI shapes of the jobs route's answers (documentation only: the answers are built by
 * `JobQueues.find` and the problem-details filter).
 */

export class JobProgressDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 42 })
  percent!: number;
  @ApiProperty({ minimum: 0, description: 'Rows (or items) done', example: 4200 })
  done!: number;
  @ApiProperty({
    minimum: 0,
    description: 'Rows (or items) in all; 0 while unknown',
    example: 10000,
  })
  total!: number;
}

export class JobSubmitterDto {
  @ApiProperty({ example: 'u-clerk-01' })
  id!: string;
  @ApiProperty({ example: 'finance' })
  role!: string;
  @ApiProperty({ example: '530325102' })
  division!: string;
}

export class JobViewDto {
  @ApiProperty({ example: 'rosters.0b9f3c1e-5a7d-4e8b-9c2f-1d3e5f7a9b0c' })
  id!: string;
  @ApiProperty({ example: 'rosters' })
  queue!: string;
  @ApiProperty({ example: 'roster-parse', description: 'What the job does' })
  kind!: string;
  @ApiProperty({ enum: jobStates })
  state!: string;
  @ApiProperty({ type: JobProgressDto })
  progress!: JobProgressDto;
  @ApiProperty({ minimum: 0, description: 'Runs started, a run cut short by a crash included' })
  attempts!: number;
  @ApiPropertyOptional({
    description: "Once completed: the job's result (for a roster import, its counts)",
    type: 'object',
    additionalProperties: true,
  })
  result?: unknown;
  @ApiPropertyOptional({ description: 'Once failed for good: why' })
  error?: string;
  @ApiProperty({ type: JobSubmitterDto })
  submittedBy!: JobSubmitterDto;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' })
  startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Once completed or failed' })
  finishedAt?: string;
}
