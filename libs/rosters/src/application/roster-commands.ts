import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
} from '@sunlight/event-store';
import { rosterDecider, type RosterCommand, type RosterEvent, type RosterState } from '../domain';
import { toRosterEvent } from '../stored-events';

export type RosterCommands = DeciderHandler<RosterState, RosterCommand, RosterEvent>;
export const ROSTER_COMMANDS = 'ROSTER_COMMANDS';

/** Rosters whose folded state (counts only, never the lines) this process keeps. */
export const rosterStateCacheEntriesMax = 500;

/** The claim that makes one file one roster per fund and division (unless knowingly repeated). */
export function rosterFileClaimKey(fundId: string, divisionCode: string, sha256: string): string {
  return `roster-file:${fundId}.${divisionCode}.${sha256}`;
}

export function rosterCommands(store: EventStore): RosterCommands {
  return deciderHandler(store, {
    decider: rosterDecider,
    toDomainEvent: toRosterEvent,
    cacheEntriesMax: rosterStateCacheEntriesMax,
    claimsOf: (event) =>
      event.type === 'RosterUploaded' && event.data.duplicateOf === undefined
        ? {
            claims: [
              rosterFileClaimKey(event.data.fundId, event.data.divisionCode, event.data.fileSha256),
            ],
          }
        : {},
  });
}

export const rosterCommandProviders: Provider[] = [
  { provide: ROSTER_COMMANDS, inject: [EVENT_STORE], useFactory: rosterCommands },
];
