import { formatYuan, type PaymentDocument } from '@sunlight/funds';
import { projectCategories, projectStatuses } from '../domain';
import type { ProjectDocument } from '../projections';
import { paidFenOf, percentOf } from './project-funding';

/*
 * A division's projects at a glance (项目看板): how many of each category and status, the budget,
 * what the ledger paid them, the photos, and the projects paid more than 30 % of their budget
 * with no photo of the work under way or done (施工中/完工后): money out, no evidence in.
 */

/** Paid above this share of the budget, a project should show the work. */
export const evidencePaidPercentThreshold = 30;
const evidenceStages: readonly string[] = ['施工中', '完工后'];

export interface ProjectDashboard {
  divisionCode: string;
  projects: number;
  byCategory: { category: string; projects: number; budget: string; paid: string }[];
  byStatus: { status: string; projects: number }[];
  budget: string;
  paid: string;
  paidPercentOfBudget: string;
  photos: number;
  photosByStage: Record<string, number>;
  /** Photos whose check named the same or a near-identical picture on another project. */
  photosFlaggedAsDuplicates: number;
  paidWithoutWorkPhotos: {
    projectId: string;
    name: string;
    budget: string;
    paid: string;
    paidPercentOfBudget: string;
  }[];
}

export function projectDashboard(
  divisionCode: string,
  projects: readonly ProjectDocument[],
  payments: readonly PaymentDocument[],
): ProjectDashboard {
  const paidByProject = new Map<string, bigint>();
  for (const payment of payments) {
    paidByProject.set(
      payment.beneficiaryId,
      (paidByProject.get(payment.beneficiaryId) ?? 0n) + paidFenOf(payment),
    );
  }
  const categories = new Map<string, { projects: number; budget: bigint; paid: bigint }>();
  const statuses = new Map<string, number>();
  const photosByStage: Record<string, number> = { 开工前: 0, 施工中: 0, 完工后: 0 };
  let budget = 0n;
  let paid = 0n;
  let photos = 0;
  let flagged = 0;
  const paidWithoutWorkPhotos: ProjectDashboard['paidWithoutWorkPhotos'] = [];
  for (const project of projects) {
    const projectBudget = BigInt(project.budgetFen);
    const projectPaid = paidByProject.get(project.projectId) ?? 0n;
    budget += projectBudget;
    paid += projectPaid;
    const category = categories.get(project.category) ?? { projects: 0, budget: 0n, paid: 0n };
    categories.set(project.category, {
      projects: category.projects + 1,
      budget: category.budget + projectBudget,
      paid: category.paid + projectPaid,
    });
    statuses.set(project.status, (statuses.get(project.status) ?? 0) + 1);
    photos += project.photos.length;
    for (const photo of project.photos) {
      photosByStage[photo.stage] = (photosByStage[photo.stage] ?? 0) + 1;
      if ((photo.check?.duplicates.length ?? 0) > 0) flagged += 1;
    }
    const showsWork = project.photos.some((photo) => evidenceStages.includes(photo.stage));
    if (!showsWork && projectPaid * 100n > projectBudget * BigInt(evidencePaidPercentThreshold)) {
      paidWithoutWorkPhotos.push({
        projectId: project.projectId,
        name: project.name,
        budget: formatYuan(projectBudget),
        paid: formatYuan(projectPaid),
        paidPercentOfBudget: percentOf(projectPaid, projectBudget),
      });
    }
  }
  return {
    divisionCode,
    projects: projects.length,
    byCategory: projectCategories
      .filter((name) => categories.has(name))
      .map((name) => {
        const entry = categories.get(name) as { projects: number; budget: bigint; paid: bigint };
        return {
          category: name,
          projects: entry.projects,
          budget: formatYuan(entry.budget),
          paid: formatYuan(entry.paid),
        };
      }),
    byStatus: projectStatuses
      .filter((name) => statuses.has(name))
      .map((name) => ({ status: name, projects: statuses.get(name) as number })),
    budget: formatYuan(budget),
    paid: formatYuan(paid),
    paidPercentOfBudget: percentOf(paid, budget),
    photos,
    photosByStage,
    photosFlaggedAsDuplicates: flagged,
    paidWithoutWorkPhotos,
  };
}
