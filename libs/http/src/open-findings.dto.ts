import { ApiProperty } from '@nestjs/swagger';

/*
 * The open findings (疑点) a roster's view, a household's card and a person's payment history show
 * beside what they describe (OpenFindings in libs/kernel): the rule that raised each and where it
 * stands. GET /findings/{id} has the evidence.
 */

export class OpenFindingDto {
  @ApiProperty({ example: 'fd-530325102201-0123456789abcdef01234567' }) findingId!: string;
  @ApiProperty({
    example: 'vehicle-owner',
    description: 'The rule that raised it (GET /rules/{id})',
  })
  ruleId!: string;
  @ApiProperty({ enum: ['raised', 'assigned', 'reopened'] }) status!: string;
  @ApiProperty({ description: 'The person the finding is about' }) subjectName!: string;
  @ApiProperty({ type: String, nullable: true }) rosterId!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The roster row (header is row 1)' })
  row!: number | null;
  @ApiProperty({ format: 'date-time' }) raisedAt!: string;
}

export class OpenFindingsDto {
  @ApiProperty({
    type: [OpenFindingDto],
    description: 'The first 100, oldest first (by row on a roster)',
  })
  items!: OpenFindingDto[];
  @ApiProperty({ description: 'Open findings in all' }) total!: number;
}
