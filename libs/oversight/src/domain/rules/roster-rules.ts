import { refOf, type CheckSubject } from '../subjects';
import {
  beneficiarySubjects,
  type RuleDefinition,
  type RuleHit,
  type RuleParameters,
} from './rule';

/*
 * Rules over the lines and payments themselves, with no registry: a number that cannot be an ID
 * number, one person twice, one account for many people, more than a person may get.
 */

/**
 * The subjects that share a key, in groups of at least `sizeMin`, in the order their first
 * subjects come. A subject alone under its key is held as itself, not in an array of one: a
 * province's check has a million subjects and nearly all of them are alone.
 */
function groupBy<K>(
  subjects: readonly CheckSubject[],
  key: (subject: CheckSubject) => K | undefined,
  sizeMin: number,
): CheckSubject[][] {
  const groups = new Map<K, CheckSubject | CheckSubject[]>();
  for (const subject of subjects) {
    const k = key(subject);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, subject);
    else if (Array.isArray(group)) group.push(subject);
    else groups.set(k, [group, subject]);
  }
  const kept: CheckSubject[][] = [];
  for (const group of groups.values()) {
    const members = Array.isArray(group) ? group : [group];
    if (members.length >= sizeMin) kept.push(members);
  }
  return kept;
}

/** The year a period is of: a payment's fiscal year, or the year a roster's period begins with. */
function yearOf(period: string): string {
  return /^\d{4}/.exec(period)?.[0] ?? period;
}

function hitOn(
  rule: RuleDefinition,
  subject: CheckSubject,
  related: readonly CheckSubject[],
  parameters: RuleParameters,
  zh: string,
  en: string,
): RuleHit {
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    subject: refOf(subject),
    related: related.filter((other) => other.id !== subject.id).map(refOf),
    registryRows: [],
    events: [],
    parameters,
    explanation: { zh, en },
  };
}

export const invalidIdNumber: RuleDefinition = {
  id: 'invalid-id-number',
  version: 1,
  title: { zh: '身份证号无效', en: 'Invalid ID number' },
  method:
    'The ID number, after normalising full-width characters, spaces and a lowercase x, fails GB 11643: length, birth date, province or check character; or a payment to a person records none.',
  inputs: [beneficiarySubjects],
  registries: [],
  parameters: {},
  exclusions: [
    'Legacy 15-digit numbers and 残疾证号 are reported too: they cannot be matched against any registry.',
    'Most of these are typing errors: route them to correction rather than investigation.',
  ],
  example: '53032519800101123X written as 530325198001011234 (wrong check character): a lead.',
  evaluate(input, parameters) {
    return input.subjects
      .filter((subject) => subject.idNumber === undefined)
      .map((subject) =>
        hitOn(
          this,
          subject,
          [],
          parameters,
          `${subject.name}的身份证号“${subject.idNumberAsWritten}”无效（${subject.idNumberProblem ?? '校验失败'}），无法与任何登记比对。`,
          `${subject.name}'s ID number "${subject.idNumberAsWritten}" is not valid (${subject.idNumberProblem ?? 'check failed'}) and cannot be matched against any registry.`,
        ),
      );
  },
};

export const duplicateBeneficiary: RuleDefinition = {
  id: 'duplicate-beneficiary',
  version: 1,
  title: { zh: '重复享受', en: 'Duplicate beneficiary' },
  method:
    'One valid ID number appears twice in one roster; or in rosters of two different villages for one fund and period; or is paid twice for one purpose and year: two or more of its direct payments and roster lines, at least one of them a payment, of one purpose (the fund line’s purpose category, else the purpose named) and one year (a payment’s fiscal year; the year a roster’s period begins with). A roster line counts as a payment (it is put forward for one); a payment made from a roster line is the line, counted once. Every line or payment of such a group is a lead, naming the others.',
  inputs: [beneficiarySubjects],
  registries: [],
  parameters: {},
  exclusions: [
    'Roster lines of different funds and periods with no payment among them: stacking programmes is not a duplicate by itself.',
    'Payments of different purpose categories or years.',
    'Invalid ID numbers (see invalid-id-number).',
  ],
  example:
    'Roster A of village 530325102201 and roster B of village 530325102202, same fund and period, both list 530325198001011232: two leads. The same number on a 2019 危房改造 roster and paid directly from another 2019 危房改造 fund line: two leads, the line and the payment.',
  evaluate(input, parameters) {
    const hits: RuleHit[] = [];
    const raised = new Set<string>();
    const raise = (group: CheckSubject[], zh: string, en: string) => {
      for (const subject of group) {
        if (raised.has(subject.id)) continue;
        raised.add(subject.id);
        hits.push(hitOn(this, subject, group, parameters, zh, en));
      }
    };
    const entries = input.subjects.filter((subject) => subject.kind === 'roster-entry');
    for (const group of groupBy(
      entries,
      (s) =>
        s.idNumber === undefined || s.rosterId === undefined
          ? undefined
          : `${s.rosterId}|${s.idNumber}`,
      2,
    )) {
      const first = group[0] as CheckSubject;
      raise(
        group,
        `${first.idNumber}在花名册${first.rosterId}中出现${group.length}次（第${group.map((s) => s.row).join('、')}行）。`,
        `${first.idNumber} appears ${group.length} times in roster ${first.rosterId} (rows ${group.map((s) => s.row).join(', ')}).`,
      );
    }
    for (const group of groupBy(
      entries,
      (s) => (s.idNumber === undefined ? undefined : `${s.fundId}|${s.period}|${s.idNumber}`),
      2,
    )) {
      const villages = [...new Set(group.map((s) => s.villageCode))];
      if (villages.length < 2) continue;
      const first = group[0] as CheckSubject;
      raise(
        group,
        `${first.idNumber}在同一资金（${first.fundId}）同一批次（${first.period}）的${villages.length}个村的花名册中出现：${villages.join('、')}。`,
        `${first.idNumber} is on rosters of ${villages.length} villages for one fund (${first.fundId}) and period (${first.period}): ${villages.join(', ')}.`,
      );
    }
    // Paid twice for one purpose and year: the payments, with the roster lines beside them (a
    // line is put forward for payment, so a person on a roster and paid directly for the same
    // purpose and year is paid twice). A payment made from a roster line is no subject of its
    // own (its line is), so no payment is counted twice. Roster lines with no payment among them
    // are judged by the two branches above alone, as before payments were checked.
    const paid = input.subjects.filter(
      (subject) => subject.kind === 'payment' || subject.kind === 'roster-entry',
    );
    for (const group of groupBy(
      paid,
      (s) =>
        s.idNumber === undefined
          ? undefined
          : `${s.fundCategory ?? s.purpose}|${yearOf(s.period)}|${s.idNumber}`,
      2,
    )) {
      const direct = group.filter((s) => s.kind === 'payment').length;
      if (direct === 0) continue;
      const first = group[0] as CheckSubject;
      const purpose = first.fundCategory ?? first.purpose;
      const year = yearOf(first.period);
      const listed = group.length - direct;
      raise(
        group,
        `${first.idNumber}在${year}年度因“${purpose}”被支付${group.length}次（直接支付${direct}次${listed === 0 ? '' : `，花名册${listed}次`}）。`,
        `${first.idNumber} was paid ${group.length} times for "${purpose}" in ${year} (${direct} direct ${direct === 1 ? 'payment' : 'payments'}${listed === 0 ? '' : `, ${listed} roster ${listed === 1 ? 'line' : 'lines'}`}).`,
      );
    }
    return hits;
  },
};

export const sharedBankAccount: RuleDefinition = {
  id: 'shared-bank-account',
  version: 1,
  title: { zh: '多人共用银行账户', en: 'One bank account for many people' },
  method:
    'One bank account receives money for more than `maxPeople` distinct people (by ID number as written) among the lines and payments checked together: a line and a payment to one person count once.',
  inputs: [beneficiarySubjects],
  registries: [],
  parameters: {
    maxPeople: { description: 'People one account may serve before it is flagged', default: 3 },
    custodialAccounts: {
      description:
        'Declared custodial accounts (guardians, 五保 care homes, cooperatives) that are never flagged',
      default: [],
    },
  },
  exclusions: [
    'Accounts listed in custodialAccounts.',
    'Household-level (按户) payments to one head’s account count once per person named.',
  ],
  example: 'Five lines of one roster, five ID numbers, one account 6217000012345678: five leads.',
  evaluate(input, parameters) {
    const maxPeople = parameters.maxPeople as number;
    const custodial = new Set(parameters.custodialAccounts as string[]);
    const hits: RuleHit[] = [];
    // An account with no more lines than `maxPeople` cannot serve more people than that.
    for (const group of groupBy(
      input.subjects,
      (s) =>
        s.bankAccount === undefined || s.bankAccount === '' || custodial.has(s.bankAccount)
          ? undefined
          : s.bankAccount,
      Math.floor(maxPeople) + 1,
    )) {
      const account = (group[0] as CheckSubject).bankAccount as string;
      const people = new Set(group.map((s) => s.idNumber ?? s.idNumberAsWritten));
      if (people.size <= maxPeople) continue;
      for (const subject of group)
        hits.push(
          hitOn(
            this,
            subject,
            group,
            parameters,
            `银行账户${account}收取${people.size}人的款项（上限${maxPeople}人）。`,
            `Bank account ${account} receives money for ${people.size} people (at most ${maxPeople}).`,
          ),
        );
    }
    return hits;
  },
};

export const overCap: RuleDefinition = {
  id: 'over-cap',
  version: 1,
  title: { zh: '超标准享受', en: 'Over the per-person cap' },
  method:
    'The sum of one person’s lines and payments for one purpose and period exceeds the cap that `capsFen` sets for that purpose (integer fen).',
  inputs: [beneficiarySubjects],
  registries: [],
  parameters: {
    capsFen: {
      description:
        'Cap per person per purpose and period, in fen, keyed by purpose; a purpose without a cap is not checked',
      default: {},
    },
  },
  exclusions: ['Purposes without a cap.', 'Invalid ID numbers (see invalid-id-number).'],
  example:
    'capsFen {"危房改造": "3500000"}; one person on two lines of 20,000 yuan for 危房改造 in 2019: two leads.',
  evaluate(input, parameters) {
    const caps = parameters.capsFen as Record<string, string>;
    const hits: RuleHit[] = [];
    for (const group of groupBy(
      input.subjects,
      (s) =>
        s.idNumber === undefined || caps[s.purpose] === undefined
          ? undefined
          : `${s.purpose}|${s.period}|${s.idNumber}`,
      1,
    )) {
      const first = group[0] as CheckSubject;
      const cap = BigInt(caps[first.purpose] as string);
      const total = group.reduce((sum, s) => sum + BigInt(s.amountFen), 0n);
      if (total <= cap) continue;
      for (const subject of group)
        hits.push(
          hitOn(
            this,
            subject,
            group,
            parameters,
            `${first.idNumber}在${first.period}因“${first.purpose}”共计${yuan(total)}元，超过标准${yuan(cap)}元。`,
            `${first.idNumber} gets ${yuan(total)} yuan for "${first.purpose}" in ${first.period}, over the cap of ${yuan(cap)}.`,
          ),
        );
    }
    return hits;
  },
};

function yuan(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
