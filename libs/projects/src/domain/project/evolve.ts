import { evolveWith } from '@sunlight/kernel';
import type { ProjectEvent } from './events';
import type { ProjectState } from './state';

/** How each project event changes the decider's state; the decider has checked the order. */
export const evolveProject = evolveWith<ProjectState, ProjectEvent>(
  {
    ProjectPlanned: (state, { data: { projectId: _id, ...plan } }) => ({
      ...state,
      plan,
      status: 'planned',
    }),
    MilestoneReached: (state, { data: { projectId: _id, milestoneId, ...milestone } }) => ({
      ...state,
      status: state.status === 'planned' ? 'underway' : state.status,
      milestones: new Map(state.milestones).set(milestoneId, milestone),
    }),
    ProjectCompleted: (state, { data: { projectId: _id, ...completion } }) => ({
      ...state,
      status: 'completed',
      completion,
    }),
    ProjectAccepted: (state, { data: { projectId: _id, ...acceptance } }) => ({
      ...state,
      status: acceptance.result === '合格' ? 'accepted' : 'acceptance_failed',
      acceptance,
    }),
    ProjectSuspended: (state, { data: { projectId: _id, ...suspension } }) => ({
      ...state,
      status: 'suspended',
      suspension,
    }),
    PhotoAdded: (state, { data: { projectId: _id, ...photo } }) => ({
      ...state,
      photos: new Map(state.photos).set(photo.sha256, { ...photo, checked: false }),
    }),
    PhotoChecked: (state, { data: { sha256 } }) => {
      const photo = state.photos.get(sha256);
      if (photo === undefined)
        throw new Error(`invariant: PhotoChecked of unknown photo ${sha256}`);
      return { ...state, photos: new Map(state.photos).set(sha256, { ...photo, checked: true }) };
    },
  },
  'project',
);
