import type { RecordedEvent } from '@sunlight/event-store';
import type { FundLineCreated, FundSource, PurposeCategory } from '../domain';
import { recordedAtOf } from './funds-events';

/**
 * One document per fund line (collection `fundLines`), kept by the dashboards projection itself:
 * pool events do not repeat a fund's purpose and fiscal year, and `apply` sees one document at a
 * time, so the per-purpose and per-year breakdowns join `dashboardFunds` with these at query
 * time. Living in the same projection, they share its checkpoint: a fund that shows on a
 * dashboard always has its line (FundLineCreated comes before the fund's pool events).
 */
export type FundLineDocument = {
  id: string;
  lastPosition: string;
  fundId: string;
  name: string;
  fiscalYear: number;
  purposeCategory: PurposeCategory;
  source: FundSource;
  appropriation: { divisionCode: string; amountFen: string };
  createdAt: string;
  /** Who created the fund line (`metadata.actor.id`). */
  createdBy: string | null;
};

export type FundLineDraft = Omit<FundLineDocument, 'lastPosition'>;

export function fundLineDocumentOf(
  created: FundLineCreated,
  recorded: RecordedEvent,
): FundLineDraft {
  const { fundId, name, fiscalYear, purposeCategory, source, appropriation } = created.data;
  const actor = recorded.metadata['actor'] as { id?: unknown } | undefined;
  return {
    id: fundId,
    fundId,
    name,
    fiscalYear,
    purposeCategory,
    source,
    appropriation: { divisionCode: appropriation.divisionCode, amountFen: appropriation.amountFen },
    createdAt: recordedAtOf(recorded),
    createdBy: typeof actor?.id === 'string' ? actor.id : null,
  };
}
