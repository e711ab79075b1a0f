import { Inject, Injectable } from '@nestjs/common';
import { paymentsCollection, paymentsProjectionName, type PaymentDocument } from '@sunlight/funds';
import {
  findLimitMax,
  findOffsetMax,
  READ_STORE,
  type FieldCondition,
  type ReadStore,
} from '@sunlight/read-store';
import { incomeSummary } from '../domain';
import {
  householdsCollections,
  householdsProjectionName,
  type HouseholdDocument,
  type PersonDocument,
} from '../projections';
import { mergePayments } from './household-card';

/** Payments one card lists at most; a household paid more often than this is itself a lead. */
export const cardPaymentsMax = 500;
export const householdPageSizeMax = 100;
export const householdPageSizeDefault = 20;

export interface MonitoringCandidate {
  household: HouseholdDocument;
  perCapitaNetFen: bigint;
}

export interface HouseholdFilter {
  /** A division code (prefix of the village code) or a village group code. */
  division: string;
  attribute?: string;
  cause?: string;
  status?: string;
  /** The start of the head's name. */
  q?: string;
  limit: number;
  offset: number;
}

/**
 * Reads of the household register, from the `households` read model and, for the card, the
 * funds `payments` read model; never by folding streams. The routes check the caller's
 * jurisdiction over what is asked; these queries only read.
 */
@Injectable()
export class HouseholdsQueries {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  household(householdId: string): Promise<HouseholdDocument | undefined> {
    return this.readStore.get<HouseholdDocument>(
      householdsProjectionName,
      householdsCollections.households,
      householdId,
    );
  }

  person(idNumber: string): Promise<PersonDocument | undefined> {
    return this.readStore.get<PersonDocument>(
      householdsProjectionName,
      householdsCollections.people,
      idNumber,
    );
  }

  async list(filter: HouseholdFilter): Promise<{ items: HouseholdDocument[]; total: number }> {
    const where: Record<string, FieldCondition> = filter.division.includes('-')
      ? { villageGroupCode: filter.division }
      : { villageCode: { prefix: filter.division } };
    if (filter.attribute !== undefined) where.attribute = filter.attribute;
    if (filter.cause !== undefined) where.mainCause = filter.cause;
    if (filter.status !== undefined) where.status = filter.status;
    if (filter.q !== undefined) where.headName = { prefix: filter.q };
    return this.readStore.find<HouseholdDocument>(
      householdsProjectionName,
      householdsCollections.households,
      {
        where,
        sortBy: 'villageCode',
        direction: 'asc',
        limit: filter.limit,
        offset: filter.offset,
      },
    );
  }

  /**
   * Households of a division not under monitoring whose recorded per-capita net income for
   * `year` is below `lineFen`, lowest first (then by id). Reads the division's unmonitored
   * households from the read model page by page (the line is data that may change, so it is
   * applied here, not folded into the documents); a household without income recorded for the
   * year, or without members, is not listed.
   */
  async monitoringCandidates(
    division: string,
    year: number,
    lineFen: bigint,
  ): Promise<MonitoringCandidate[]> {
    const where: Record<string, FieldCondition> = division.includes('-')
      ? { villageGroupCode: division, monitored: false }
      : { villageCode: { prefix: division }, monitored: false };
    const candidates: MonitoringCandidate[] = [];
    for (let offset = 0; offset <= findOffsetMax; offset += findLimitMax) {
      const page = await this.readStore.find<HouseholdDocument>(
        householdsProjectionName,
        householdsCollections.households,
        { where, sortBy: 'villageCode', direction: 'asc', limit: findLimitMax, offset },
      );
      for (const household of page.items) {
        if (!household.incomes.some((record) => record.year === year)) continue;
        const perCapita = incomeSummary(
          household.incomes,
          year,
          household.memberCount,
        ).perCapitaNetFen;
        if (perCapita !== undefined && perCapita < lineFen) {
          candidates.push({ household, perCapitaNetFen: perCapita });
        }
      }
      if (page.items.length < findLimitMax) break;
    }
    return candidates.sort((a, b) =>
      a.perCapitaNetFen !== b.perCapitaNetFen
        ? a.perCapitaNetFen < b.perCapitaNetFen
          ? -1
          : 1
        : a.household.id < b.household.id
          ? -1
          : 1,
    );
  }

  /**
   * Every disbursement whose beneficiary is the household itself or the ID number of anyone who
   * has been its member, in the order the log made them.
   */
  async payments(household: HouseholdDocument): Promise<PaymentDocument[]> {
    const idNumbers = [
      ...new Set(
        [...household.members, ...household.formerMembers].map((member) => member.idNumber),
      ),
    ];
    const [byHousehold, byPerson] = await Promise.all([
      this.readStore.find<PaymentDocument>(paymentsProjectionName, paymentsCollection, {
        where: { beneficiaryId: household.householdId, beneficiaryKind: 'household' },
        sortBy: 'requestedPosition',
        limit: cardPaymentsMax,
      }),
      idNumbers.length === 0
        ? Promise.resolve({ items: [] as PaymentDocument[], total: 0 })
        : this.readStore.find<PaymentDocument>(paymentsProjectionName, paymentsCollection, {
            where: { idNumber: { in: idNumbers } },
            sortBy: 'requestedPosition',
            limit: cardPaymentsMax,
          }),
    ]);
    return mergePayments(byHousehold.items, byPerson.items).slice(0, cardPaymentsMax);
  }
}
