import { formatYuan } from '@sunlight/funds';
import type { PaymentDocument } from '@sunlight/funds';
import type { PhotoEntry, ProjectDocument } from '../projections';
import { projectFunding } from './project-funding';

/*
 * What the project routes answer with, from the read model: money in yuan, each photo with the
 * addresses of its bytes and thumbnail.
 */

export function projectSummaryView(project: ProjectDocument, divisionName: string | null) {
  return {
    projectId: project.projectId,
    divisionCode: project.divisionCode,
    divisionName,
    divisionLevel: project.divisionLevel,
    category: project.category,
    name: project.name,
    budget: formatYuan(BigInt(project.budgetFen)),
    status: project.status,
    photoCount: project.photoCount,
    plannedStart: project.plannedStart,
    plannedEnd: project.plannedEnd,
  };
}

export function photoView(projectId: string, photo: PhotoEntry) {
  const url = `/api/v1/projects/${projectId}/photos/${photo.sha256}`;
  return { ...photo, url, thumbnailUrl: `${url}/thumbnail` };
}

export function projectView(
  project: ProjectDocument,
  divisionName: string | null,
  payments: readonly PaymentDocument[],
) {
  return {
    ...projectSummaryView(project, divisionName),
    funding: projectFunding(project.budgetFen, payments),
    implementer: project.implementer,
    responsiblePerson: project.responsiblePerson,
    beneficiaries: project.beneficiaries,
    expectedOutputs: project.expectedOutputs,
    site: project.site,
    milestones: project.milestones,
    completion: project.completion,
    acceptance: project.acceptance,
    acceptances: project.acceptances,
    suspension: project.suspension,
    photos: project.photos.map((photo) => photoView(project.projectId, photo)),
    plannedAt: project.plannedAt,
    plannedBy: project.plannedBy,
    updatedAt: project.updatedAt,
  };
}
