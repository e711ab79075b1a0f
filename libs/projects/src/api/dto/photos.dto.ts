import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { captionLengthMax, photoStages } from '../../domain';
import { ProjectEventDto } from './views.dto';

export class PhotoUploadFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'The photo: JPEG, PNG or HEIC (where the image library reads it), judged from its bytes; at most PHOTO_BYTES_MAX bytes and 100,000,000 pixels. Its name is kept only as a label.',
  })
  file!: unknown;

  @ApiProperty({
    enum: photoStages,
    description: 'What the photo shows: before, during or after the work',
  })
  stage!: string;

  @ApiPropertyOptional({ maxLength: captionLengthMax, example: '圈舍主体施工' })
  caption?: string;
}

export class PhotoUploadedDto {
  @ApiProperty({ type: ProjectEventDto, description: 'PhotoAdded, as stored' })
  added!: ProjectEventDto;

  @ApiProperty({
    type: ProjectEventDto,
    description:
      'PhotoChecked, as stored: duplicates on other projects (exact SHA-256 or dHash within PHOTO_NEAR_DUPLICATE_BITS), capture time against the plan and the upload, distance from the site',
  })
  checked!: ProjectEventDto;
}
