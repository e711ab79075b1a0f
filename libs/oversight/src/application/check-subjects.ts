import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@sunlight/event-store';
import { DIVISION_REGISTRY, parseVillageGroupCode, type DivisionRegistry } from '@sunlight/geo';
import {
  rosterEventOf,
  rosterStreamName,
  type RosterEntryAccepted,
  type RosterUploaded,
} from '@sunlight/rosters';
import { dayOf, type CheckSubject } from '../domain';

/*
 * The subjects of a cross-check, gathered from the log: the accepted lines of the rosters in a
 * division (or of one roster), of one period when asked. A roster's id names its division, so the
 * rosters inside a division are the streams `roster-ro-<code>…`, and those of the divisions above
 * it (a county's roster can list this township's villages) are `roster-ro-<ancestor>-…`; their
 * lines are kept when their village lies inside the division. Rejected rosters are left out: they
 * will never be paid.
 */

export interface SubjectQuery {
  division: string;
  rosterId?: string;
  period?: string;
}

interface RosterLines {
  uploaded?: RosterUploaded['data'];
  uploadedOn?: string;
  rejected: boolean;
  entries: { data: RosterEntryAccepted['data']; recorded: RecordedEvent }[];
}

@Injectable()
export class CheckSubjects {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  async load(query: SubjectQuery): Promise<CheckSubject[]> {
    const rosters = new Map<string, RosterLines>();
    const take = (recorded: RecordedEvent) => {
      const event = rosterEventOf(recorded);
      if (event === undefined) return;
      let lines = rosters.get(recorded.streamName);
      if (lines === undefined) {
        lines = { rejected: false, entries: [] };
        rosters.set(recorded.streamName, lines);
      }
      if (event.type === 'RosterUploaded') {
        lines.uploaded = event.data;
        const at = recorded.metadata.occurredAt;
        lines.uploadedOn = dayOf(typeof at === 'string' ? at : recorded.recordedAt.toISOString());
      } else if (event.type === 'RosterEntryAccepted')
        lines.entries.push({ data: event.data, recorded });
      else if (event.type === 'RosterRejected') lines.rejected = true;
    };
    if (query.rosterId !== undefined) {
      for await (const recorded of this.store.readStream(rosterStreamName(query.rosterId)))
        take(recorded);
    } else {
      const prefixes = [
        `roster-ro-${query.division}`,
        ...this.divisions.ancestorsOf(query.division).map((a) => `roster-ro-${a.code}-`),
      ];
      for await (const recorded of this.store.readAll({
        filter: { on: 'streamName', prefixes },
      }))
        take(recorded);
    }
    const subjects: CheckSubject[] = [];
    for (const lines of rosters.values()) {
      const uploaded = lines.uploaded;
      if (uploaded === undefined || lines.rejected) continue;
      if (query.period !== undefined && uploaded.period !== query.period) continue;
      for (const { data, recorded } of lines.entries) {
        const villageCode = /^\d{12}$/.test(data.villageGroup)
          ? data.villageGroup
          : parseVillageGroupCode(data.villageGroup)?.villageCode;
        if (villageCode === undefined || !this.divisions.isWithin(villageCode, query.division))
          continue;
        subjects.push({
          id: `roster-entry:${uploaded.rosterId}#${data.row}`,
          kind: 'roster-entry',
          name: data.name,
          idNumberAsWritten: data.idNumber,
          // The parser accepts valid, normalised ID numbers only.
          idNumber: data.idNumber,
          bankAccount: data.bankAccount,
          amountFen: data.amountFen,
          villageCode,
          fundId: uploaded.fundId,
          purpose: uploaded.purpose,
          period: uploaded.period,
          referenceDate:
            data.appliedOn ?? lines.uploadedOn ?? dayOf(recorded.recordedAt.toISOString()),
          event: {
            eventId: recorded.eventId,
            position: recorded.position,
            streamName: recorded.streamName,
          },
          rosterId: uploaded.rosterId,
          row: data.row,
        });
      }
    }
    return subjects;
  }
}
