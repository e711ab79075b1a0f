import { RequestFieldError } from '@sunlight/kernel';
import {
  Division,
  DivisionDataError,
  divisionCodeLengthByLevel,
  DivisionLevel,
  divisionLevelDepth,
  divisionLevels,
  InvalidVillageGroupError,
  UnknownDivisionError,
} from './division';
import { DivisionRecord } from './division-csv.parser';
import {
  isValidVillageGroupNumber,
  parseVillageGroupCode,
  villageGroupCode,
  villageGroupNumberMax,
} from './village-group';

export interface AddVillageGroup {
  readonly villageCode: string;
  readonly groupNumber: number;
  readonly name: string;
}

// Plain string order is wrong for groups ("-10" sorts before "-2"), so groups compare by number.
function compareDivisionCodes(left: string, right: string): number {
  const leftGroup = parseVillageGroupCode(left);
  const rightGroup = parseVillageGroupCode(right);
  if (
    leftGroup !== undefined &&
    rightGroup !== undefined &&
    leftGroup.villageCode === rightGroup.villageCode
  ) {
    return leftGroup.groupNumber - rightGroup.groupNumber;
  }
  return left < right ? -1 : left > right ? 1 : 0;
}

export class DivisionRegistry {
  private readonly divisions = new Map<string, Division>();
  private readonly childCodes = new Map<string, string[]>();

  private constructor() {}

  // Validates the whole set before anything is usable, so a bad file never yields a half-built registry.
  static fromRecords(records: readonly DivisionRecord[]): DivisionRegistry {
    const registry = new DivisionRegistry();
    const recordByCode = new Map<string, DivisionRecord>();
    for (const record of records) {
      const earlier = recordByCode.get(record.code);
      if (earlier !== undefined) {
        throw new DivisionDataError(
          record.source,
          record.line,
          `duplicate code ${record.code} (first defined at ${earlier.source} line ${earlier.line})`,
        );
      }
      const expectedLength = divisionCodeLengthByLevel[record.level];
      if (record.code.length !== expectedLength) {
        throw new DivisionDataError(
          record.source,
          record.line,
          `${record.level} code ${record.code} must have ${expectedLength} digits`,
        );
      }
      recordByCode.set(record.code, record);
    }
    for (const record of records) {
      DivisionRegistry.checkParent(record, recordByCode);
      registry.divisions.set(record.code, {
        code: record.code,
        name: record.name,
        level: record.level,
        parentCode: record.parentCode,
      });
      if (record.parentCode !== null) registry.appendChild(record.parentCode, record.code);
    }
    for (const children of registry.childCodes.values()) children.sort(compareDivisionCodes);
    return registry;
  }

  private static checkParent(
    record: DivisionRecord,
    recordByCode: ReadonlyMap<string, DivisionRecord>,
  ): void {
    const fail = (detail: string): never => {
      throw new DivisionDataError(record.source, record.line, detail);
    };
    if (record.level === 'province') {
      if (record.parentCode !== null)
        fail(`province ${record.code} must not have a parent, got ${record.parentCode}`);
      return;
    }
    if (record.parentCode === null)
      return fail(`${record.level} ${record.code} has no parent code`);
    const parent = recordByCode.get(record.parentCode);
    if (parent === undefined)
      return fail(`parent ${record.parentCode} of ${record.code} does not exist`);
    if (divisionLevelDepth(parent.level) !== divisionLevelDepth(record.level) - 1) {
      fail(
        `${record.level} ${record.code} cannot sit directly under ${parent.level} ${parent.code}`,
      );
    }
    if (!record.code.startsWith(parent.code))
      fail(`code ${record.code} does not start with its parent's code ${parent.code}`);
  }

  get size(): number {
    return this.divisions.size;
  }

  has(code: string): boolean {
    return this.divisions.has(code);
  }

  get(code: string): Division | undefined {
    return this.divisions.get(code);
  }

  require(code: string): Division {
    const division = this.divisions.get(code);
    if (division === undefined) throw new UnknownDivisionError(code);
    return division;
  }

  levelOf(code: string): DivisionLevel {
    return this.require(code).level;
  }

  parentOf(code: string): Division | undefined {
    const { parentCode } = this.require(code);
    return parentCode === null ? undefined : this.require(parentCode);
  }

  childrenOf(code: string): Division[] {
    this.require(code);
    return (this.childCodes.get(code) ?? []).map((childCode) => this.require(childCode));
  }

  ancestorsOf(code: string): Division[] {
    const ancestors: Division[] = [];
    let current = this.parentOf(code);
    while (current !== undefined) {
      ancestors.push(current);
      // Validation makes each parent one level up, so a longer chain means the maps were corrupted.
      if (ancestors.length > divisionLevels.length)
        throw new Error(`Division ancestry of ${code} does not terminate`);
      current = this.parentOf(current.code);
    }
    return ancestors.reverse();
  }

  // Access questions answer "no" for unknown codes rather than throwing: an unknown code is inside nothing.
  isDirectChild(parentCode: string, childCode: string): boolean {
    return this.divisions.get(childCode)?.parentCode === parentCode;
  }

  isWithin(code: string, jurisdictionCode: string): boolean {
    if (!this.divisions.has(code) || !this.divisions.has(jurisdictionCode)) return false;
    if (code === jurisdictionCode) return true;
    return this.ancestorsOf(code).some((ancestor) => ancestor.code === jurisdictionCode);
  }

  countsByLevel(): Record<DivisionLevel, number> {
    const counts = Object.fromEntries(divisionLevels.map((level) => [level, 0])) as Record<
      DivisionLevel,
      number
    >;
    for (const division of this.divisions.values()) counts[division.level] += 1;
    return counts;
  }

  addVillageGroup({ villageCode, groupNumber, name }: AddVillageGroup): Division {
    const village = this.require(villageCode);
    if (village.level !== 'village') {
      throw new InvalidVillageGroupError(
        'not_a_village',
        villageCode,
        `Village groups belong under a village, but ${villageCode} is a ${village.level}`,
      );
    }
    if (!isValidVillageGroupNumber(groupNumber)) {
      throw new InvalidVillageGroupError(
        'invalid_group_number',
        villageCode,
        `Village group number must be an integer from 1 to ${villageGroupNumberMax}, got ${groupNumber}`,
      );
    }
    const code = villageGroupCode(villageCode, groupNumber);
    const trimmedName = name.trim();
    if (trimmedName === '')
      throw new InvalidVillageGroupError(
        'invalid_name',
        code,
        `Village group ${code} needs a name`,
      );
    if (this.divisions.has(code)) {
      throw new InvalidVillageGroupError(
        'duplicate',
        code,
        `Village group ${code} is already registered`,
      );
    }
    const group: Division = {
      code,
      name: trimmedName,
      level: 'village_group',
      parentCode: villageCode,
    };
    this.divisions.set(code, group);
    this.insertChildSorted(villageCode, code);
    return group;
  }

  private appendChild(parentCode: string, childCode: string): void {
    const children = this.childCodes.get(parentCode);
    if (children === undefined) this.childCodes.set(parentCode, [childCode]);
    else children.push(childCode);
  }

  private insertChildSorted(parentCode: string, childCode: string): void {
    const children = this.childCodes.get(parentCode);
    if (children === undefined) {
      this.childCodes.set(parentCode, [childCode]);
      return;
    }
    const index = children.findIndex((existing) => compareDivisionCodes(childCode, existing) < 0);
    children.splice(index === -1 ? children.length : index, 0, childCode);
  }
}

/** Unknown division codes in a request body are bad input (400 naming the field), not a missing resource. */
export function requireKnownDivision(
  divisions: DivisionRegistry,
  code: string,
  field: string,
): void {
  if (divisions.get(code) !== undefined) return;
  throw new RequestFieldError(field, `${code} is not a known division code`);
}
