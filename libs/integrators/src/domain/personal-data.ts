/*
 * Personal data in event data, and the one way it is masked for a reader without the
 * `personal-data` scope (docs/integrators.md): a name keeps its first character (张三丰 → 张*),
 * an ID number its first 6 and last 4 (530325********001X), a bank account its last 4, a phone
 * its first 3 and last 4 (138****5678; a shorter one only its last 4). Free-form cells whose
 * meaning is unknown (a roster's extra columns) are withheld whole.
 *
 * Every event type any context writes is listed here, either with the fields that carry personal
 * data or as carrying none, and the spec checks that against each context's own list of event
 * types, so a new event type cannot reach a feed unmasked by being forgotten here.
 */

export type PersonalDataKind =
  'name' | 'idNumber' | 'bankAccount' | 'phone' | 'withheld' | 'rosterCells';

/**
 * A field of an event's data: `a.b` walks objects, `a[]` is each element of a list of strings
 * (`a[].b` each element's field of a list of objects),
 * `a{}` is each value of a map of strings (`rosterCells` masks each by its column).
 */
export type PersonalDataRule = readonly [path: string, kind: PersonalDataKind];

export const personalDataRules: Readonly<Record<string, readonly PersonalDataRule[]>> = {
  // funds
  DisbursementRequested: [
    ['beneficiary.name', 'name'],
    ['beneficiary.idNumber', 'idNumber'],
    ['beneficiary.bankAccount', 'bankAccount'],
  ],
  // households
  HouseholdRegistered: [
    ['headName', 'name'],
    ['bankAccount', 'bankAccount'],
    ['phone', 'phone'],
  ],
  MemberAdded: [
    ['name', 'name'],
    ['idNumber', 'idNumber'],
  ],
  MemberRemoved: [
    ['name', 'name'],
    ['idNumber', 'idNumber'],
  ],
  HousingAssessed: [['assessor', 'name']],
  HelperAssigned: [
    ['name', 'name'],
    ['phone', 'phone'],
  ],
  // rosters
  RosterEntryAccepted: [
    ['name', 'name'],
    ['idNumber', 'idNumber'],
    ['bankAccount', 'bankAccount'],
    ['phone', 'phone'],
    ['extra{}', 'withheld'],
  ],
  RosterEntryRejected: [['values{}', 'rosterCells']],
  // projects
  ProjectPlanned: [
    ['responsiblePerson.name', 'name'],
    ['responsiblePerson.phone', 'phone'],
    ['beneficiaries.idNumbers[]', 'idNumber'],
  ],
  ProjectAccepted: [['acceptedBy', 'name']],
  // oversight: a refused registry line's reason may quote what was written (a date of death)
  RegistrySnapshotImported: [['rejections[].reason', 'withheld']],
  // oversight: a finding's explanation quotes the person's name and ID number
  FindingRaised: [
    ['subject.name', 'name'],
    ['subject.idNumber', 'idNumber'],
    ['explanation.zh', 'withheld'],
    ['explanation.en', 'withheld'],
  ],
  // oversight: what a commission wrote on a finding may name the people it checked
  FindingAssigned: [['note', 'withheld']],
  FindingDisposed: [['reason', 'withheld']],
  FindingReopened: [['reason', 'withheld']],
  // oversight: a spot-check visit's remarks are what the visitor wrote about the people visited
  SpotCheckVisitRecorded: [['remarks', 'withheld']],
};

/** Event types whose data names no person (ids of users are not personal data here). */
export const eventTypesWithoutPersonalData: readonly string[] = [
  // funds
  'FundLineCreated',
  'FundsAppropriated',
  'AllocationSent',
  'AllocationReceived',
  'RosterBatchReserved',
  'RosterBatchReleased',
  'DisbursementApproved',
  'DisbursementRejected',
  'DisbursementPaid',
  'DisbursementFailed',
  'TransferReversed',
  'FundsRecovered',
  // geo
  'VillageGroupRegistered',
  // households
  'IncomeRecorded',
  'PolicyEnjoyed',
  'IndustryProjectJoined',
  'ExitEvaluated',
  'ExitApplied',
  'ExitVillageReviewed',
  'ExitTownshipReviewed',
  'ExitNoticePublished',
  'ExitApproved',
  'ReturnedToPoverty',
  'MonitoringStarted',
  'RiskEliminated',
  // rosters
  'RosterUploaded',
  'RosterParsed',
  'RosterApproved',
  'RosterRejected',
  'RosterSettlementFileReceived',
  // oversight
  'RegistrySnapshotUploaded',
  'SpotCheckDrawn',
  // projects
  'MilestoneReached',
  'ProjectCompleted',
  'ProjectSuspended',
  'PhotoAdded',
  'PhotoChecked',
];

const maskCharacter = '*';

export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  return characters.length === 0 ? '' : `${characters[0]}${maskCharacter}`;
}

export function maskIdNumber(idNumber: string): string {
  const characters = Array.from(idNumber);
  if (characters.length <= 10) return maskCharacter.repeat(characters.length);
  return `${characters.slice(0, 6).join('')}${maskCharacter.repeat(characters.length - 10)}${characters.slice(-4).join('')}`;
}

export function maskBankAccount(account: string): string {
  const characters = Array.from(account);
  if (characters.length <= 4) return maskCharacter.repeat(characters.length);
  return `${maskCharacter.repeat(characters.length - 4)}${characters.slice(-4).join('')}`;
}

export function maskPhone(phone: string): string {
  const characters = Array.from(phone);
  if (characters.length <= 4) return maskCharacter.repeat(characters.length);
  const kept = characters.length >= 11 ? 3 : 0;
  return `${characters.slice(0, kept).join('')}${maskCharacter.repeat(characters.length - kept - 4)}${characters.slice(-4).join('')}`;
}

/** A roster's cells by column (field name or header as written, 姓名 or name …). */
const rosterCellKinds: ReadonlyMap<string, PersonalDataKind | 'kept'> = new Map([
  ['name', 'name'],
  ['姓名', 'name'],
  ['id_number', 'idNumber'],
  ['身份证号', 'idNumber'],
  ['bank_account', 'bankAccount'],
  ['银行账号', 'bankAccount'],
  ['phone', 'phone'],
  ['联系电话', 'phone'],
  ['amount', 'kept'],
  ['金额', 'kept'],
  ['village_group', 'kept'],
  ['村组', 'kept'],
  ['household_id', 'kept'],
  ['户编号', 'kept'],
  ['applied_on', 'kept'],
  ['申请日期', 'kept'],
]);

function maskValue(kind: Exclude<PersonalDataKind, 'rosterCells'>, value: string): string {
  switch (kind) {
    case 'name':
      return maskName(value);
    case 'idNumber':
      return maskIdNumber(value);
    case 'bankAccount':
      return maskBankAccount(value);
    case 'phone':
      return maskPhone(value);
    case 'withheld':
      return value === '' ? '' : maskCharacter;
  }
}

function maskRosterCell(column: string, value: string): string {
  const kind = rosterCellKinds.get(
    column
      .trim()
      .toLowerCase()
      .replace(/（[^（）]*）/g, ''),
  );
  if (kind === 'kept') return value;
  // A column of unknown meaning (备注 and the file's own extras) may name anyone: withheld.
  return maskValue(kind === undefined || kind === 'rosterCells' ? 'withheld' : kind, value);
}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `data` with the field at `path` masked; `data` itself is never changed. */
function maskPath(data: unknown, segments: readonly string[], kind: PersonalDataKind): unknown {
  if (!isObject(data) || segments.length === 0) return data;
  const [segment, ...rest] = segments as [string, ...string[]];
  const list = segment.endsWith('[]');
  const map = segment.endsWith('{}');
  const key = list || map ? segment.slice(0, -2) : segment;
  if (!(key in data)) return data;
  const value = data[key];
  let masked: unknown = value;
  if (rest.length > 0)
    masked =
      list && Array.isArray(value)
        ? value.map((item) => maskPath(item, rest, kind))
        : maskPath(value, rest, kind);
  else if (list && Array.isArray(value))
    masked = value.map((item) => (typeof item === 'string' ? maskLeaf(kind, key, item) : item));
  else if (map && isObject(value))
    masked = Object.fromEntries(
      Object.entries(value).map(([column, cell]) => [
        column,
        typeof cell === 'string' ? maskLeaf(kind, column, cell) : cell,
      ]),
    );
  else if (typeof value === 'string') masked = maskLeaf(kind, key, value);
  return masked === value ? data : { ...data, [key]: masked };
}

function maskLeaf(kind: PersonalDataKind, column: string, value: string): string {
  return kind === 'rosterCells' ? maskRosterCell(column, value) : maskValue(kind, value);
}

/**
 * The event's data as a reader without the personal-data scope sees it. An event type nobody
 * described is withheld whole (`{}`): a new context's data is never shown unmasked by default.
 */
export function maskEventData(type: string, data: Json): Json {
  const rules = personalDataRules[type];
  if (rules === undefined) {
    return eventTypesWithoutPersonalData.includes(type) ? data : {};
  }
  let masked: unknown = data;
  for (const [path, kind] of rules) masked = maskPath(masked, path.split('.'), kind);
  return masked as Json;
}

/** Keys an event claims in its metadata that name a person (`person:<ID number>`). */
const personClaimPrefix = 'person:';

/** The event's metadata with the ID numbers in its claims and releases masked. */
export function maskEventMetadata(metadata: Json): Json {
  let masked = metadata;
  for (const key of ['claims', 'releases']) {
    const keys = metadata[key];
    if (!Array.isArray(keys)) continue;
    masked = {
      ...masked,
      [key]: keys.map((claim) =>
        typeof claim === 'string' && claim.startsWith(personClaimPrefix)
          ? `${personClaimPrefix}${maskIdNumber(claim.slice(personClaimPrefix.length))}`
          : claim,
      ),
    };
  }
  return masked;
}
