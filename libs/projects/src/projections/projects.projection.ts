import type { RecordedEvent } from '@sunlight/event-store';
import { assertNever } from '@sunlight/kernel';
import type { DocumentKey, Projection, ReadDocument } from '@sunlight/read-store';
import {
  projectStreamCategory,
  type Acceptance,
  type Completion,
  type Milestone,
  type PhotoAdded,
  type PhotoCheckFacts,
  type Plan,
  type ProjectEvent,
  type ProjectStatus,
  type Suspension,
} from '../domain';
import { projectEventOf } from '../stored-events';

/*
 * The projects as read models (projection `projects`):
 * - `projects`: one document per project, its plan, status, milestones, completion, acceptance,
 *   suspension and photos with their checks. `divisionCode` is a top-level field, so a prefix
 *   query lists a township's or a county's projects.
 */

export const projectsProjectionName = 'projects';
export const projectsProjectionVersion = 1;
export const projectsCollections = { projects: 'projects' } as const;

export type PhotoEntry = Omit<PhotoAdded['data'], 'projectId'> & {
  check: Omit<PhotoCheckFacts, 'sha256'> | null;
};

export type ProjectDocument = Omit<Plan, 'site'> & {
  id: string;
  lastPosition: string;
  projectId: string;
  site: Plan['site'] | null;
  status: ProjectStatus;
  milestones: (Milestone & { milestoneId: string })[];
  completion: Completion | null;
  acceptance: Acceptance | null;
  /** Every acceptance, a failed one (不合格) included. */
  acceptances: Acceptance[];
  suspension: Suspension | null;
  photos: PhotoEntry[];
  photoCount: number;
  plannedAt: string;
  plannedBy: string | null;
  updatedAt: string;
};

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' ? at : event.recordedAt.toISOString();
}

function actorIdOf(event: RecordedEvent): string | null {
  const actor = event.metadata.actor as { id?: unknown } | undefined;
  return typeof actor?.id === 'string' ? actor.id : null;
}

export const projectsProjection: Projection = {
  name: projectsProjectionName,
  version: projectsProjectionVersion,
  filter: { on: 'streamName', prefixes: [`${projectStreamCategory}-`] },

  keysOf(event: RecordedEvent): DocumentKey[] {
    const project = projectEventOf(event);
    if (project === undefined) return [];
    return [{ collection: projectsCollections.projects, id: project.data.projectId }];
  },

  apply(current, event): Omit<ReadDocument, 'lastPosition'> {
    const project = projectEventOf(event);
    if (project === undefined) throw new Error(`invariant: ${event.type} is not a project event`);
    return applyToProject(current as ProjectDocument | undefined, project, event);
  },
};

function applyToProject(
  current: ProjectDocument | undefined,
  project: ProjectEvent,
  event: RecordedEvent,
): Omit<ProjectDocument, 'lastPosition'> {
  if (project.type === 'ProjectPlanned') {
    const { site, ...plan } = project.data;
    return {
      ...plan,
      id: plan.projectId,
      site: site ?? null,
      status: 'planned',
      milestones: [],
      completion: null,
      acceptance: null,
      acceptances: [],
      suspension: null,
      photos: [],
      photoCount: 0,
      plannedAt: occurredAt(event),
      plannedBy: actorIdOf(event),
      updatedAt: occurredAt(event),
    };
  }
  if (current === undefined) {
    throw new Error(`invariant: ${project.type} before ${project.data.projectId} was planned`);
  }
  const { lastPosition: _last, ...doc } = current;
  const next = { ...doc, updatedAt: occurredAt(event) };
  switch (project.type) {
    case 'MilestoneReached': {
      const { projectId: _id, ...milestone } = project.data;
      return {
        ...next,
        status: doc.status === 'planned' ? 'underway' : doc.status,
        milestones: [...doc.milestones, milestone],
      };
    }
    case 'ProjectCompleted': {
      const { projectId: _id, ...completion } = project.data;
      return { ...next, status: 'completed', completion };
    }
    case 'ProjectAccepted': {
      const { projectId: _id, ...acceptance } = project.data;
      return {
        ...next,
        status: acceptance.result === '合格' ? 'accepted' : 'acceptance_failed',
        acceptance,
        acceptances: [...doc.acceptances, acceptance],
      };
    }
    case 'ProjectSuspended': {
      const { projectId: _id, ...suspension } = project.data;
      return { ...next, status: 'suspended', suspension };
    }
    case 'PhotoAdded': {
      const { projectId: _id, ...photo } = project.data;
      const photos = [...doc.photos, { ...photo, check: null }];
      return { ...next, photos, photoCount: photos.length };
    }
    case 'PhotoChecked': {
      const { projectId: _id, sha256, ...check } = project.data;
      const photos = doc.photos.map((photo) =>
        photo.sha256 === sha256 ? { ...photo, check } : photo,
      );
      return { ...next, photos };
    }
    default:
      return assertNever(project, 'project event');
  }
}
