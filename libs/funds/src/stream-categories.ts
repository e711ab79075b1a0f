import type { RecordedEvent } from '@sunlight/event-store';
import {
  formatYuan,
  fundLineDecider,
  fundStreamCategory,
  parsePoolStreamName,
  poolDecider,
  poolSummary,
} from './domain';
import { toFundLineEvent, toPoolEvent } from './stored-events';

/**
 * The funds streams as the log's raw readers see them: a pool belongs to its division, a fund
 * line is published to every role (公告公示). Shaped as `StreamCategory` of `@sunlight/audit`.
 */
export const fundsStreamCategories = [
  {
    category: 'pool',
    divisionOf: (streamName: string) => parsePoolStreamName(streamName)?.divisionCode,
    fold(events: readonly RecordedEvent[]): unknown {
      const state = events.reduce(
        (folded, event) => poolDecider.evolve(folded, toPoolEvent(event)),
        poolDecider.initialState(),
      );
      const summary = poolSummary(state);
      return {
        balance: formatYuan(summary.balanceFen),
        received: formatYuan(summary.receivedFen),
        sent: formatYuan(summary.sentFen),
        disbursed: formatYuan(summary.disbursedFen),
        pending: formatYuan(summary.pendingFen),
        returned: formatYuan(summary.returnedFen),
        pendingApprovalCount: summary.pendingApprovalCount,
        awaitingSettlementCount: summary.awaitingSettlementCount,
      };
    },
  },
  {
    category: fundStreamCategory,
    divisionOf: () => 'public' as const,
    fold: (events: readonly RecordedEvent[]): unknown =>
      events.reduce(
        (folded, event) => fundLineDecider.evolve(folded, toFundLineEvent(event)),
        fundLineDecider.initialState(),
      ).line,
  },
];
