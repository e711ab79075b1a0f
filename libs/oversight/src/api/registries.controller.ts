import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import { BLOB_STORE, keepAdmitted, readMultipartUpload, type BlobStore } from '@sunlight/blobs';
import type { CommandIds } from '@sunlight/event-store';
import { anyDivisionCodePattern, DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { ApiProblemResponse, RequestCommandIds, todayInChina } from '@sunlight/http';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import {
  RegistryQueries,
  type RegistrySnapshotList,
  type RegistrySnapshotSummary,
} from '../application/registry-queries';
import {
  RegistryUpload,
  registryUploadFields,
  type RegistryUploadAccepted,
} from '../application/registry-upload';
import {
  divisionOfSnapshotId,
  registryKinds,
  registrySnapshotIdPattern,
  type RegistryKind,
} from '../domain';
import { RegistrySnapshotNotFoundError } from '../oversight.errors';
import {
  RegistrySnapshotDto,
  RegistrySnapshotListDto,
  RegistryUploadAcceptedDto,
  RegistryUploadFormDto,
} from './dto/registries.dto';

export const OVERSIGHT_OPTIONS = 'OVERSIGHT_OPTIONS';
export interface OversightOptions {
  /** UPLOAD_BYTES_MAX */
  uploadBytesMax: number;
}

const kindParam = {
  name: 'kind',
  description: 'Which registry (formats.md lists the columns of each)',
  schema: { type: 'string', enum: [...registryKinds], example: 'vehicles' },
} as const;

function kindOf(text: string): RegistryKind {
  if (!(registryKinds as readonly string[]).includes(text))
    throw new RequestFieldError('kind', `must be one of ${registryKinds.join(', ')}`);
  return text as RegistryKind;
}

/** Other departments' registries (比对数据), imported by discipline commissions. */
@ApiTags('oversight (监督)')
@ApiBearerAuth()
@Controller('registries')
export class RegistriesController {
  constructor(
    private readonly uploads: RegistryUpload,
    private readonly queries: RegistryQueries,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
    @Inject(OVERSIGHT_OPTIONS) private readonly options: OversightOptions,
  ) {}

  @Post(':kind/snapshots')
  @HttpCode(202)
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'body', name: 'divisionCode' })
  @ApiOperation({
    summary:
      'Import a dated copy (snapshot) of another department’s registry; a job keeps its rows',
    description:
      'Answers 202 with the snapshot id and its import job (GET /jobs/{jobId}). The file is stored ' +
      'content-addressed (SHA-256) and recorded in RegistrySnapshotUploaded; the job reads every line, ' +
      'keeps the valid ones for matching and records RegistrySnapshotImported with the counts and the ' +
      'first refused lines. The same file for the same kind and division is refused (409). ' +
      'Roles: commission, admin.',
  })
  @ApiParam(kindParam)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RegistryUploadFormDto })
  @ApiAcceptedResponse({ type: RegistryUploadAcceptedDto })
  @ApiProblemResponse(
    400,
    'The kind, a form field or the file is not valid (the answer names it and, for headers, lists the expected ones)',
  )
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, 'The division is outside your jurisdiction, or your role may not import')
  @ApiProblemResponse(
    409,
    'The same file was imported before for this kind and division (OVERSIGHT.DUPLICATE_FILE)',
  )
  @ApiProblemResponse(413, 'The file is larger than UPLOAD_BYTES_MAX (BLOBS.TOO_LARGE)')
  async upload(
    @Param('kind') kindText: string,
    @Req() request: IncomingMessage,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
  ): Promise<RegistryUploadAccepted> {
    const kind = kindOf(kindText);
    const upload = await readMultipartUpload(request, {
      blobs: this.blobs,
      bytesMax: this.options.uploadBytesMax,
      fieldNames: registryUploadFields,
    });
    if (upload.file === undefined) throw new RequestFieldError('file', 'is required');
    await keepAdmitted(upload.file, () => this.uploads.admit(upload.fields, actor));
    return this.uploads.upload({
      kind,
      form: upload.fields,
      file: upload.file,
      actor,
      ids,
      today: todayInChina(),
    });
  }

  @Get(':kind/snapshots')
  @Roles('commission')
  @Jurisdiction({ kind: 'division', in: 'query', name: 'division' })
  @ApiOperation({
    summary: 'The imported snapshots of a kind for one division, and which is in force',
    description:
      'The snapshot in force is the newest by asOf (of two with the same asOf, the one imported ' +
      'last): new cross-checks of this division and below use it; findings raised before keep ' +
      "naming the snapshot they used. division defaults to the caller's jurisdiction. Snapshots " +
      'still importing are not listed. Roles: commission, admin.',
  })
  @ApiParam(kindParam)
  @ApiQuery({
    name: 'division',
    required: false,
    description: 'The division the snapshots were imported for (2–12 digits)',
    schema: { type: 'string', pattern: anyDivisionCodePattern.source, example: '530325' },
  })
  @ApiOkResponse({ type: RegistrySnapshotListDto })
  @ApiProblemResponse(400, 'The kind or the division is not valid')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(
    403,
    'The division is outside your jurisdiction, or your role may not read registries',
  )
  async list(
    @Param('kind') kindText: string,
    @Query('division') divisionText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<RegistrySnapshotList> {
    const kind = kindOf(kindText);
    const division = divisionText ?? actor.division;
    if (
      typeof division !== 'string' ||
      !/^\d{2,12}$/.test(division) ||
      !this.divisions.has(division)
    )
      throw new RequestFieldError('division', 'must be a known division code');
    assertWithinJurisdiction(actor, division, this.divisions);
    return this.queries.list(kind, division);
  }

  @Get(':kind/snapshots/:snapshotId')
  @Roles('commission')
  @Jurisdiction({
    kind: 'division',
    in: 'path',
    name: 'snapshotId',
    template: 'rg-vehicles-{code}-000000000000',
  })
  @ApiOperation({
    summary: 'A registry snapshot: its file, who imported it, and what the import kept and refused',
    description: 'Roles: commission, admin.',
  })
  @ApiParam(kindParam)
  @ApiParam({
    name: 'snapshotId',
    schema: {
      type: 'string',
      pattern: registrySnapshotIdPattern.source,
      maxLength: 48,
      example: 'rg-vehicles-530325-7f3a9c2b1d4e',
    },
  })
  @ApiOkResponse({ type: RegistrySnapshotDto })
  @ApiProblemResponse(400, 'The kind or the snapshot id is malformed')
  @ApiProblemResponse(401, 'No valid bearer token')
  @ApiProblemResponse(403, "The snapshot's division is outside your jurisdiction")
  @ApiProblemResponse(404, 'No such snapshot (OVERSIGHT.UNKNOWN_SNAPSHOT)')
  async get(
    @Param('kind') kindText: string,
    @Param('snapshotId') snapshotId: string,
    @CurrentActor() actor: Actor,
  ): Promise<RegistrySnapshotSummary> {
    const kind = kindOf(kindText);
    if (snapshotId.length > 48)
      throw new RequestFieldError('snapshotId', 'is at most 48 characters');
    const division = divisionOfSnapshotId(snapshotId);
    if (division === undefined)
      throw new RequestFieldError('snapshotId', `must match ${registrySnapshotIdPattern.source}`);
    // A snapshot is found under its own kind only.
    if (this.divisions.get(division) === undefined || !snapshotId.startsWith(`rg-${kind}-`))
      throw new RegistrySnapshotNotFoundError(snapshotId);
    assertWithinJurisdiction(actor, division, this.divisions);
    return this.queries.summary(snapshotId);
  }
}
