import { activeOn, type EvidenceEvent, type Membership } from '../records';
import { addDays, daysBetween, refOf, type CheckSubject } from '../subjects';
import {
  beneficiarySubjects,
  type RuleDefinition,
  type RuleHit,
  type RuleParameters,
} from './rule';

/*
 * Rules that look a beneficiary up in Sunlight's own household register (建档立卡): is the person
 * an active member of a registered household where the money is for registered households, and
 * did the person join a household, or apply, only just before the money was asked for. Matching
 * is on the normalised, valid ID number only.
 */

function hitOn(
  rule: RuleDefinition,
  subject: CheckSubject,
  events: EvidenceEvent[],
  parameters: RuleParameters,
  zh: string,
  en: string,
): RuleHit {
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    subject: refOf(subject),
    related: [],
    registryRows: [],
    events,
    parameters,
    explanation: { zh, en },
  };
}

function staysByIdNumber(memberships: readonly Membership[]): Map<string, Membership[]> {
  const stays = new Map<string, Membership[]>();
  for (const membership of memberships) {
    const list = stays.get(membership.idNumber);
    if (list === undefined) stays.set(membership.idNumber, [membership]);
    else list.push(membership);
  }
  return stays;
}

/** The events of one stay: its MemberAdded, and its MemberRemoved when it ended. */
function stayEvents(stay: Membership): EvidenceEvent[] {
  return stay.removed === undefined ? [stay.added] : [stay.added, stay.removed];
}

export const registeredHouseholdPurposesDefault = ['产业发展'];

export const notRegistered: RuleDefinition = {
  id: 'not-registered',
  // Version 1 matched `purposes` against the roster's own purpose text only, which is free text
  // ('产业发展补助（养牛）') and so hardly ever matched.
  version: 2,
  title: { zh: '非建档立卡户成员', en: 'Not a member of a registered household' },
  method:
    'For money whose purpose is one of `purposes` (money for registered poor households: the fund line’s purpose category, or the purpose the roster or payment names when the fund line is not known), the beneficiary’s ID number is not an active member of a registered household (建档立卡户) of the line’s village on the reference date: the application date, else the day the roster was uploaded; for a payment, the day it was requested, and its village is that of the pool that paid it. A member is active from the day MemberAdded was recorded until the date of MemberRemoved.',
  inputs: [
    beneficiarySubjects,
    'household register (HouseholdRegistered, MemberAdded, MemberRemoved)',
  ],
  registries: [],
  records: ['households'],
  parameters: {
    purposes: {
      description:
        'Purpose categories of the fund line (用途类别) whose money is only for members of registered households (到户产业扶持 by default); lines for other purposes are not checked',
      default: registeredHouseholdPurposesDefault,
    },
  },
  exclusions: [
    'Purposes not listed in purposes (危房改造, for one, also serves 低保户, 特困 and disabled people who are not registered).',
    'Villages where no household had been registered in Sunlight by the reference date: the register is not kept there, and every line would be a lead.',
    'Payments from a township’s or a county’s pool: they name no village.',
    'Households that have exited poverty (脱贫户) still count as registered: their policies continue (脱贫不脱政策).',
    'Invalid ID numbers (see invalid-id-number).',
  ],
  example:
    'An 产业发展 roster line of village 530325102201 for 530325198001011232, applied 2019-03-01; the village has registered households, but no active member has that number (he left household hh-530325102201-7 on 2018-12-30): a lead naming the MemberAdded and MemberRemoved events.',
  evaluate(input, parameters) {
    const register = input.households;
    if (register === undefined) return [];
    const purposes = new Set(parameters.purposes as string[]);
    const keptSince = new Map<string, string>();
    for (const household of register.households) {
      const since = keptSince.get(household.villageCode);
      if (since === undefined || household.registeredOn < since)
        keptSince.set(household.villageCode, household.registeredOn);
    }
    const stays = staysByIdNumber(register.memberships);
    const hits: RuleHit[] = [];
    for (const subject of input.subjects) {
      const id = subject.idNumber;
      if (id === undefined || !purposes.has(subject.fundCategory ?? subject.purpose)) continue;
      const day = subject.referenceDate;
      const since = keptSince.get(subject.villageCode);
      if (since === undefined || since > day) continue;
      const own = stays.get(id) ?? [];
      if (own.some((stay) => stay.villageCode === subject.villageCode && activeOn(stay, day)))
        continue;
      const elsewhere = own.find((stay) => activeOn(stay, day));
      const left = own.find((stay) => stay.removedOn !== undefined && stay.removedOn <= day);
      const later = own.find((stay) => stay.addedOn > day);
      let zh = '';
      let en = '';
      if (elsewhere !== undefined) {
        zh = `，而是${elsewhere.villageCode}村${elsewhere.householdId}户的成员`;
        en = `; the number is a member of ${elsewhere.householdId} in village ${elsewhere.villageCode}`;
      } else if (later !== undefined) {
        zh = `，${later.addedOn}才加入${later.householdId}户`;
        en = `; the number joined ${later.householdId} only on ${later.addedOn}`;
      } else if (left !== undefined) {
        zh = `，已于${left.removedOn}移出${left.householdId}户`;
        en = `; the number left ${left.householdId} on ${left.removedOn}`;
      }
      hits.push(
        hitOn(
          this,
          subject,
          own.flatMap(stayEvents),
          parameters,
          `${subject.name}（${id}）领取“${subject.fundCategory ?? subject.purpose}”资金，但${day}不是${subject.villageCode}村任何建档立卡户的在册成员${zh}。`,
          `${subject.name} (${id}) gets money for "${subject.fundCategory ?? subject.purpose}" but on ${day} was not an active member of any registered household of village ${subject.villageCode}${en}.`,
        ),
      );
    }
    return hits;
  },
};

export const lateAddition: RuleDefinition = {
  id: 'late-addition',
  version: 1,
  title: { zh: '临时加入', en: 'Added just before the money' },
  method:
    'The day a line is put forward for payment is the day its roster was uploaded (rosters are checked then, before approval and payment; for a payment, the day it was requested). A lead when (a) the beneficiary is an active member of a registered household on that day but was a member of none `minDaysInHousehold` days before it (MemberAdded, or HouseholdRegistered with its members, recorded fewer than that many days before); or (b) the roster line’s application date is fewer than `minDaysOnRoster` days before the roster’s upload, leaving no time for the village’s review and public notice (评议, 公示). Days are calendar days; exactly the minimum is not a lead.',
  inputs: [
    beneficiarySubjects,
    'household register (HouseholdRegistered, MemberAdded, MemberRemoved)',
  ],
  registries: [],
  records: ['households'],
  parameters: {
    minDaysInHousehold: {
      description:
        'Days a person must have belonged to a registered household before the line is put forward (about one review and notice cycle)',
      default: 30,
    },
    minDaysOnRoster: {
      description:
        'Days from the application date to the roster’s upload, for the village review and the public notice (公示 of at least 7 days)',
      default: 7,
    },
  },
  exclusions: [
    'People born within the last minDaysInHousehold days: a newborn can only join late.',
    'A person who moved from one registered household to another (分户, marriage within the register) without a gap: a member of some household minDaysInHousehold days before is not late.',
    'Lines without an application date are not judged on (b); lines of no household are left to not-registered.',
    'Marriages into a household are not told apart: the lead is for checking.',
  ],
  example:
    'A roster uploaded 2019-04-10 lists 530325198001011232, added to household hh-530325102201-7 on 2019-03-25 (16 days before, fewer than 30): a lead naming the MemberAdded event. A line applied on 2019-04-05 in the same roster (5 days before, fewer than 7): a lead naming the RosterUploaded event.',
  evaluate(input, parameters) {
    const minDaysInHousehold = parameters.minDaysInHousehold as number;
    const minDaysOnRoster = parameters.minDaysOnRoster as number;
    const stays = staysByIdNumber(input.households?.memberships ?? []);
    // A roster's lines share their listing day: each day's bounds are computed once.
    const bounds = new Map<string, { household: string; roster: string }>();
    const boundsOf = (day: string) => {
      let found = bounds.get(day);
      if (found === undefined) {
        found = {
          household: addDays(day, -minDaysInHousehold),
          roster: addDays(day, -minDaysOnRoster),
        };
        bounds.set(day, found);
      }
      return found;
    };
    const hits: RuleHit[] = [];
    for (const subject of input.subjects) {
      const zh: string[] = [];
      const en: string[] = [];
      const events: EvidenceEvent[] = [];
      const day = subject.listedOn;
      const own = subject.idNumber === undefined ? [] : (stays.get(subject.idNumber) ?? []);
      const { household: windowStart, roster: applicationBound } = boundsOf(day);
      const joined = own
        .filter((stay) => activeOn(stay, day))
        .sort((a, b) => (a.addedOn < b.addedOn ? -1 : a.addedOn > b.addedOn ? 1 : 0))[0];
      if (
        joined !== undefined &&
        !own.some((stay) => activeOn(stay, windowStart)) &&
        joined.birthDate < windowStart
      ) {
        const days = daysBetween(joined.addedOn, day);
        events.push(joined.added);
        if (joined.registration !== undefined) {
          events.push(joined.registration);
          zh.push(`${joined.householdId}户于${joined.addedOn}才登记（${days}天前）`);
          en.push(
            `household ${joined.householdId} was registered only on ${joined.addedOn} (${days} days before)`,
          );
        } else {
          zh.push(`于${joined.addedOn}才加入${joined.householdId}户（${days}天前）`);
          en.push(
            `joined household ${joined.householdId} only on ${joined.addedOn} (${days} days before)`,
          );
        }
      }
      if (
        subject.kind === 'roster-entry' &&
        subject.appliedOn !== undefined &&
        subject.listing !== undefined &&
        subject.appliedOn > applicationBound
      ) {
        const days = daysBetween(subject.appliedOn, day);
        events.push({ ...subject.listing, type: 'RosterUploaded' });
        zh.push(`于${subject.appliedOn}才申请（${days}天前）`);
        en.push(`applied only on ${subject.appliedOn} (${days} days before)`);
      }
      if (events.length === 0) continue;
      hits.push(
        hitOn(
          this,
          subject,
          events,
          parameters,
          `${subject.name}（${subject.idNumberAsWritten}）在${day}列入花名册，但${zh.join('，且')}，少于${minDaysInHousehold}天入户、${minDaysOnRoster}天公示的要求。`,
          `${subject.name} (${subject.idNumberAsWritten}) was put forward for payment on ${day} but ${en.join(' and ')}, short of ${minDaysInHousehold} days in a household and ${minDaysOnRoster} days of review and notice.`,
        ),
      );
    }
    return hits;
  },
};
