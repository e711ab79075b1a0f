import { idNumberCheckDigit, makeIdNumber, type DivisionRegistry } from '@sunlight/geo';
import type { RegistryKind } from '@sunlight/oversight';
import { seededRandom, type Random } from '../demo-county';

/*
 * `sunlight demo --scenario fuyuan`: the seed's county case as data, planned without I/O from a
 * seed. One house-renovation (危房改造) roster of 9,555 applicants with their application dates;
 * the six registries of formats.md planted so that exactly 202 applicants are public servants or
 * village cadres (or a cadre's close relative), 51 business owners, 7 vehicle owners and 2 buyers
 * of commercial housing — among thousands of registry rows about other people and noise that the
 * rules must leave alone; and a township industry-fund roster fabricated to take 180,000 yuan.
 *
 * Every planted case is written down in `expected`, so a test can compare what the rules find
 * with what was planted, one ID number at a time, instead of only counting.
 */

export const fuyuanCounty = '530325';
export const fuyuanApplicantsFull = 9_555;
/** The seed's figures: applicants each rule must find, no more and no fewer. */
export const fuyuanPlanted = {
  'public-servant-or-cadre-relative': 202,
  'business-owner': 51,
  'vehicle-owner': 7,
  'property-buyer': 2,
} as const;
export type FuyuanRegistryRule = keyof typeof fuyuanPlanted;
export const fuyuanFabricatedYuan = 180_000;

/** The day the departments' copies describe: after every application, before any check. */
export const fuyuanRegistryAsOf = '2019-06-30';
const applicationsFrom = '2019-01-02';
const applicationDays = 86;
const period = '2019年';
const fabricatedEntryYuan = 3_000;

export interface ScenarioFile {
  /** File name as a county would send it. */
  name: string;
  header: string[];
  rows: string[][];
}

export interface ScenarioFund {
  fundId: string;
  name: string;
  fiscalYear: number;
  purposeCategory: string;
  source: string;
  appropriation: { divisionCode: string; amount: string };
}

export type ScenarioRosterKey = 'house-renovation' | 'industry-village' | 'industry-fabricated';

export interface ScenarioRoster {
  key: ScenarioRosterKey;
  fundId: string;
  divisionCode: string;
  purpose: string;
  period: string;
  file: ScenarioFile;
  /** Sum of the file's amounts, yuan with two decimals (rejected lines included). */
  totalYuan: string;
}

export interface ScenarioRegistry {
  kind: RegistryKind;
  asOf: string;
  file: ScenarioFile;
}

/** How an ID number is written in a registry's copy of a flagged applicant. */
export type WrittenForm = 'plain' | 'spaces' | 'lowercase-x' | 'full-width';

export interface PlantedHit {
  /** Normalised ID number of the applicant. */
  idNumber: string;
  /** Row of the house-renovation roster file as the app numbers it (the header is row 1). */
  row: number;
  /** What makes it a hit (财政供养人员, 子女 of a cadre, 个体工商户 2017-05-01, …). */
  why: string;
  /** How the registry's copy writes the number (normalisation must still match it). */
  form: WrittenForm;
}

export interface PlantedNoise {
  idNumber: string;
  row: number;
  /** Why it looks like a hit and is not one. */
  why: string;
}

export type FabricationKind = 'copied' | 'deceased' | 'invented' | 'bad-check-digit';

export interface FabricatedEntry {
  /** Row of the fabricated roster file (the header is row 1). */
  row: number;
  idNumberAsWritten: string;
  kind: FabricationKind;
  /** The rules expected to flag it (at least one). */
  rules: string[];
}

export interface FuyuanScenario {
  county: string;
  seed: number;
  scale: number;
  registryAsOf: string;
  funds: ScenarioFund[];
  rosters: ScenarioRoster[];
  registries: ScenarioRegistry[];
  /** The day the industry rosters are judged at in a check without an upload (their reference date). */
  industryReferenceDate: string;
  expected: {
    hits: Record<FuyuanRegistryRule, PlantedHit[]>;
    noise: PlantedNoise[];
    fabricated: FabricatedEntry[];
    /** Rows of the village roster that the fabricated roster copied (flagged as duplicates too). */
    copiedFromVillageRows: number[];
  };
}

export interface FuyuanOptions {
  seed?: number;
  /**
   * Share of the full size (0 < scale ≤ 1): fewer clean applicants and fewer unrelated registry
   * rows. The planted cases stay exactly as many at every scale, so 202 / 51 / 7 / 2 hold.
   */
  scale?: number;
}

const surnames =
  '张李王刘陈杨赵黄周吴徐孙朱马胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔣蔡余杜叶程苏魏吕丁任沈姚卢'.split(
    '',
  );
const givenNames = [
  '国华',
  '建平',
  '秀英',
  '桂兰',
  '志强',
  '玉芬',
  '海燕',
  '永福',
  '丽萍',
  '德明',
  '春梅',
  '文才',
  '晓东',
  '红梅',
  '家兴',
  '金花',
  '天明',
  '翠花',
  '正清',
  '小龙',
  '光荣',
  '树林',
  '会仙',
  '云芳',
  '绍华',
  '开富',
  '美英',
  '朝阳',
  '应昌',
  '兴发',
];
const otherCounties = ['530302', '530303', '530322', '530323', '530324', '530326', '530381'];
const employers = [
  '富源县教育体育局',
  '富源县人民医院',
  '富源县财政局',
  '富源县农业农村局',
  '中安街道办事处',
  '营上镇人民政府',
  '富源县第一中学',
  '曲靖市公安局富源分局',
];
const businessTypes = ['个体工商户', '个体工商户', '个体工商户', '有限责任公司', '个人独资企业'];
const carTypes = ['小型轿车', '小型普通客车', '轻型普通货车', '中型普通客车', '二轮摩托车'];
const farmVehicleTypes = ['三轮农用车', '拖拉机', '低速货车', '农用运输车'];
const closeRelations = ['配偶', '子女', '父母', '兄弟姐妹'] as const;
/** Relations outside the rule's default close relatives. */
const distantRelations = ['堂兄弟', '表姐妹', '叔侄'];

const header = {
  roster: ['姓名', '身份证号', '村组', '银行账号', '金额', '申请日期'],
  industryRoster: ['姓名', '身份证号', '村组', '银行账号', '金额', '备注'],
  'public-servants': ['身份证号', '姓名', '工作单位', '入职日期'],
  'village-cadres': ['村干部身份证号', '村干部姓名', '亲属身份证号', '亲属姓名', '关系'],
  businesses: ['登记人身份证号', '姓名', '类型', '登记日期'],
  vehicles: ['车主身份证号', '姓名', '号牌', '车辆类型', '登记日期'],
  property: ['购房人身份证号', '姓名', '房屋类型', '购买日期'],
  deaths: ['身份证号', '姓名', '死亡日期'],
} as const;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

function dayBetween(random: Random, from: string, days: number): string {
  return addDays(from, Math.floor(random() * days));
}

/** The same number as a clerk might type it: groups separated by spaces. */
export function withSpaces(idNumber: string): string {
  return `${idNumber.slice(0, 6)} ${idNumber.slice(6, 14)} ${idNumber.slice(14)}`;
}

/** Full-width digits and X, as a Chinese input method writes them. */
export function fullWidth(idNumber: string): string {
  return idNumber.replace(/[0-9X]/g, (c) =>
    String.fromCharCode(c === 'X' ? 0xff38 : 0xff10 + Number(c)),
  );
}

/** The number with a wrong check character: recorded as written, never matched. */
export function withWrongCheck(idNumber: string): string {
  const right = idNumber.charAt(17);
  const wrong = right === '0' ? '1' : right === 'X' ? '0' : String((Number(right) + 1) % 10);
  return `${idNumber.slice(0, 17)}${wrong}`;
}

/** Hands out ID numbers no one else in the scenario holds (valid GB 11643 check characters). */
class People {
  private readonly taken = new Set<string>();

  constructor(private readonly random: Random) {}

  /** A person registered in `county`, born between `fromYear` and `toYear`; `x` forces the check X. */
  idNumber(county: string, fromYear: number, toYear: number, x = false): string {
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      const year = fromYear + Math.floor(this.random() * (toYear - fromYear + 1));
      const month = 1 + Math.floor(this.random() * 12);
      const day = 1 + Math.floor(this.random() * 28);
      const birth = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
      const sequence = String(Math.floor(this.random() * 1_000)).padStart(3, '0');
      const first17 = `${county}${birth}${sequence}`;
      if (x && idNumberCheckDigit(first17) !== 'X') continue;
      const idNumber = makeIdNumber(county, birth, sequence);
      if (this.taken.has(idNumber)) continue;
      this.taken.add(idNumber);
      return idNumber;
    }
    throw new Error('could not find a free ID number');
  }

  name(): string {
    return `${pick(this.random, surnames)}${pick(this.random, givenNames)}`;
  }
}

interface Applicant {
  row: number;
  name: string;
  idNumber: string;
  villageCode: string;
  appliedOn: string;
}

/**
 * Plans the whole scenario. Pure: the same registry, seed and scale always give the same files,
 * byte for byte, so a failing check can be reproduced from the seed alone.
 */
export function planFuyuanScenario(
  divisions: DivisionRegistry,
  options: FuyuanOptions = {},
): FuyuanScenario {
  const seed = options.seed ?? 530325;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`);
  const random = seededRandom(seed);
  const people = new People(random);
  const scaled = (full: number, least: number) => Math.max(least, Math.round(full * scale));

  const townships = divisions.childrenOf(fuyuanCounty).map((township) => township.code);
  const villages = townships.flatMap((township) =>
    divisions.childrenOf(township).map((village) => village.code),
  );
  if (villages.length < 3)
    throw new Error(`no villages of ${fuyuanCounty} in the division registry`);

  // ---- The house-renovation applicants ------------------------------------------------------
  const plantedTotal = Object.values(fuyuanPlanted).reduce((sum, n) => sum + n, 0);
  const noiseApplicants = 60;
  const applicantCount = Math.max(
    scaled(fuyuanApplicantsFull, 0),
    plantedTotal + noiseApplicants + 100,
  );
  // The planted applicants are spread over the roster rather than all at its top; one in nine
  // of them is given a number whose check character is X, to plant the lowercase x form.
  const order = Array.from({ length: applicantCount }, (_, index) => index);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const wantX = new Set(order.slice(0, plantedTotal).filter((_, k) => k % 9 === 0));
  const applicants: Applicant[] = [];
  for (let index = 0; index < applicantCount; index += 1) {
    applicants.push({
      row: index + 2,
      name: people.name(),
      idNumber: people.idNumber(fuyuanCounty, 1940, 1995, wantX.has(index)),
      villageCode: villages[index % villages.length] as string,
      appliedOn: dayBetween(random, applicationsFrom, applicationDays),
    });
  }
  const applicantAt = (k: number) => applicants[order[k] as number] as Applicant;
  let restTaken = plantedTotal;
  const restApplicant = (): Applicant => {
    if (restTaken >= order.length) throw new Error('too few applicants for the noise');
    return applicantAt(restTaken++);
  };

  // Registry files, filled below with planted rows, noise and unrelated rows.
  const rows: Record<RegistryKind, string[][]> = {
    'public-servants': [],
    'village-cadres': [],
    businesses: [],
    vehicles: [],
    property: [],
    deaths: [],
  };
  const hits: Record<FuyuanRegistryRule, PlantedHit[]> = {
    'public-servant-or-cadre-relative': [],
    'business-owner': [],
    'vehicle-owner': [],
    'property-buyer': [],
  };
  const noise: PlantedNoise[] = [];
  const forms: WrittenForm[] = ['plain', 'spaces', 'plain', 'full-width', 'plain'];
  let planted = 0;
  const written = (applicant: Applicant): { text: string; form: WrittenForm } => {
    planted += 1;
    if (applicant.idNumber.endsWith('X')) {
      return { text: applicant.idNumber.replace(/X$/, 'x'), form: 'lowercase-x' };
    }
    const form = forms[planted % forms.length] as WrittenForm;
    const text =
      form === 'spaces'
        ? withSpaces(applicant.idNumber)
        : form === 'full-width'
          ? fullWidth(applicant.idNumber)
          : applicant.idNumber;
    return { text, form };
  };
  const before = (day: string, leastDays: number, spanDays: number) =>
    addDays(day, -(leastDays + Math.floor(random() * spanDays)));
  const after = (day: string) => {
    const latest = Math.max(1, (Date.parse(fuyuanRegistryAsOf) - Date.parse(day)) / 86_400_000 - 1);
    return addDays(day, 1 + Math.floor(random() * latest));
  };
  const plate = () =>
    `云D${String.fromCharCode(65 + Math.floor(random() * 26))}${String(Math.floor(random() * 1e4)).padStart(4, '0')}`;
  const cadreOf = (county = fuyuanCounty) => ({
    idNumber: people.idNumber(county, 1955, 1980),
    name: people.name(),
  });

  let plantedIndex = 0;
  const nextPlanted = () => applicantAt(plantedIndex++);
  const flag = (rule: FuyuanRegistryRule, applicant: Applicant, why: string, form: WrittenForm) =>
    hits[rule].push({ idNumber: applicant.idNumber, row: applicant.row, why, form });

  // 202 public servants, village cadres and their close relatives.
  const servants = 70;
  const cadresThemselves = 20;
  for (let k = 0; k < fuyuanPlanted['public-servant-or-cadre-relative']; k += 1) {
    const applicant = nextPlanted();
    const id = written(applicant);
    if (k < servants) {
      const employer = pick(random, employers);
      rows['public-servants'].push([
        id.text,
        applicant.name,
        employer,
        before('2016-01-01', 0, 6_000),
      ]);
      flag('public-servant-or-cadre-relative', applicant, `财政供养人员（${employer}）`, id.form);
    } else if (k < servants + cadresThemselves) {
      // A cadre's own row; the cadre's relatives who did not apply are listed beside it.
      rows['village-cadres'].push([id.text, applicant.name, '', '', '']);
      for (const relation of ['配偶', '子女']) {
        const relative = people.idNumber(fuyuanCounty, 1960, 2000);
        rows['village-cadres'].push([id.text, applicant.name, relative, people.name(), relation]);
      }
      flag('public-servant-or-cadre-relative', applicant, '村干部本人', id.form);
    } else {
      const relation = closeRelations[k % closeRelations.length] as string;
      const cadre = cadreOf();
      rows['village-cadres'].push([cadre.idNumber, cadre.name, '', '', '']);
      rows['village-cadres'].push([cadre.idNumber, cadre.name, id.text, applicant.name, relation]);
      // Another relative of the same cadre who did not apply.
      rows['village-cadres'].push([
        cadre.idNumber,
        cadre.name,
        people.idNumber(fuyuanCounty, 1960, 2005),
        people.name(),
        pick(random, closeRelations),
      ]);
      flag(
        'public-servant-or-cadre-relative',
        applicant,
        `村干部${cadre.name}的${relation}`,
        id.form,
      );
    }
  }
  // 51 business owners, registered on or before the application.
  for (let k = 0; k < fuyuanPlanted['business-owner']; k += 1) {
    const applicant = nextPlanted();
    const id = written(applicant);
    const type = pick(random, businessTypes);
    // One registered on the very day of the application: "on or before" includes the day.
    const registered = k === 0 ? applicant.appliedOn : before(applicant.appliedOn, 1, 2_000);
    rows.businesses.push([id.text, applicant.name, type, registered]);
    flag('business-owner', applicant, `${type} ${registered}`, id.form);
  }
  // 7 vehicle owners: cars (not farm machinery) registered on or before the application.
  for (let k = 0; k < fuyuanPlanted['vehicle-owner']; k += 1) {
    const applicant = nextPlanted();
    const id = written(applicant);
    const type = carTypes[k % carTypes.length] as string;
    const registered = before(applicant.appliedOn, 1, 1_500);
    rows.vehicles.push([id.text, applicant.name, plate(), type, registered]);
    // A farm vehicle beside the car changes nothing: the car alone is the lead.
    if (k % 3 === 0)
      rows.vehicles.push([
        id.text,
        applicant.name,
        plate(),
        pick(random, farmVehicleTypes),
        registered,
      ]);
    flag('vehicle-owner', applicant, `${type} ${registered}`, id.form);
  }
  // 2 buyers of commercial housing.
  for (let k = 0; k < fuyuanPlanted['property-buyer']; k += 1) {
    const applicant = nextPlanted();
    const id = written(applicant);
    const purchased = before(applicant.appliedOn, 10, 700);
    rows.property.push([id.text, applicant.name, '商品房', purchased]);
    flag('property-buyer', applicant, `商品房 ${purchased}`, id.form);
  }

  // ---- Noise about applicants that no rule may flag ------------------------------------------
  const noiseOf = (why: string, make: (applicant: Applicant) => void) => {
    const applicant = restApplicant();
    make(applicant);
    noise.push({ idNumber: applicant.idNumber, row: applicant.row, why });
  };
  const otherPerson = () =>
    people.idNumber(pick(random, [fuyuanCounty, ...otherCounties]), 1950, 2000);
  for (let k = 0; k < 12; k += 1) {
    // Same name, another person: each registry names someone called like an applicant.
    noiseOf('namesake in a registry (same name, another ID number)', (a) => {
      const kind = (
        [
          'public-servants',
          'businesses',
          'vehicles',
          'property',
          'village-cadres',
          'deaths',
        ] as const
      )[k % 6];
      const other = otherPerson();
      if (kind === 'public-servants')
        rows[kind].push([other, a.name, pick(random, employers), '2010-09-01']);
      else if (kind === 'businesses') rows[kind].push([other, a.name, '个体工商户', '2015-04-01']);
      else if (kind === 'vehicles')
        rows[kind].push([other, a.name, plate(), '小型轿车', '2016-07-01']);
      else if (kind === 'property') rows[kind].push([other, a.name, '商品房', '2017-03-01']);
      else if (kind === 'village-cadres') {
        const cadre = cadreOf();
        rows[kind].push([cadre.idNumber, cadre.name, other, a.name, '子女']);
      } else rows[kind].push([other, a.name, '2018-02-01']);
    });
  }
  for (let k = 0; k < 5; k += 1)
    noiseOf('vehicle registered after the application', (a) =>
      rows.vehicles.push([
        withSpaces(a.idNumber),
        a.name,
        plate(),
        pick(random, carTypes),
        after(a.appliedOn),
      ]),
    );
  for (const type of farmVehicleTypes)
    noiseOf(`farm vehicle (${type}) registered before the application`, (a) =>
      rows.vehicles.push([a.idNumber, a.name, plate(), type, before(a.appliedOn, 1, 1_000)]),
    );
  for (let k = 0; k < 3; k += 1)
    noiseOf('business registered after the application', (a) =>
      rows.businesses.push([a.idNumber, a.name, '个体工商户', after(a.appliedOn)]),
    );
  for (let k = 0; k < 2; k += 1)
    noiseOf('commercial housing bought after the application', (a) =>
      rows.property.push([fullWidth(a.idNumber), a.name, '商品房', after(a.appliedOn)]),
    );
  for (const type of ['安置房', '自建房'])
    noiseOf(`property of another type (${type}) before the application`, (a) =>
      rows.property.push([a.idNumber, a.name, type, before(a.appliedOn, 10, 700)]),
    );
  for (const relation of distantRelations)
    noiseOf(`a cadre's ${relation}, not a close relative`, (a) => {
      const cadre = cadreOf();
      rows['village-cadres'].push([cadre.idNumber, cadre.name, '', '', '']);
      rows['village-cadres'].push([cadre.idNumber, cadre.name, a.idNumber, a.name, relation]);
    });
  for (const kind of ['public-servants', 'businesses', 'vehicles'] as const)
    noiseOf(
      `in ${kind} under a number with a wrong check character (rejected, never matched)`,
      (a) => {
        const wrong = withWrongCheck(a.idNumber);
        if (kind === 'public-servants')
          rows[kind].push([wrong, a.name, pick(random, employers), '2012-09-01']);
        else if (kind === 'businesses')
          rows[kind].push([wrong, a.name, '个体工商户', '2015-04-01']);
        else rows[kind].push([wrong, a.name, plate(), '小型轿车', '2016-07-01']);
      },
    );
  for (let k = 0; k < 3; k += 1)
    noiseOf('died after the application', (a) =>
      rows.deaths.push([a.idNumber, a.name, after(a.appliedOn)]),
    );

  // ---- Thousands of rows about people who did not apply ---------------------------------------
  for (let k = 0; k < scaled(3_000, 60); k += 1)
    rows['public-servants'].push([
      otherPerson(),
      people.name(),
      pick(random, employers),
      before('2018-01-01', 0, 9_000),
    ]);
  for (let k = 0; k < scaled(400, 10); k += 1) {
    const cadre = cadreOf();
    rows['village-cadres'].push([cadre.idNumber, cadre.name, '', '', '']);
    for (let r = 0; r < 3; r += 1)
      rows['village-cadres'].push([
        cadre.idNumber,
        cadre.name,
        otherPerson(),
        people.name(),
        pick(random, [...closeRelations, ...distantRelations]),
      ]);
  }
  for (let k = 0; k < scaled(4_000, 60); k += 1)
    rows.businesses.push([
      otherPerson(),
      people.name(),
      pick(random, businessTypes),
      before('2019-06-01', 0, 5_000),
    ]);
  for (let k = 0; k < scaled(5_000, 60); k += 1)
    rows.vehicles.push([
      otherPerson(),
      people.name(),
      plate(),
      pick(random, [...carTypes, ...farmVehicleTypes]),
      before('2019-06-01', 0, 5_000),
    ]);
  for (let k = 0; k < scaled(1_500, 30); k += 1)
    rows.property.push([
      otherPerson(),
      people.name(),
      pick(random, ['商品房', '商品房', '安置房']),
      before('2019-06-01', 0, 3_000),
    ]);
  for (let k = 0; k < scaled(2_000, 40); k += 1)
    rows.deaths.push([
      people.idNumber(pick(random, [fuyuanCounty, ...otherCounties]), 1925, 1960),
      people.name(),
      before('2019-06-01', 0, 2_500),
    ]);

  // ---- The industry fund: a real village roster and the township's fabricated one --------------
  // A 镇 or 乡 (township codes 100–399), not a 街道 of the county seat.
  const township = (townships.find((code) => Number(code.slice(6)) >= 100) ??
    townships[0]) as string;
  const townshipVillages = divisions.childrenOf(township).map((village) => village.code);
  const [sourceVillage, ...otherVillages] = townshipVillages as [string, ...string[]];
  if (otherVillages.length === 0) throw new Error(`township ${township} has one village only`);
  let accountSequence = 0;
  const ownAccount = () => `62179881${String((accountSequence += 1)).padStart(8, '0')}`;
  const villageEntries = Array.from({ length: 40 }, () => ({
    name: people.name(),
    idNumber: people.idNumber(fuyuanCounty, 1950, 1995),
    account: ownAccount(),
  }));
  const villageRoster: string[][] = villageEntries.map((entry) => [
    entry.name,
    entry.idNumber,
    sourceVillage,
    entry.account,
    `${fabricatedEntryYuan}`,
    '肉牛养殖补助',
  ]);
  // The clerk's own accounts: each collects money for many names.
  const fraudAccounts = [
    '6217988299990001',
    '6217988299990002',
    '6217988299990003',
    '6217988299990004',
  ];
  const fabricatedRows: string[][] = [];
  const fabricated: FabricatedEntry[] = [];
  const copiedFromVillageRows: number[] = [];
  const entryCount = fuyuanFabricatedYuan / fabricatedEntryYuan;
  const kinds: FabricationKind[] = [
    ...Array<FabricationKind>(15).fill('copied'),
    ...Array<FabricationKind>(12).fill('deceased'),
    ...Array<FabricationKind>(21).fill('invented'),
    ...Array<FabricationKind>(12).fill('bad-check-digit'),
  ];
  if (kinds.length !== entryCount) throw new Error('the fabricated roster must total 180,000 yuan');
  kinds.forEach((kind, index) => {
    const row = index + 2;
    const village = otherVillages[index % otherVillages.length] as string;
    const fraudAccount = fraudAccounts[index % fraudAccounts.length] as string;
    let name: string;
    let idNumber: string;
    let account = fraudAccount;
    const rules: string[] = [];
    if (kind === 'copied') {
      const source = villageEntries[index] as (typeof villageEntries)[number];
      copiedFromVillageRows.push(index + 2);
      ({ name, idNumber } = source);
      rules.push('duplicate-beneficiary', 'shared-bank-account');
    } else if (kind === 'deceased') {
      name = people.name();
      idNumber = people.idNumber(fuyuanCounty, 1925, 1950);
      rows.deaths.push([idNumber, name, before('2018-12-31', 0, 900)]);
      // The dead keep their old passbook accounts: only the death registry gives them away.
      account = ownAccount();
      rules.push('deceased');
    } else if (kind === 'invented') {
      name = people.name();
      idNumber = people.idNumber(fuyuanCounty, 1950, 1995);
      rules.push('shared-bank-account');
    } else {
      name = people.name();
      idNumber = withWrongCheck(people.idNumber(fuyuanCounty, 1950, 1995));
      rules.push('invalid-id-number', 'shared-bank-account');
    }
    fabricatedRows.push([
      name,
      idNumber,
      village,
      account,
      `${fabricatedEntryYuan}`,
      '肉牛养殖补助',
    ]);
    fabricated.push({ row, idNumberAsWritten: idNumber, kind, rules });
  });

  // ---- Files --------------------------------------------------------------------------------
  const houseRows = applicants.map((a, index) => [
    a.name,
    // Some clerks type the roster's X in lowercase too; the roster normalises it.
    index % 50 === 7 ? a.idNumber.toLowerCase() : a.idNumber,
    index % 4 === 0 ? `${a.villageCode}-${1 + (index % 9)}` : a.villageCode,
    `62170325${String(index + 1).padStart(8, '0')}`,
    (index * 7919) % 10 < 7 ? '15000' : '35000',
    a.appliedOn,
  ]);
  const sumYuan = (fileRows: string[][]) => fileRows.reduce((sum, row) => sum + Number(row[4]), 0);
  const houseTotal = sumYuan(houseRows);
  const villageTotal = sumYuan(villageRoster);
  const fabricatedTotal = sumYuan(fabricatedRows);
  const yuan = (n: number) => `${n}.00`;
  const houseFund: ScenarioFund = {
    fundId: 'fy-2019-wfgz',
    name: '2019年富源县农村危房改造补助资金',
    fiscalYear: 2019,
    purposeCategory: '危房改造',
    source: '中央财政',
    appropriation: { divisionCode: fuyuanCounty, amount: yuan(houseTotal) },
  };
  const industryFund: ScenarioFund = {
    fundId: 'fy-2019-cyfz',
    name: '2019年产业扶持资金（肉牛养殖）',
    fiscalYear: 2019,
    purposeCategory: '产业发展',
    source: '县级财政',
    appropriation: { divisionCode: township, amount: yuan(villageTotal + fabricatedTotal) },
  };
  const registryNames: Record<RegistryKind, string> = {
    'public-servants': '财政供养人员',
    'village-cadres': '村干部及其近亲属',
    businesses: '工商登记',
    vehicles: '车辆登记',
    property: '商品房交易',
    deaths: '死亡登记',
  };
  return {
    county: fuyuanCounty,
    seed,
    scale,
    registryAsOf: fuyuanRegistryAsOf,
    funds: [houseFund, industryFund],
    rosters: [
      {
        key: 'house-renovation',
        fundId: houseFund.fundId,
        divisionCode: fuyuanCounty,
        purpose: '危房改造',
        period,
        file: {
          name: '富源县2019年危房改造申请花名册.csv',
          header: [...header.roster],
          rows: houseRows,
        },
        totalYuan: yuan(houseTotal),
      },
      {
        key: 'industry-village',
        fundId: industryFund.fundId,
        divisionCode: township,
        purpose: '产业发展',
        period,
        file: {
          name: `${sourceVillage}产业扶持花名册.csv`,
          header: [...header.industryRoster],
          rows: villageRoster,
        },
        totalYuan: yuan(villageTotal),
      },
      {
        key: 'industry-fabricated',
        fundId: industryFund.fundId,
        divisionCode: township,
        purpose: '产业发展',
        period,
        file: {
          name: `${township}产业扶持花名册（补报）.csv`,
          header: [...header.industryRoster],
          rows: fabricatedRows,
        },
        totalYuan: yuan(fabricatedTotal),
      },
    ],
    registries: (Object.keys(rows) as RegistryKind[]).map((kind) => ({
      kind,
      asOf: fuyuanRegistryAsOf,
      file: {
        name: `${registryNames[kind]}-${fuyuanRegistryAsOf}.csv`,
        header: [...header[kind]],
        rows: rows[kind],
      },
    })),
    industryReferenceDate: '2019-07-15',
    expected: { hits, noise, fabricated, copiedFromVillageRows },
  };
}

/** RFC 4180 CSV with CRLF line ends, UTF-8 without BOM (formats.md's common rules). */
export function csvOf(file: ScenarioFile): string {
  const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return [file.header, ...file.rows].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}
