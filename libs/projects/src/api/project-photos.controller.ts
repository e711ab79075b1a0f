import type { IncomingMessage } from 'node:http';
import { Controller, Get, Inject, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import type { CommandIds } from '@sunlight/event-store';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import {
  ApiProblemResponse,
  nowIso,
  RequestCommandIds,
  type OutcomeResponse,
} from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { sha256Pattern } from '../domain';
import {
  PhotoEvidence,
  photoFormFields,
  PROJECTS_OPTIONS,
  type PhotoUploadOutcome,
  type ProjectsOptions,
} from '../application/photo-evidence';
import { PhotoUploadedDto, PhotoUploadFormDto } from './dto/photos.dto';
import { readPhotoForm } from './photo-form';
import { projectReaders } from './project-queries.controller';
import { assertMayActOnProject, projectParam } from './projects.controller';

const projectJurisdiction = {
  kind: 'division',
  in: 'path',
  name: 'projectId',
  level: 'village',
  template: 'prj-{code}-1',
} as const;
const shaParam = {
  name: 'sha256',
  description: "The photo's SHA-256, 64 lower-case hex digits",
  schema: { type: 'string', pattern: sha256Pattern.source },
};
const replayedHeader = {
  'Idempotent-Replayed': {
    description:
      'true when the same photo was added to this project before and nothing new was written',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};
const immutable = 'private, max-age=31536000, immutable';

/** Photo evidence (照片佐证) of a project: upload, the original bytes, the thumbnail. */
@ApiTags('projects (扶贫项目)')
@ApiBearerAuth()
@Controller('projects')
export class ProjectPhotosController {
  constructor(
    private readonly photos: PhotoEvidence,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(PROJECTS_OPTIONS) private readonly options: ProjectsOptions,
  ) {}

  @Post(':projectId/photos')
  @Roles('village_staff', 'finance')
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary:
      'Add a photo (multipart: file, stage 开工前/施工中/完工后, caption) and record its checks',
    description:
      'The bytes are checked (type sniffed from the bytes, pixel size from the header and refused past 100,000,000 pixels before decoding, decoded whole) and kept content-addressed with a thumbnail; ' +
      'PhotoAdded records SHA-256, size, type, pixel size, a 64-bit dHash, EXIF capture time, GPS and camera (each "unknown" when absent or garbage), the uploader and the time. ' +
      'PhotoChecked then records the same or a near-identical picture on other projects, a capture time before the plan or after the upload, and the distance of the GPS from the site. ' +
      'A refused photo leaves no file and no event. The same photo again on the same project with the same stage and caption is a repeat (200). Roles: village_staff, finance, admin.',
  })
  @ApiParam(projectParam)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: PhotoUploadFormDto })
  @ApiCreatedResponse({
    type: PhotoUploadedDto,
    headers: replayedHeader,
    description: 'Added and checked',
  })
  @ApiOkResponse({
    type: PhotoUploadedDto,
    headers: replayedHeader,
    description: 'A repeat: the events written the first time',
  })
  @ApiProblemResponse(
    400,
    'stage missing or wrong, caption not valid, or the file missing, empty, not a JPEG/PNG/HEIC by its bytes, truncated, unreadable, or over the pixel limit',
  )
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the project's division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(404, 'No such project')
  @ApiProblemResponse(
    409,
    'PROJECTS.RECORD_CONFLICT: this photo is on the project already with another stage or caption',
  )
  @ApiProblemResponse(413, 'The file is larger than PHOTO_BYTES_MAX (BLOBS.TOO_LARGE)')
  @ApiProblemResponse(422, 'PROJECTS.INVALID_COMMAND: a business rule refused it')
  async upload(
    @Param('projectId') projectId: string,
    @Req() request: IncomingMessage,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<Omit<PhotoUploadOutcome, 'replayed'>> {
    assertMayActOnProject(actor, projectId, this.divisions);
    const record = await this.photos.project(projectId);
    const form = await readPhotoForm(request, {
      bytesMax: this.options.photoBytesMax,
      fieldNames: photoFormFields,
    });
    const outcome = await this.photos.add({
      projectId,
      record,
      fields: form.fields,
      file: form.file,
      actor,
      occurredAt: nowIso(),
      ids,
    });
    response.setHeader('Idempotent-Replayed', String(outcome.replayed));
    response.status(outcome.replayed ? 200 : 201);
    return { added: outcome.added, checked: outcome.checked };
  }

  @Get(':projectId/photos/:sha256')
  @Roles(...projectReaders)
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'The photo exactly as uploaded, with its SHA-256 as the ETag',
    description:
      'Streamed from the content-addressed store, cacheable for good (the bytes never change under their name).',
  })
  @ApiParam(projectParam)
  @ApiParam(shaParam)
  @ApiProduces('image/jpeg', 'image/png', 'image/heic')
  @ApiOkResponse({
    description: 'The original bytes',
    content: {
      'image/jpeg': { schema: { type: 'string', format: 'binary' } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'image/heic': { schema: { type: 'string', format: 'binary' } },
    },
    headers: {
      ETag: { description: 'The SHA-256 of the bytes, quoted', schema: { type: 'string' } },
    },
  })
  @ApiProblemResponse(400, 'sha256 is not 64 lower-case hex digits')
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the project's division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(404, 'No such project or photo, or its file is missing from the store')
  async original(
    @Param('projectId') projectId: string,
    @Param('sha256') sha256: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<StreamableFile> {
    assertMayActOnProject(actor, projectId, this.divisions);
    requireSha(sha256);
    const photo = await this.photos.photo(projectId, sha256);
    return this.serve(response, photo.sha256, photo.mimeType);
  }

  @Get(':projectId/photos/:sha256/thumbnail')
  @Roles(...projectReaders)
  @Jurisdiction(projectJurisdiction)
  @ApiOperation({
    summary: 'A small JPEG of the photo (at most 320 pixels a side), made once when it arrived',
    description:
      'Kept in the content-addressed store under its own SHA-256 (the ETag) and cacheable for good.',
  })
  @ApiParam(projectParam)
  @ApiParam(shaParam)
  @ApiProduces('image/jpeg')
  @ApiOkResponse({
    description: 'The thumbnail',
    content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
    headers: {
      ETag: { description: "The thumbnail's SHA-256, quoted", schema: { type: 'string' } },
    },
  })
  @ApiProblemResponse(400, 'sha256 is not 64 lower-case hex digits')
  @ApiProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ApiProblemResponse(
    403,
    "Role not allowed, or the project's division lies outside the caller's jurisdiction",
  )
  @ApiProblemResponse(404, 'No such project or photo, or its thumbnail is missing from the store')
  async thumbnail(
    @Param('projectId') projectId: string,
    @Param('sha256') sha256: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<StreamableFile> {
    assertMayActOnProject(actor, projectId, this.divisions);
    requireSha(sha256);
    const photo = await this.photos.photo(projectId, sha256);
    return this.serve(response, photo.thumbnailSha256, 'image/jpeg');
  }

  private async serve(
    response: OutcomeResponse,
    sha256: string,
    type: string,
  ): Promise<StreamableFile> {
    response.setHeader('ETag', `"${sha256}"`);
    response.setHeader('Cache-Control', immutable);
    const { stream, bytes } = await this.blobs.open(sha256);
    return new StreamableFile(stream, { type, length: bytes });
  }
}

function requireSha(sha256: string): void {
  if (!sha256Pattern.test(sha256)) {
    throw new RequestFieldError('sha256', 'must be 64 lower-case hex digits');
  }
}
