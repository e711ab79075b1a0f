import { Inject, Injectable } from '@nestjs/common';
import { paymentsCollection, paymentsProjectionName, type PaymentDocument } from '@sunlight/funds';
import {
  findInValuesMax,
  findLimitMax,
  READ_STORE,
  type FieldCondition,
  type ReadStore,
} from '@sunlight/read-store';
import { projectsCollections, projectsProjectionName, type ProjectDocument } from '../projections';

export const projectPageSizeMax = 100;
/** Projects one dashboard reads at most; a division with more is refused (ask for a smaller one). */
export const dashboardProjectsMax = 5_000;
/** Transfers one project view lists at most; a project paid more often than this is itself a lead. */
export const projectPaymentsMax = 500;
export const projectPageSizeDefault = 20;

export interface ProjectFilter {
  /** A division code: the prefix of the project's village or township code. */
  division: string;
  category?: string;
  status?: string;
  limit: number;
  offset: number;
}

/**
 * Reads of the projects, from the `projects` read model; never by folding streams. The routes
 * check the caller's jurisdiction over what is asked; these queries only read.
 */
@Injectable()
export class ProjectsQueries {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  project(projectId: string): Promise<ProjectDocument | undefined> {
    return this.readStore.get<ProjectDocument>(
      projectsProjectionName,
      projectsCollections.projects,
      projectId,
    );
  }

  list(filter: ProjectFilter): Promise<{ items: ProjectDocument[]; total: number }> {
    const where: Record<string, FieldCondition> = { divisionCode: { prefix: filter.division } };
    if (filter.category !== undefined) where.category = filter.category;
    if (filter.status !== undefined) where.status = filter.status;
    return this.readStore.find<ProjectDocument>(
      projectsProjectionName,
      projectsCollections.projects,
      {
        where,
        sortBy: 'divisionCode',
        direction: 'asc',
        limit: filter.limit,
        offset: filter.offset,
      },
    );
  }

  /** Every disbursement to the project (beneficiary kind `project`), in the order the log made them. */
  async payments(projectId: string): Promise<PaymentDocument[]> {
    const page = await this.readStore.find<PaymentDocument>(
      paymentsProjectionName,
      paymentsCollection,
      {
        where: { beneficiaryId: projectId, beneficiaryKind: 'project' },
        sortBy: 'requestedPosition',
        limit: projectPaymentsMax,
      },
    );
    return page.items;
  }

  /** Every project inside a division, at most `dashboardProjectsMax` (undefined when there are more). */
  async allInDivision(division: string): Promise<ProjectDocument[] | undefined> {
    const projects: ProjectDocument[] = [];
    for (;;) {
      const page = await this.readStore.find<ProjectDocument>(
        projectsProjectionName,
        projectsCollections.projects,
        {
          where: { divisionCode: { prefix: division } },
          sortBy: 'divisionCode',
          limit: findLimitMax,
          offset: projects.length,
        },
      );
      if (page.total > dashboardProjectsMax) return undefined;
      projects.push(...page.items);
      if (page.items.length === 0 || projects.length >= page.total) return projects;
    }
  }

  /** Every disbursement to any of these projects. */
  async paymentsOf(projectIds: readonly string[]): Promise<PaymentDocument[]> {
    const payments: PaymentDocument[] = [];
    for (let start = 0; start < projectIds.length; start += findInValuesMax) {
      const ids = projectIds.slice(start, start + findInValuesMax);
      let offset = 0;
      for (;;) {
        const page = await this.readStore.find<PaymentDocument>(
          paymentsProjectionName,
          paymentsCollection,
          {
            where: { beneficiaryKind: 'project', beneficiaryId: { in: ids } },
            limit: findLimitMax,
            offset,
          },
        );
        payments.push(...page.items);
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
    }
    return payments;
  }
}
