import { projectSubject, type EvidenceEvent, type ProjectRecord } from '../records';
import { refOf, type SubjectRef } from '../subjects';
import type { RuleDefinition, RuleHit, RuleParameters } from './rule';

/*
 * Rules on the evidence of projects (扶贫项目): money released to a project with no photo to show
 * for it, and one picture shown for two projects. The subject of each lead is the project.
 */

function hitOn(
  rule: RuleDefinition,
  project: ProjectRecord,
  related: SubjectRef[],
  events: EvidenceEvent[],
  parameters: RuleParameters,
  zh: string,
  en: string,
): RuleHit {
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    subject: refOf(projectSubject(project)),
    related,
    registryRows: [],
    events,
    parameters,
    explanation: { zh, en },
  };
}

function yuan(fen: bigint): string {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

export const paidWithoutPhotos: RuleDefinition = {
  id: 'paid-without-photos',
  version: 1,
  title: { zh: '无照片即拨付', en: 'Paid without photo evidence' },
  method:
    'A project received money (a DisbursementPaid whose beneficiary is the project) and has no photo at all; or, when `requireCompletionPhoto`, it is completed (ProjectCompleted, or a passed acceptance) and none of its photos is of stage `completionStage`. Photos count whenever they were uploaded: the lead asks for evidence that is missing when the check runs.',
  inputs: [
    'projects (ProjectPlanned, ProjectCompleted, ProjectAccepted, PhotoAdded)',
    'payments to projects (DisbursementRequested, DisbursementPaid)',
  ],
  registries: [],
  records: ['projects'],
  parameters: {
    completionStage: {
      description: 'The photo stage a completed project must show',
      default: '完工后',
    },
    requireCompletionPhoto: {
      description: 'Whether a completed, paid project without a photo of completionStage is a lead',
      default: true,
    },
  },
  exclusions: [
    'Projects that were never paid (requested or approved payments do not count; failed ones neither).',
    'A payment reversed or recovered afterwards still counts: the money was released.',
    'Projects not yet completed need a photo of any stage, not of completionStage.',
    'The 开工前/完工后 pair from the same angle is not compared: that is for the visit.',
  ],
  example:
    'Project prj-530325102201-3 was paid 120,000 yuan on 2019-05-10 and completed on 2019-06-01; its only photo is of stage 开工前: a lead naming the payment and completion events.',
  evaluate(input, parameters) {
    const stage = parameters.completionStage as string;
    const requireCompletion = parameters.requireCompletionPhoto as boolean;
    const hits: RuleHit[] = [];
    for (const project of input.projects ?? []) {
      if (project.payments.length === 0) continue;
      const paidFen = project.payments.reduce((sum, p) => sum + BigInt(p.amountFen), 0n);
      const events = [
        project.planned,
        ...(project.completed === undefined ? [] : [project.completed.event]),
        ...project.payments.map((payment) => payment.paid),
      ];
      const paid = `${project.payments.length}笔共${yuan(paidFen)}元`;
      const paidEn = `${yuan(paidFen)} yuan in ${project.payments.length} payment(s)`;
      if (project.photos.length === 0) {
        hits.push(
          hitOn(
            this,
            project,
            [],
            events,
            parameters,
            `项目${project.projectId}（${project.name}）已拨付${paid}，但没有任何照片。`,
            `Project ${project.projectId} (${project.name}) was paid ${paidEn} but has no photo at all.`,
          ),
        );
        continue;
      }
      const completed = project.completed;
      if (
        requireCompletion &&
        completed !== undefined &&
        !project.photos.some((photo) => photo.stage === stage)
      )
        hits.push(
          hitOn(
            this,
            project,
            [],
            [...events, ...project.photos.map((photo) => photo.added)],
            parameters,
            `项目${project.projectId}（${project.name}）已于${completed.on}完工并拨付${paid}，但没有“${stage}”照片。`,
            `Project ${project.projectId} (${project.name}) was completed on ${completed.on} and paid ${paidEn} but has no photo of stage ${stage}.`,
          ),
        );
    }
    return hits;
  },
};

export const reusedPhoto: RuleDefinition = {
  id: 'reused-photo',
  version: 1,
  title: { zh: '照片重复使用', en: 'One photo for two projects' },
  method:
    'A photo’s arrival check (PhotoChecked, libs/projects) recorded the same bytes (exact: equal SHA-256) or, with `includeNear`, a near-identical picture (dHash Hamming distance at most `hammingDistanceMax`) already attached to another project. One lead per photo, on the project it was attached to later, naming the other project.',
  inputs: ['projects (ProjectPlanned, PhotoAdded, PhotoChecked)'],
  registries: [],
  records: ['projects'],
  parameters: {
    includeNear: {
      description: 'Whether near-identical pictures count, not only byte-identical files',
      default: true,
    },
    hammingDistanceMax: {
      description:
        'Largest dHash distance (of 64 bits) counted as the same picture; the arrival check records matches up to its own threshold (6), so a larger value finds no more',
      default: 6,
    },
    excludedPhotos: {
      description:
        'SHA-256 of pictures shown for many projects on purpose (a standard 公示牌 template, …), never a lead',
      default: [],
    },
  },
  exclusions: [
    'Photos of the same project (repeat shots of one site).',
    'Pictures listed in excludedPhotos, on either side.',
    'Photos whose arrival check is not recorded yet.',
    'dHash is not crop-invariant: a cropped copy may be missed.',
  ],
  example:
    'The 完工后 photo of prj-530325102202-4 has the SHA-256 of a photo of prj-530325102201-3: a lead on prj-530325102202-4 naming both PhotoAdded events.',
  evaluate(input, parameters) {
    const includeNear = parameters.includeNear as boolean;
    const distanceMax = parameters.hammingDistanceMax as number;
    const excluded = new Set(parameters.excludedPhotos as string[]);
    const projects = new Map((input.projects ?? []).map((p) => [p.projectId, p]));
    const hits: RuleHit[] = [];
    for (const project of projects.values()) {
      for (const photo of project.photos) {
        const check = photo.check;
        if (check === undefined || excluded.has(photo.sha256)) continue;
        const duplicates = check.duplicates.filter(
          (match) =>
            match.projectId !== project.projectId &&
            !excluded.has(match.sha256) &&
            (match.kind === 'exact' || (includeNear && match.distance <= distanceMax)),
        );
        if (duplicates.length === 0) continue;
        const related: SubjectRef[] = [];
        const events: EvidenceEvent[] = [photo.added, check.event];
        for (const match of duplicates) {
          const other = projects.get(match.projectId);
          if (other === undefined) continue;
          if (!related.some((ref) => ref.id === `project:${other.projectId}`))
            related.push(refOf(projectSubject(other)));
          const original = other.photos.find((candidate) => candidate.sha256 === match.sha256);
          if (original !== undefined) events.push(original.added);
        }
        const names = [...new Set(duplicates.map((match) => match.projectId))];
        const how = duplicates.every((match) => match.kind === 'exact')
          ? { zh: '同一文件', en: 'the same file' }
          : { zh: '相同或几乎相同的照片', en: 'the same or a near-identical picture' };
        hits.push(
          hitOn(
            this,
            project,
            related,
            events,
            parameters,
            `项目${project.projectId}的“${photo.stage}”照片（${photo.sha256.slice(0, 12)}…）与项目${names.join('、')}的照片是${how.zh}。`,
            `The ${photo.stage} photo (${photo.sha256.slice(0, 12)}…) of project ${project.projectId} is ${how.en} as a photo of project ${names.join(', ')}.`,
          ),
        );
      }
    }
    return hits;
  },
};
