import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registryKinds } from '../../domain';

export class RegistryUploadFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The registry copy: CSV (UTF-8 with or without BOM, or GB18030) or XLSX (first sheet), with the Chinese or English headers formats.md lists for its kind; at most UPLOAD_BYTES_MAX bytes',
  })
  file!: unknown;
  @ApiProperty({
    pattern: '^(\\d{2}|\\d{4}|\\d{6}|\\d{9}|\\d{12})$',
    example: '530325',
    description: 'The area the copy covers: checks of lines inside it may use it',
  })
  divisionCode!: string;
  @ApiProperty({
    example: '2019-01-31',
    maxLength: 20,
    description:
      'The day the department’s copy describes (YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日); not in the future',
  })
  asOf!: string;
}

export class RegistryUploadAcceptedDto {
  @ApiProperty({ example: 'rg-vehicles-530325-7f3a9c2b1d4e' }) snapshotId!: string;
  @ApiProperty({
    example: 'registries.0b9f3c1e-5a7d-4e8b-9c2f-1d3e5f7a9b0c',
    description: 'GET /jobs/{jobId}',
  })
  jobId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) fileSha256!: string;
  @ApiProperty({ minimum: 1 }) bytes!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
}

class RegistryFileDto {
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty() name!: string;
  @ApiProperty() bytes!: number;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format!: string;
  @ApiPropertyOptional({ enum: ['utf-8', 'gb18030'], description: 'CSV only' }) encoding?: string;
}

class UploaderDto {
  @ApiProperty() id!: string;
  @ApiProperty() role!: string;
  @ApiProperty() division!: string;
}

class RejectionDto {
  @ApiProperty({ description: '1-based data row (the header is not counted)' }) row!: number;
  @ApiProperty({ example: 'owner_id' }) field!: string;
  @ApiProperty() reason!: string;
}

export class RegistrySnapshotDto {
  @ApiProperty({ example: 'rg-vehicles-530325-7f3a9c2b1d4e' }) snapshotId!: string;
  @ApiProperty({ enum: registryKinds }) kind!: string;
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ example: '2019-01-31' }) asOf!: string;
  @ApiProperty({ enum: ['importing', 'imported'] }) status!: string;
  @ApiProperty({ type: RegistryFileDto }) file!: RegistryFileDto;
  @ApiProperty({ type: UploaderDto }) uploadedBy!: UploaderDto;
  @ApiProperty() importJobId!: string;
  @ApiPropertyOptional({ description: 'Rows kept for matching, once imported' }) rows?: number;
  @ApiPropertyOptional({ description: 'Lines refused, once imported' }) rejectedRows?: number;
  @ApiPropertyOptional({ type: [RejectionDto], description: 'The first 100 refused lines' })
  rejections?: RejectionDto[];
}

class ImportedSnapshotDto {
  @ApiProperty({ example: 'rg-vehicles-530325-7f3a9c2b1d4e' }) snapshotId!: string;
  @ApiProperty({ example: '2019-01-31' }) asOf!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) fileSha256!: string;
  @ApiProperty({ description: 'Rows kept for matching' }) rows!: number;
  @ApiProperty({ description: 'Whether new cross-checks use this snapshot' }) inForce!: boolean;
}

export class RegistrySnapshotListDto {
  @ApiProperty({ enum: registryKinds }) kind!: string;
  @ApiProperty({ example: '530325' }) divisionCode!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The snapshot in force, if any' })
  inForce!: string | null;
  @ApiProperty({
    type: [ImportedSnapshotDto],
    description: 'Newest (by asOf) first; at most 1,000',
  })
  snapshots!: ImportedSnapshotDto[];
}
