import { deciderSpec } from '@sunlight/kernel/testing';
import type { Actor } from '@sunlight/kernel';
import {
  InvalidProjectCommandError,
  PhotoNotFoundError,
  projectDecider,
  ProjectAlreadyPlannedError,
  ProjectNotFoundError,
  ProjectRecordConflictError,
  ProjectWrongStatusError,
  type AddPhoto,
  type PhotoAdded,
  type PlanProject,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectPlanned,
} from '.';

const { given } = deciderSpec(projectDecider);
const actor: Actor = { id: 'clerk-ys', role: 'village_staff', division: '530325102' };
const projectId = 'prj-530325102202-1';
const occurredAt = '2026-06-01T08:00:00+08:00';
const context = { actor, occurredAt, projectId };

const plan: PlanProject = {
  type: 'PlanProject',
  ...context,
  divisionCode: '530325102202',
  divisionLevel: 'village',
  category: '产业',
  name: '营上村生猪养殖项目',
  budget: '180000.00',
  implementer: { name: '富源县营上养殖专业合作社', creditCode: '93530325MA6K12345X' },
  responsiblePerson: { name: '李四', phone: '13800000000' },
  plannedStart: '2026-03-01',
  plannedEnd: '2026-12-31',
  beneficiaries: { householdIds: ['hh-530325102202-17'], idNumbers: [] },
  expectedOutputs: ['圈舍 400 平方米', '仔猪 200 头'],
};

const planned: ProjectPlanned = {
  type: 'ProjectPlanned',
  data: {
    projectId,
    divisionCode: '530325102202',
    divisionLevel: 'village',
    category: '产业',
    name: '营上村生猪养殖项目',
    budgetFen: '18000000',
    implementer: { name: '富源县营上养殖专业合作社', creditCode: '93530325MA6K12345X' },
    responsiblePerson: { name: '李四', phone: '13800000000' },
    plannedStart: '2026-03-01',
    plannedEnd: '2026-12-31',
    beneficiaries: { householdIds: ['hh-530325102202-17'], idNumbers: [] },
    expectedOutputs: ['圈舍 400 平方米', '仔猪 200 头'],
  },
};

const milestone: ProjectCommand = {
  type: 'ReachMilestone',
  ...context,
  milestoneId: 'm1',
  name: '圈舍主体完工',
  date: '2026-05-20',
};
const milestoneReached: ProjectEvent = {
  type: 'MilestoneReached',
  data: { projectId, milestoneId: 'm1', name: '圈舍主体完工', date: '2026-05-20' },
};
const complete: ProjectCommand = { type: 'CompleteProject', ...context, date: '2026-05-30' };
const completed: ProjectEvent = {
  type: 'ProjectCompleted',
  data: { projectId, date: '2026-05-30' },
};
const accept = (result: '合格' | '不合格'): ProjectCommand => ({
  type: 'AcceptProject',
  ...context,
  acceptedBy: '富源县乡村振兴局',
  result,
  remarks: '现场核验',
  date: '2026-05-31',
});
const accepted = (result: '合格' | '不合格'): ProjectEvent => ({
  type: 'ProjectAccepted',
  data: {
    projectId,
    acceptedBy: '富源县乡村振兴局',
    result,
    remarks: '现场核验',
    date: '2026-05-31',
  },
});
const suspend: ProjectCommand = {
  type: 'SuspendProject',
  ...context,
  reasons: ['实施单位资金挪用，县纪委立案'],
  date: '2026-05-25',
};
const suspended: ProjectEvent = {
  type: 'ProjectSuspended',
  data: { projectId, reasons: ['实施单位资金挪用，县纪委立案'], date: '2026-05-25' },
};

const sha256 = 'a'.repeat(64);
const addPhoto: AddPhoto = {
  type: 'AddPhoto',
  ...context,
  sha256,
  bytes: 123_456,
  mimeType: 'image/jpeg',
  width: 1600,
  height: 1200,
  dHash: '0f0f0f0f0f0f0f0f',
  thumbnailSha256: 'b'.repeat(64),
  stage: '施工中',
  fileName: 'IMG_0001.jpg',
  capturedAt: 'unknown',
  gps: { latitude: 25.67, longitude: 104.25 },
  camera: 'unknown',
  uploadedBy: actor.id,
  uploadedAt: occurredAt,
};
const { type: _type, actor: _actor, occurredAt: _at, ...photoData } = addPhoto;
const photoAdded: PhotoAdded = { type: 'PhotoAdded', data: photoData };

describe('project decider', () => {
  describe('planning', () => {
    it('plans a project with its budget in fen', () => {
      given([]).when(plan).then([planned]);
    });
    it('is a repeat when the same plan comes again', () => {
      given([planned]).when(plan).then([]);
    });
    it('refuses the same id with other facts', () => {
      given([planned])
        .when({ ...plan, budget: '1.00' })
        .thenThrows(ProjectAlreadyPlannedError);
    });
    it('refuses an id whose division is not the project division', () => {
      given([])
        .when({ ...plan, projectId: 'prj-530325102203-1' })
        .thenThrows(InvalidProjectCommandError, { field: 'projectId' });
    });
    it('refuses an unknown division, a category outside the list, an end before the start', () => {
      given([])
        .when({ ...plan, divisionLevel: undefined })
        .thenThrows(InvalidProjectCommandError, { field: 'divisionCode' });
      given([])
        .when({ ...plan, category: '旅游' as never })
        .thenThrows(InvalidProjectCommandError, { field: 'category' });
      given([])
        .when({ ...plan, plannedEnd: '2026-02-01' })
        .thenThrows(InvalidProjectCommandError, { field: 'plannedEnd' });
    });
    it('refuses a wrong credit code, a bad beneficiary and an empty output list', () => {
      given([])
        .when({ ...plan, implementer: { name: 'x', creditCode: '12345' } })
        .thenThrows(InvalidProjectCommandError, { field: 'implementer.creditCode' });
      given([])
        .when({ ...plan, beneficiaries: { householdIds: ['17'], idNumbers: [] } })
        .thenThrows(InvalidProjectCommandError, { field: 'beneficiaries.householdIds[0]' });
      given([])
        .when({ ...plan, expectedOutputs: [] })
        .thenThrows(InvalidProjectCommandError, { field: 'expectedOutputs' });
    });
    it('refuses a site at (0, 0)', () => {
      given([])
        .when({ ...plan, site: { latitude: 0, longitude: 0 } })
        .thenThrows(InvalidProjectCommandError, { field: 'site' });
    });
  });

  describe('the order of its life', () => {
    it('refuses any step on a project never planned', () => {
      given([]).when(milestone).thenThrows(ProjectNotFoundError);
    });
    it('goes planned → underway → completed → accepted', () => {
      const underway = given([planned]).when(milestone).then([milestoneReached]);
      expect(underway.status).toBe('underway');
      expect(given([planned, milestoneReached]).when(complete).then([completed]).status).toBe(
        'completed',
      );
      const done = given([planned, milestoneReached, completed]).when(accept('合格'));
      expect(done.then([accepted('合格')]).status).toBe('accepted');
    });
    it('refuses acceptance before completion', () => {
      given([planned, milestoneReached])
        .when(accept('合格'))
        .thenThrows(ProjectWrongStatusError, { status: 'underway' });
    });
    it('refuses a milestone after completion', () => {
      given([planned, completed])
        .when({ ...milestone, milestoneId: 'm2' })
        .thenThrows(ProjectWrongStatusError, { status: 'completed' });
    });
    it('after 不合格, completes again and is accepted', () => {
      const failed = given([planned, completed])
        .when(accept('不合格'))
        .then([accepted('不合格')]);
      expect(failed.status).toBe('acceptance_failed');
      given([planned, completed, accepted('不合格')])
        .when({ ...complete, date: '2026-05-31' })
        .then([{ type: 'ProjectCompleted', data: { projectId, date: '2026-05-31' } }]);
    });
    it('repeats of a milestone, a completion and an acceptance write nothing', () => {
      given([planned, milestoneReached]).when(milestone).then([]);
      given([planned, completed]).when(complete).then([]);
      given([planned, completed, accepted('合格')])
        .when(accept('合格'))
        .then([]);
    });
    it('refuses the same milestone id with other facts', () => {
      given([planned, milestoneReached])
        .when({ ...milestone, name: '另一个' })
        .thenThrows(ProjectRecordConflictError, { field: 'milestoneId' });
    });
    it('refuses an acceptance dated before the completion, and a step dated in the future', () => {
      given([planned, completed])
        .when({ ...accept('合格'), date: '2026-05-29' } as ProjectCommand)
        .thenThrows(InvalidProjectCommandError, { field: 'date' });
      given([planned])
        .when({ ...milestone, date: '2026-06-02' } as ProjectCommand)
        .thenThrows(InvalidProjectCommandError, { field: 'date' });
    });
    it('suspends with reasons, after which no step but photos is recorded', () => {
      given([planned, milestoneReached]).when(suspend).then([suspended]);
      given([planned, suspended])
        .when(complete)
        .thenThrows(ProjectWrongStatusError, { status: 'suspended' });
      given([planned, suspended]).when(suspend).then([]);
      given([planned, suspended]).when(addPhoto).then([photoAdded]);
    });
    it('does not suspend an accepted project', () => {
      given([planned, completed, accepted('合格')])
        .when(suspend)
        .thenThrows(ProjectWrongStatusError, { status: 'accepted' });
    });
  });

  describe('photos', () => {
    it('adds a photo, and the same bytes again with the same stage are a repeat', () => {
      given([planned]).when(addPhoto).then([photoAdded]);
      given([planned, photoAdded])
        .when({
          ...addPhoto,
          uploadedAt: '2026-06-01T09:00:00+08:00',
          occurredAt: '2026-06-01T09:00:00+08:00',
        })
        .then([]);
    });
    it('refuses the same bytes with another stage', () => {
      given([planned, photoAdded])
        .when({ ...addPhoto, stage: '完工后' })
        .thenThrows(ProjectRecordConflictError, { field: 'file' });
    });
    it('refuses a stage outside the list and garbage GPS that was not made unknown', () => {
      given([planned])
        .when({ ...addPhoto, stage: '其它' as never })
        .thenThrows(InvalidProjectCommandError, { field: 'stage' });
      given([planned])
        .when({ ...addPhoto, gps: { latitude: 200, longitude: 0 } })
        .thenThrows(InvalidProjectCommandError, { field: 'gps' });
    });
    it('records the check once, and refuses a check of a photo it does not hold', () => {
      const check: ProjectCommand = {
        type: 'RecordPhotoCheck',
        ...context,
        sha256,
        hammingDistanceMax: 6,
        duplicates: [
          { kind: 'near', projectId: 'prj-530325102203-1', sha256: 'c'.repeat(64), distance: 3 },
        ],
        captureTime: { result: 'not_possible', reason: 'no EXIF capture time' },
        location: { result: 'not_possible', reason: 'the project has no site coordinates' },
      };
      const { type: _t, actor: _a, occurredAt: _o, ...checkData } = check;
      const checked: ProjectEvent = { type: 'PhotoChecked', data: checkData as never };
      given([planned, photoAdded]).when(check).then([checked]);
      given([planned, photoAdded, checked]).when(check).then([]);
      given([planned]).when(check).thenThrows(PhotoNotFoundError);
      given([planned, photoAdded])
        .when({
          ...check,
          duplicates: [{ kind: 'exact', projectId, sha256, distance: 0 }],
        } as ProjectCommand)
        .thenThrows(InvalidProjectCommandError, { field: 'duplicates[0]' });
    });
  });
});
