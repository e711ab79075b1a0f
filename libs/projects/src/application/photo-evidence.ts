import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { BLOB_STORE, type BlobStore } from '@sunlight/blobs';
import {
  EVENT_STORE,
  type CommandIds,
  type CommandOutcome,
  type EventStore,
} from '@sunlight/event-store';
import { RequestFieldError, type Actor } from '@sunlight/kernel';
import { humanTextProblem } from '@sunlight/kernel';
import {
  captionLengthMax,
  checkPhoto,
  photoStages,
  PhotoNotFoundError,
  ProjectNotFoundError,
  projectDecider,
  projectStreamName,
  type PhotoStage,
  type Photo,
  type ProjectState,
} from '../domain';
import { toProjectEvent } from '../stored-events';
import { analysePhoto } from './photo-analysis';
import { PhotoIndexService } from './photo-index.service';
import { RunProjectCommand } from './projects.commands';

export const PROJECTS_OPTIONS = 'PROJECTS_OPTIONS';
export interface ProjectsOptions {
  /** PHOTO_BYTES_MAX */
  photoBytesMax: number;
  /** PHOTO_NEAR_DUPLICATE_BITS */
  photoNearDuplicateBits: number;
  /** PHOTO_SITE_DISTANCE_METRES */
  photoSiteDistanceMetres: number;
}

export const photoFormFields = ['stage', 'caption'] as const;

/** A project as its stream holds it, with the time it was planned. */
interface ProjectRecord {
  state: ProjectState;
  plannedAt: string;
}

export interface PhotoUploadOutcome {
  replayed: boolean;
  added: CommandOutcome['event'];
  checked: CommandOutcome['event'];
}

/**
 * Photo evidence: a checked photo becomes PhotoAdded (its bytes and thumbnail in the blob store
 * first), then its checks against the rest of the log become PhotoChecked. Nothing is stored for
 * a photo that is refused.
 */
@Injectable()
export class PhotoEvidence {
  constructor(
    private readonly commands: CommandBus,
    private readonly photoIndex: PhotoIndexService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PROJECTS_OPTIONS) private readonly options: ProjectsOptions,
  ) {}

  /** The project folded from its stream; 404 when it was never planned. */
  async project(projectId: string): Promise<ProjectRecord> {
    let state = projectDecider.initialState();
    let plannedAt: string | undefined;
    for await (const recorded of this.store.readStream(projectStreamName(projectId))) {
      const event = toProjectEvent(recorded);
      if (event.type === 'ProjectPlanned' && typeof recorded.metadata.occurredAt === 'string') {
        plannedAt = recorded.metadata.occurredAt;
      }
      state = projectDecider.evolve(state, event);
    }
    if (state.plan === undefined || plannedAt === undefined) {
      throw new ProjectNotFoundError(projectId);
    }
    return { state, plannedAt };
  }

  async photo(projectId: string, sha256: string): Promise<Photo> {
    const { state } = await this.project(projectId);
    const photo = state.photos.get(sha256);
    if (photo === undefined) throw new PhotoNotFoundError(projectId, sha256);
    return photo;
  }

  async add(input: {
    projectId: string;
    record: ProjectRecord;
    fields: Record<string, string>;
    file: { bytes: Buffer; name: string } | undefined;
    actor: Actor;
    occurredAt: string;
    ids: CommandIds;
  }): Promise<PhotoUploadOutcome> {
    const { stage, caption } = formFields(input.fields);
    if (input.file === undefined) throw new RequestFieldError('file', 'is required');
    const analysis = await analysePhoto(input.file.bytes);
    const original = await this.blobs.put(input.file.bytes, {
      bytesMax: this.options.photoBytesMax,
    });
    const thumbnail = await this.blobs.put(analysis.thumbnail, {
      bytesMax: this.options.photoBytesMax,
    });
    const added = await this.commands.execute(
      new RunProjectCommand(
        {
          type: 'AddPhoto',
          projectId: input.projectId,
          actor: input.actor,
          occurredAt: input.occurredAt,
          sha256: original.sha256,
          bytes: original.bytes,
          mimeType: analysis.mimeType,
          width: analysis.width,
          height: analysis.height,
          dHash: analysis.dHash,
          thumbnailSha256: thumbnail.sha256,
          stage,
          ...(caption === undefined ? {} : { caption }),
          fileName: input.file.name,
          capturedAt: analysis.capturedAt,
          gps: analysis.gps,
          camera: analysis.camera,
          uploadedBy: input.actor.id,
          uploadedAt: input.occurredAt,
        },
        input.ids,
      ),
    );
    // A repeat of an upload whose check was lost (a crash between the two) records it now.
    const photo = added.event.data as { uploadedAt: string; capturedAt: string; gps: Photo['gps'] };
    const plan = input.record.state.plan;
    const facts = checkPhoto({
      projectId: input.projectId,
      photo: {
        sha256: original.sha256,
        capturedAt: photo.capturedAt,
        gps: photo.gps,
        uploadedAt: photo.uploadedAt,
      },
      plannedAt: input.record.plannedAt,
      site: plan?.site,
      nearMatches: await this.photoIndex.near(analysis.dHash, this.options.photoNearDuplicateBits),
      hammingDistanceMax: this.options.photoNearDuplicateBits,
      siteDistanceMetresMax: this.options.photoSiteDistanceMetres,
    });
    const checked = await this.commands.execute(
      new RunProjectCommand(
        {
          type: 'RecordPhotoCheck',
          projectId: input.projectId,
          actor: input.actor,
          occurredAt: input.occurredAt,
          sha256: original.sha256,
          ...facts,
        },
        { ...input.ids, commandId: `${input.ids.commandId}:check` },
      ),
    );
    return { replayed: added.replayed, added: added.event, checked: checked.event };
  }
}

function formFields(fields: Record<string, string>): { stage: PhotoStage; caption?: string } {
  const stage = fields.stage;
  if (stage === undefined || !(photoStages as readonly string[]).includes(stage)) {
    throw new RequestFieldError(
      'stage',
      `is required and must be one of ${photoStages.join(', ')}`,
    );
  }
  const caption = fields.caption;
  if (caption !== undefined) {
    const problem = humanTextProblem(caption, captionLengthMax);
    if (problem !== undefined) throw new RequestFieldError('caption', problem);
  }
  return { stage: stage as PhotoStage, ...(caption === undefined ? {} : { caption }) };
}
