// Proves the rules over Sunlight's own records on plain data, given/when/then: not-registered and
// late-addition over the household register, paid-without-photos and reused-photo over projects.
// Each raises a lead with the events it rests on for what it is meant to find, none for what it
// documents as excluded, and honours its parameters exactly at their boundaries.
import { makeIdNumber } from '@sunlight/geo';
import type { EvidenceEvent, HouseholdRegister, Membership, ProjectRecord } from './records';
import { RegistryIndex } from './registries';
import {
  findingOfHit,
  lateAddition,
  notRegistered,
  paidWithoutPhotos,
  parametersOf,
  projectSubject,
  reusedPhoto,
  type RuleDefinition,
  type RuleInput,
  type RuleParameters,
} from '.';
import type { CheckSubject } from './subjects';

const village = '530325102201';
const otherVillage = '530325102202';
const person = makeIdNumber('530325', '19800101', '123');
let positions = 0;
const evidence = (type: string, streamName: string): EvidenceEvent => {
  positions += 1;
  return { eventId: `ev-${positions}`, position: String(positions), streamName, type };
};

function subject(overrides: Partial<CheckSubject> = {}): CheckSubject {
  return {
    id: 'roster-entry:ro-530325102-000000000001#2',
    kind: 'roster-entry',
    name: '张三',
    idNumberAsWritten: person,
    idNumber: person,
    bankAccount: '6217000012345678',
    amountFen: '300000',
    villageCode: village,
    fundId: 'fy-2019-cyfz',
    purpose: '产业发展',
    period: '2019年',
    referenceDate: '2019-03-01',
    listedOn: '2019-04-10',
    listing: { eventId: 'upload', position: '1', streamName: 'roster-ro-530325102-000000000001' },
    event: { eventId: 'line', position: '2', streamName: 'roster-ro-530325102-000000000001' },
    rosterId: 'ro-530325102-000000000001',
    row: 2,
    ...overrides,
  };
}

function household(villageCode = village, registeredOn = '2016-05-01', n = 1) {
  const householdId = `hh-${villageCode}-${n}`;
  return {
    householdId,
    villageCode,
    registeredOn,
    registration: evidence('HouseholdRegistered', `household-${householdId}`),
  };
}

function stay(overrides: Partial<Membership> = {}): Membership {
  const householdId = overrides.householdId ?? `hh-${village}-1`;
  return {
    idNumber: person,
    name: '张三',
    householdId,
    villageCode: village,
    birthDate: '1980-01-01',
    addedOn: '2016-05-01',
    added: evidence('MemberAdded', `household-${householdId}`),
    ...overrides,
  };
}

function register(memberships: Membership[], households = [household()]): HouseholdRegister {
  return { households, memberships };
}

function when(rule: RuleDefinition, input: Partial<RuleInput>, given: RuleParameters = {}) {
  return rule.evaluate(
    { subjects: [], registries: new RegistryIndex([]), ...input },
    parametersOf(rule, given),
  );
}

describe('not-registered', () => {
  it('given a registered village and a line of no member of it, when checked, then one lead naming the parameters', () => {
    const hits = when(notRegistered, { subjects: [subject()], households: register([]) });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      ruleId: 'not-registered',
      ruleVersion: 2,
      subject: { id: 'roster-entry:ro-530325102-000000000001#2', row: 2 },
      events: [],
      parameters: { purposes: ['产业发展'] },
    });
    expect(hits[0]?.explanation.zh).toContain('不是530325102201村任何建档立卡户的在册成员');
    expect(hits[0]?.explanation.en).toContain('not an active member');
  });

  it('given an active member of a household of the village, then no lead; an exited household still counts', () => {
    expect(when(notRegistered, { subjects: [subject()], households: register([stay()]) })).toEqual(
      [],
    );
  });

  it('judges membership on the reference date: added on it counts, removed on it does not', () => {
    const addedThatDay = stay({ addedOn: '2019-03-01' });
    expect(
      when(notRegistered, { subjects: [subject()], households: register([addedThatDay]) }),
    ).toEqual([]);
    const addedAfter = stay({ addedOn: '2019-03-02' });
    const late = when(notRegistered, { subjects: [subject()], households: register([addedAfter]) });
    expect(late).toHaveLength(1);
    expect(late[0]?.events).toEqual([addedAfter.added]);
    expect(late[0]?.explanation.zh).toContain('2019-03-02才加入');

    const removed = evidence('MemberRemoved', `household-hh-${village}-1`);
    const leftThatDay = stay({ removedOn: '2019-03-01', removed });
    const hits = when(notRegistered, {
      subjects: [subject()],
      households: register([leftThatDay]),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.events).toEqual([leftThatDay.added, removed]);
    expect(
      when(notRegistered, {
        subjects: [subject()],
        households: register([stay({ removedOn: '2019-03-02', removed })]),
      }),
    ).toEqual([]);
  });

  it('flags a member of a household of another village, naming it', () => {
    const elsewhere = stay({ householdId: `hh-${otherVillage}-4`, villageCode: otherVillage });
    const hits = when(notRegistered, {
      subjects: [subject()],
      households: register([elsewhere], [household(), household(otherVillage, '2016-01-01', 4)]),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.explanation.zh).toContain(`hh-${otherVillage}-4户的成员`);
  });

  it('asks the fund line’s purpose category first, the roster’s own purpose text only without it', () => {
    const industry = subject({ purpose: '产业发展补助（肉牛养殖）', fundCategory: '产业发展' });
    expect(when(notRegistered, { subjects: [industry], households: register([]) })).toHaveLength(1);
    const renovation = subject({ purpose: '产业发展', fundCategory: '危房改造' });
    expect(when(notRegistered, { subjects: [renovation], households: register([]) })).toEqual([]);
    const freeText = subject({ purpose: '产业发展补助（肉牛养殖）' });
    expect(when(notRegistered, { subjects: [freeText], households: register([]) })).toEqual([]);
  });

  it('leaves out other purposes, villages whose register was not kept by then, and invalid numbers', () => {
    expect(
      when(notRegistered, {
        subjects: [subject({ purpose: '危房改造' })],
        households: register([]),
      }),
    ).toEqual([]);
    expect(
      when(
        notRegistered,
        { subjects: [subject({ purpose: '危房改造' })], households: register([]) },
        { purposes: ['危房改造'] },
      ),
    ).toHaveLength(1);
    // The village's first household was registered after the reference date: not kept yet.
    expect(
      when(notRegistered, {
        subjects: [subject()],
        households: register([], [household(village, '2019-03-02')]),
      }),
    ).toEqual([]);
    expect(
      when(notRegistered, {
        subjects: [subject()],
        households: register([], [household(village, '2019-03-01')]),
      }),
    ).toHaveLength(1);
    expect(
      when(notRegistered, {
        subjects: [subject({ villageCode: otherVillage })],
        households: register([]),
      }),
    ).toEqual([]);
    const { idNumber: _valid, ...invalid } = subject({ idNumberAsWritten: '53032519800101123' });
    expect(when(notRegistered, { subjects: [invalid], households: register([]) })).toEqual([]);
  });

  it('raises nothing without the register', () => {
    expect(when(notRegistered, { subjects: [subject()] })).toEqual([]);
  });
});

describe('late-addition', () => {
  // Listed on 2019-04-10: 30 days before is 2019-03-11.
  it('given a member added 29 days before the listing, then a lead naming the MemberAdded; 30 days is not', () => {
    const joined = stay({ addedOn: '2019-03-12' });
    const hits = when(lateAddition, {
      subjects: [subject({ appliedOn: '2019-03-01' })],
      households: register([joined]),
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      ruleId: 'late-addition',
      events: [joined.added],
      parameters: { minDaysInHousehold: 30, minDaysOnRoster: 7 },
    });
    expect(hits[0]?.explanation.zh).toContain('2019-03-12才加入');
    expect(hits[0]?.explanation.en).toContain('(29 days before)');
    expect(
      when(lateAddition, {
        subjects: [subject({ appliedOn: '2019-03-01' })],
        households: register([stay({ addedOn: '2019-03-11' })]),
      }),
    ).toEqual([]);
  });

  it('honours minDaysInHousehold at its boundary', () => {
    const input = {
      subjects: [subject()],
      households: register([stay({ addedOn: '2019-03-31' })]),
    };
    expect(when(lateAddition, input, { minDaysInHousehold: 11 })).toHaveLength(1);
    expect(when(lateAddition, input, { minDaysInHousehold: 10 })).toEqual([]);
  });

  it('names the registration when the household itself was registered late', () => {
    const registration = evidence('HouseholdRegistered', `household-hh-${village}-1`);
    const joined = stay({ addedOn: '2019-04-01', registration });
    const hits = when(lateAddition, { subjects: [subject()], households: register([joined]) });
    expect(hits[0]?.events).toEqual([joined.added, registration]);
    expect(hits[0]?.explanation.en).toContain('was registered only on 2019-04-01');
  });

  it('leaves out newborns, moves between households without a gap, and people of no household', () => {
    const baby = stay({ addedOn: '2019-04-01', birthDate: '2019-03-11' });
    expect(when(lateAddition, { subjects: [subject()], households: register([baby]) })).toEqual([]);
    const bornEarlier = stay({ addedOn: '2019-04-01', birthDate: '2019-03-10' });
    expect(
      when(lateAddition, { subjects: [subject()], households: register([bornEarlier]) }),
    ).toHaveLength(1);
    const moved = [
      stay({ removedOn: '2019-04-01', removed: evidence('MemberRemoved', 'household-a') }),
      stay({ householdId: `hh-${village}-2`, addedOn: '2019-04-01' }),
    ];
    expect(when(lateAddition, { subjects: [subject()], households: register(moved) })).toEqual([]);
    expect(when(lateAddition, { subjects: [subject()], households: register([]) })).toEqual([]);
  });

  it('given an application fewer than minDaysOnRoster days before the upload, then a lead naming the upload', () => {
    const hits = when(lateAddition, { subjects: [subject({ appliedOn: '2019-04-04' })] });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.events).toEqual([
      {
        eventId: 'upload',
        position: '1',
        streamName: 'roster-ro-530325102-000000000001',
        type: 'RosterUploaded',
      },
    ]);
    expect(hits[0]?.explanation.zh).toContain('2019-04-04才申请（6天前）');
    expect(when(lateAddition, { subjects: [subject({ appliedOn: '2019-04-03' })] })).toEqual([]);
    expect(
      when(
        lateAddition,
        { subjects: [subject({ appliedOn: '2019-04-03' })] },
        { minDaysOnRoster: 8 },
      ),
    ).toHaveLength(1);
    // Without an application date, (b) does not apply.
    expect(when(lateAddition, { subjects: [subject()] })).toEqual([]);
  });
});

function project(overrides: Partial<ProjectRecord> = {}): ProjectRecord {
  const projectId = overrides.projectId ?? `prj-${village}-3`;
  return {
    projectId,
    divisionCode: village,
    name: '肉牛养殖圈舍',
    category: '产业',
    plannedStart: '2019-03-01',
    planned: evidence('ProjectPlanned', `project-${projectId}`),
    photos: [],
    payments: [],
    ...overrides,
  };
}

const payment = (amountFen = '12000000') => ({
  fundId: 'fy-2019-cyfz',
  transferId: `t-${positions}`,
  amountFen,
  paidOn: '2019-05-10',
  paid: evidence('DisbursementPaid', 'pool-fy-2019-cyfz.530325102'),
});

function photo(sha: string, stage = '完工后', projectId = `prj-${village}-3`) {
  return {
    sha256: sha.repeat(64 / sha.length),
    dHash: '0123456789abcdef',
    stage,
    uploadedAt: '2019-06-02T10:00:00.000Z',
    added: evidence('PhotoAdded', `project-${projectId}`),
  };
}

describe('paid-without-photos', () => {
  it('given a paid project without any photo, then one lead on the project naming the payment', () => {
    const paid = project({ payments: [payment()] });
    const hits = when(paidWithoutPhotos, { projects: [paid] });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      ruleId: 'paid-without-photos',
      subject: { id: `project:prj-${village}-3` },
      events: [paid.planned, paid.payments[0]?.paid],
      parameters: { completionStage: '完工后', requireCompletionPhoto: true },
    });
    expect(hits[0]?.explanation.zh).toContain('1笔共120000.00元，但没有任何照片');
  });

  it('leaves out projects never paid, and an unfinished paid project with a photo of any stage', () => {
    expect(when(paidWithoutPhotos, { projects: [project()] })).toEqual([]);
    expect(
      when(paidWithoutPhotos, {
        projects: [project({ payments: [payment()], photos: [photo('a', '开工前')] })],
      }),
    ).toEqual([]);
  });

  it('given a completed paid project without a photo of completionStage, then a lead, unless not required', () => {
    const completed = {
      on: '2019-06-01',
      event: evidence('ProjectCompleted', `project-prj-${village}-3`),
    };
    const before = photo('a', '开工前');
    const done = project({ payments: [payment()], photos: [before], completed });
    const hits = when(paidWithoutPhotos, { projects: [done] });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.events).toContainEqual(completed.event);
    expect(hits[0]?.events).toContainEqual(before.added);
    expect(hits[0]?.explanation.en).toContain('no photo of stage 完工后');
    expect(
      when(paidWithoutPhotos, { projects: [done] }, { requireCompletionPhoto: false }),
    ).toEqual([]);
    expect(when(paidWithoutPhotos, { projects: [done] }, { completionStage: '开工前' })).toEqual(
      [],
    );
    expect(
      when(paidWithoutPhotos, {
        projects: [{ ...done, photos: [before, photo('b', '完工后')] }],
      }),
    ).toEqual([]);
  });
});

describe('reused-photo', () => {
  const first = `prj-${village}-3`;
  const second = `prj-${otherVillage}-4`;
  function pair(kind: 'exact' | 'near', distance: number) {
    const original = photo('a', '完工后', first);
    const copy = {
      ...photo(kind === 'exact' ? 'a' : 'b', '完工后', second),
      check: {
        event: evidence('PhotoChecked', `project-${second}`),
        hammingDistanceMax: 6,
        duplicates: [{ kind, projectId: first, sha256: original.sha256, distance }],
      },
    };
    const a = project({ projectId: first, photos: [original] });
    const b = project({ projectId: second, divisionCode: otherVillage, photos: [copy] });
    return { a, b, original, copy };
  }

  it('given a photo whose check found the same file on another project, then a lead on the later project naming both photos', () => {
    const { a, b, original, copy } = pair('exact', 0);
    const { type: _type, ...plannedRef } = a.planned;
    const hits = when(reusedPhoto, { projects: [a, b] });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      ruleId: 'reused-photo',
      subject: { id: `project:${second}` },
      related: [{ id: `project:${first}`, event: plannedRef }],
      events: [copy.added, copy.check.event, original.added],
    });
    expect(hits[0]?.explanation.zh).toContain('同一文件');
  });

  it('counts a near match up to hammingDistanceMax, and only with includeNear', () => {
    const { a, b } = pair('near', 4);
    expect(when(reusedPhoto, { projects: [a, b] })).toHaveLength(1);
    expect(when(reusedPhoto, { projects: [a, b] }, { hammingDistanceMax: 4 })).toHaveLength(1);
    expect(when(reusedPhoto, { projects: [a, b] }, { hammingDistanceMax: 3 })).toEqual([]);
    expect(when(reusedPhoto, { projects: [a, b] }, { includeNear: false })).toEqual([]);
  });

  it('leaves out excluded pictures, photos not checked yet, and matches within one project', () => {
    const { a, b, original, copy } = pair('exact', 0);
    expect(when(reusedPhoto, { projects: [a, b] }, { excludedPhotos: [original.sha256] })).toEqual(
      [],
    );
    const { check: _check, ...unchecked } = copy;
    expect(when(reusedPhoto, { projects: [a, { ...b, photos: [unchecked] }] })).toEqual([]);
    const same = {
      ...copy,
      check: { ...copy.check, duplicates: [{ ...copy.check.duplicates[0]!, projectId: second }] },
    };
    expect(when(reusedPhoto, { projects: [a, { ...b, photos: [same] }] })).toEqual([]);
  });

  it('becomes a finding whose id follows from the events it rests on', () => {
    const { a, b } = pair('exact', 0);
    const [hit] = when(reusedPhoto, { projects: [a, b] });
    if (hit === undefined) throw new Error('no hit');
    const finding = findingOfHit(hit, projectSubject(b), () => 'none');
    expect(finding.findingId).toMatch(new RegExp(`^fd-${otherVillage}-[0-9a-f]{24}$`));
    expect(finding.events).toEqual(hit.events);
    expect(finding.subject).toMatchObject({
      kind: 'project',
      idNumber: '',
      villageCode: otherVillage,
    });
    const again = findingOfHit({ ...hit }, projectSubject(b), () => 'none');
    expect(again.findingId).toBe(finding.findingId);
    const fewer = findingOfHit(
      { ...hit, events: hit.events.slice(1) },
      projectSubject(b),
      () => 'none',
    );
    expect(fewer.findingId).not.toBe(finding.findingId);
  });
});
