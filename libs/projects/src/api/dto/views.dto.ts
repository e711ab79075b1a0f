import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  acceptanceResults,
  photoMimeTypes,
  photoStages,
  projectCategories,
  projectEventTypes,
  projectStatuses,
} from '../../domain';

/*
 * The shapes the project routes answer with, for the OpenAPI document.
 */

const freeObject = { type: 'object', additionalProperties: true } as const;

export class ProjectEventDto {
  @ApiProperty({ example: 'project-prj-530325102202-1' }) streamName!: string;
  @ApiProperty({ description: '0-based place in the stream, as a decimal string', example: '0' })
  revision!: string;
  @ApiProperty({ description: 'Global position in the log (opaque)', example: '42' })
  position!: string;
  @ApiProperty({ description: 'UUID; the idempotency key within the stream' }) eventId!: string;
  @ApiProperty({ description: 'Event type (docs/projects-events.md)', enum: projectEventTypes })
  type!: string;
  @ApiProperty({ description: "The event's data (docs/projects-events.md)", ...freeObject })
  data!: Record<string, unknown>;
  @ApiProperty({
    description:
      'actor {id, role, division}, occurredAt, commandId, correlationId, causationId, schemaVersion; reason for a suspension',
    ...freeObject,
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({
    description: 'When the store wrote it (UTC)',
    example: '2026-03-01T08:00:00.123Z',
  })
  recordedAt!: string;
}

export class MilestoneViewDto {
  @ApiProperty({ example: 'm1' }) milestoneId!: string;
  @ApiProperty({ example: '圈舍主体完工' }) name!: string;
  @ApiProperty({ example: '2026-05-20' }) date!: string;
  @ApiPropertyOptional() note?: string;
}

export class AcceptanceViewDto {
  @ApiProperty({ example: '富源县乡村振兴局' }) acceptedBy!: string;
  @ApiProperty({ enum: acceptanceResults }) result!: string;
  @ApiProperty() remarks!: string;
  @ApiProperty({ example: '2026-05-31' }) date!: string;
}

export class PhotoViewDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty({ example: 2_345_678 }) bytes!: number;
  @ApiProperty({ enum: photoMimeTypes }) mimeType!: string;
  @ApiProperty({ example: 1600 }) width!: number;
  @ApiProperty({ example: 1200 }) height!: number;
  @ApiProperty({ description: '64-bit dHash, 16 hex digits', pattern: '^[0-9a-f]{16}$' })
  dHash!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) thumbnailSha256!: string;
  @ApiProperty({ enum: photoStages }) stage!: string;
  @ApiPropertyOptional() caption?: string;
  @ApiProperty({ description: 'The name the client gave, as a label only' }) fileName!: string;
  @ApiProperty({
    description: 'EXIF capture time as ISO 8601, or "unknown"',
    example: '2026-05-20T10:31:00+08:00',
  })
  capturedAt!: string;
  @ApiProperty({
    description: 'EXIF GPS {latitude, longitude}, or "unknown"',
    oneOf: [
      {
        type: 'object',
        properties: { latitude: { type: 'number' }, longitude: { type: 'number' } },
        required: ['latitude', 'longitude'],
      },
      { type: 'string', enum: ['unknown'] },
    ],
  })
  gps!: unknown;
  @ApiProperty({ description: 'Camera make and model, or "unknown"' }) camera!: string;
  @ApiProperty() uploadedBy!: string;
  @ApiProperty() uploadedAt!: string;
  @ApiProperty({
    description:
      'The checks recorded (PhotoChecked): duplicates on other projects, capture time, distance from the site; null until recorded',
    nullable: true,
    ...freeObject,
  })
  check!: Record<string, unknown> | null;
  @ApiProperty({ description: 'GET this for the original bytes' }) url!: string;
  @ApiProperty({ description: 'GET this for a small JPEG' }) thumbnailUrl!: string;
}

export class ProjectSummaryDto {
  @ApiProperty({ example: 'prj-530325102202-1' }) projectId!: string;
  @ApiProperty({ example: '530325102202' }) divisionCode!: string;
  @ApiProperty({ nullable: true, type: String, example: '营上村委会' }) divisionName!:
    string | null;
  @ApiProperty({ enum: ['village', 'township'] }) divisionLevel!: string;
  @ApiProperty({ enum: projectCategories }) category!: string;
  @ApiProperty({ example: '营上村生猪养殖项目' }) name!: string;
  @ApiProperty({ description: 'Yuan', example: '180000.00' }) budget!: string;
  @ApiProperty({ enum: projectStatuses }) status!: string;
  @ApiProperty({ example: 3 }) photoCount!: number;
  @ApiProperty({ example: '2026-03-01' }) plannedStart!: string;
  @ApiProperty({ example: '2026-12-31' }) plannedEnd!: string;
}

export class ProjectTransferDto {
  @ApiProperty({ example: 'fy-2026-001' }) fundId!: string;
  @ApiProperty({ example: 'd-0042' }) transferId!: string;
  @ApiProperty({ description: "The paying pool's division", example: '530325102' })
  divisionCode!: string;
  @ApiProperty({ description: 'Yuan', example: '54000.00' }) amount!: string;
  @ApiProperty({ description: 'Reversed or recovered so far, yuan', example: '0.00' })
  returned!: string;
  @ApiProperty({
    enum: ['requested', 'approved', 'rejected', 'paid', 'failed', 'reversed', 'recovered'],
  })
  status!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ nullable: true, type: String }) approvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) bankReference!: string | null;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ nullable: true, type: String }) paidAt!: string | null;
}

export class ProjectFundingDto {
  @ApiProperty({ description: 'Budget, yuan', example: '180000.00' }) budget!: string;
  @ApiProperty({
    description: 'Settled by the bank less reversals and recoveries, yuan',
    example: '54000.00',
  })
  paid!: string;
  @ApiProperty({ description: 'Requested or approved, not yet settled, yuan', example: '0.00' })
  pending!: string;
  @ApiProperty({ description: 'paid ÷ budget, percent with one decimal', example: '30.0' })
  paidPercentOfBudget!: string;
  @ApiProperty({ type: [ProjectTransferDto], description: 'Every disbursement to the project' })
  transfers!: ProjectTransferDto[];
}

export class ProjectViewDto extends ProjectSummaryDto {
  @ApiProperty({ type: ProjectFundingDto }) funding!: ProjectFundingDto;
  @ApiProperty({ ...freeObject, description: '{name, creditCode?}' }) implementer!: object;
  @ApiProperty({ ...freeObject, description: '{name, phone?}' }) responsiblePerson!: object;
  @ApiProperty({ ...freeObject, description: '{householdIds, idNumbers}' }) beneficiaries!: object;
  @ApiProperty({ type: [String] }) expectedOutputs!: string[];
  @ApiProperty({
    nullable: true,
    description: 'The site {latitude, longitude}, when given',
    ...freeObject,
  })
  site!: object | null;
  @ApiProperty({ type: [MilestoneViewDto] }) milestones!: MilestoneViewDto[];
  @ApiProperty({ nullable: true, ...freeObject, description: '{date, note?}' })
  completion!: object | null;
  @ApiProperty({
    nullable: true,
    ...freeObject,
    description: 'The latest acceptance {acceptedBy, result (合格/不合格), remarks, date}',
  })
  acceptance!: AcceptanceViewDto | null;
  @ApiProperty({ type: [AcceptanceViewDto], description: 'Every acceptance, failed ones included' })
  acceptances!: AcceptanceViewDto[];
  @ApiProperty({ nullable: true, ...freeObject, description: '{reasons, date}' })
  suspension!: object | null;
  @ApiProperty({ type: [PhotoViewDto] }) photos!: PhotoViewDto[];
  @ApiProperty({ example: '2026-03-01T08:00:00+08:00' }) plannedAt!: string;
  @ApiProperty({ nullable: true, type: String }) plannedBy!: string | null;
  @ApiProperty() updatedAt!: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectSummaryDto] }) items!: ProjectSummaryDto[];
  @ApiProperty({ example: 1 }) total!: number;
  @ApiProperty({ example: 20 }) limit!: number;
  @ApiProperty({ example: 0 }) offset!: number;
}
