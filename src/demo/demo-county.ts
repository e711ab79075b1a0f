import { makeIdNumber, type DivisionRegistry } from '@sunlight/geo';
import { monitoringRiskTypes } from '@sunlight/households';

/*
 * The households of `sunlight demo`, planned without I/O from a seed: real townships and
 * villages of a county from the division registry, and synthetic people whose ID numbers carry
 * the county's address code, their birth date and their sex (odd sequence for men), with valid
 * check characters. Incomes of 2018 spread around the 3,500-yuan line of the Yunnan criteria, so
 * some households meet them and exit and others do not.
 */

export const demoCounty = '530325';
export const demoIncomeYear = 2018;
export const demoLaterIncomeYear = 2023;

export interface DemoMember {
  idNumber: string;
  name: string;
  relation: string;
  sex: '男' | '女';
  birthDate: string;
  health: string;
  schooling: string;
  labour: string;
}

export interface DemoHousehold {
  householdId: string;
  villageCode: string;
  townshipCode: string;
  headName: string;
  address: string;
  attribute: string;
  mainCause: string;
  otherCauses: string[];
  bankAccount: string;
  phone: string;
  identifiedYear: number;
  members: DemoMember[];
  /** 2018 income by type, yuan with two decimals; 生产经营性支出 is the cost. */
  incomes: { incomeType: string; amount: string }[];
  /** Per-capita wage income of 2023, yuan (compared with the monitoring line). */
  laterIncome: string;
  housing: '安全' | 'C级危房' | 'D级危房';
  helper: { name: string; unit: string; phone: string };
  medicalPolicy: boolean;
  industryProject: string | undefined;
  /** Returns to poverty in 2020 when it has exited (a few). */
  returns: boolean;
  /** Monitored in 2023 (脱贫不稳定户 when exited, else 边缘易致贫户); closed in 2023 when set. */
  monitoring: { riskType: string; eliminated: boolean } | undefined;
  /** The industry subsidy paid to the household, yuan. */
  payment: string;
}

export type Random = () => number;

/** A small, fast deterministic generator (mulberry32). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const surnames = [
  '张',
  '李',
  '王',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '朱',
  '马',
  '胡',
  '郭',
  '何',
  '高',
  '罗',
  '郑',
];
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
];
/** Yi and Shui names as the register writes them, with the middle dot of transliterated names. */
const minorityNames = ['阿呷·木乃', '吉克·阿依', '沙马·拉且', '潘·阿秀', '韦·金梅', '蒙·文光'];
const attributes: readonly [string, number][] = [
  ['一般贫困户', 0.7],
  ['低保贫困户', 0.25],
  ['特困供养贫困户', 0.05],
];
const causes: readonly [string, number][] = [
  ['因病', 0.28],
  ['缺资金', 0.18],
  ['缺技术', 0.14],
  ['缺劳力', 0.1],
  ['因残', 0.08],
  ['因学', 0.07],
  ['交通条件落后', 0.05],
  ['缺土地', 0.04],
  ['因灾', 0.03],
  ['缺水', 0.01],
  ['自身发展动力不足', 0.01],
  ['其它', 0.01],
];
const riskTypes = monitoringRiskTypes.filter((risk) => risk !== '其它');
const helperUnits = [
  '富源县农业农村局',
  '富源县财政局',
  '富源县教育体育局',
  '富源县卫生健康局',
  '曲靖市人民政府办公室',
];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted(random: Random, items: readonly [string, number][]): string {
  let roll = random();
  for (const [item, weight] of items) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return items[0]?.[0] as string;
}

/** Standard normal by Box–Muller. */
function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const yuan = (fen: number): string =>
  `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function phone(random: Random): string {
  return `1${pick(random, ['3', '5', '8'])}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`;
}

export class DemoPeople {
  private readonly taken = new Set<string>();

  constructor(private readonly random: Random) {}

  /** A person born in `year` of the given sex, with an ID number no one else holds. */
  person(year: number, sex: '男' | '女'): { idNumber: string; birthDate: string } {
    for (;;) {
      const month = 1 + Math.floor(this.random() * 12);
      const day = 1 + Math.floor(this.random() * 28);
      const birth = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
      const odd = 2 * Math.floor(this.random() * 500) + (sex === '男' ? 1 : 0);
      const idNumber = makeIdNumber(demoCounty, birth, String(odd).padStart(3, '0'));
      if (this.taken.has(idNumber)) continue;
      this.taken.add(idNumber);
      return {
        idNumber,
        birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
      };
    }
  }
}

function name(random: Random, surname?: string): string {
  if (random() < 0.08) return pick(random, minorityNames);
  return `${surname ?? pick(random, surnames)}${pick(random, givenNames)}`;
}

function schoolingAt(age: number, random: Random): string {
  if (age < 6) return '学龄前儿童';
  if (age <= 18) return random() < 0.97 ? '在校生' : '初中';
  return pick(random, ['文盲或半文盲', '小学', '小学', '初中', '初中', '高中']);
}

/** The county's villages with their townships, in code order. */
export function demoVillages(
  registry: DivisionRegistry,
  county = demoCounty,
): { villageCode: string; villageName: string; townshipCode: string }[] {
  return registry.childrenOf(county).flatMap((township) =>
    registry.childrenOf(township.code).map((village) => ({
      villageCode: village.code,
      villageName: village.name,
      townshipCode: township.code,
    })),
  );
}

/** `count` households over the county's villages in turn. */
export function planDemoHouseholds(
  registry: DivisionRegistry,
  count: number,
  seed: number,
): DemoHousehold[] {
  const random = seededRandom(seed);
  const people = new DemoPeople(random);
  const villages = demoVillages(registry);
  if (villages.length === 0)
    throw new Error(`no villages of ${demoCounty} in the division registry`);
  const perVillage = new Map<string, number>();
  const households: DemoHousehold[] = [];
  for (let index = 0; index < count; index += 1) {
    const village = villages[index % villages.length] as (typeof villages)[number];
    const n = (perVillage.get(village.villageCode) ?? 0) + 1;
    perVillage.set(village.villageCode, n);
    const surname = pick(random, surnames);
    const headSex: '男' | '女' = random() < 0.85 ? '男' : '女';
    const headAge = 25 + Math.floor(random() * 50);
    const head = people.person(demoIncomeYear - headAge, headSex);
    const headName = name(random, surname);
    const members: DemoMember[] = [
      {
        ...head,
        name: headName,
        relation: '户主',
        sex: headSex,
        health: random() < 0.2 ? '长期慢性病' : '健康',
        schooling: schoolingAt(headAge, random),
        labour: headAge > 65 ? '弱劳动力或半劳动力' : '普通劳动力',
      },
    ];
    const size = 1 + Math.min(5, Math.floor(-Math.log(1 - random()) * 2.2));
    if (size >= 2) {
      const sex: '男' | '女' = headSex === '男' ? '女' : '男';
      const age = Math.max(20, headAge + Math.floor(normal(random) * 3));
      members.push({
        ...people.person(demoIncomeYear - age, sex),
        name: name(random),
        relation: '配偶',
        sex,
        health: random() < 0.1 ? '患有大病' : '健康',
        schooling: schoolingAt(age, random),
        labour: '普通劳动力',
      });
    }
    for (let child = 2; child < size; child += 1) {
      const sex: '男' | '女' = random() < 0.5 ? '男' : '女';
      const age = Math.max(0, Math.min(headAge - 18, Math.floor(random() * 22)));
      members.push({
        ...people.person(demoIncomeYear - age, sex),
        name: `${surname}${pick(random, givenNames)}`,
        relation: sex === '男' ? '之子' : '之女',
        sex,
        health: '健康',
        schooling: schoolingAt(age, random),
        labour: age < 16 ? '无劳动力' : '普通劳动力',
      });
    }
    // Per-capita net income around the 3,500-yuan line: a normal spread of 700 yuan.
    const perCapitaFen = Math.max(80_000, Math.round((3_550 + normal(random) * 700) * 100));
    const netFen = perCapitaFen * members.length;
    const costFen = Math.round(netFen * 0.08);
    const grossFen = netFen + costFen;
    const wageFen = Math.round(grossFen * 0.55);
    const productionFen = Math.round(grossFen * 0.3);
    const transferFen = grossFen - wageFen - productionFen;
    const exitsLikely = random();
    households.push({
      householdId: `hh-${village.villageCode}-${n}`,
      villageCode: village.villageCode,
      townshipCode: village.townshipCode,
      headName,
      address: `${village.villageName}${n}号`,
      attribute: weighted(random, attributes),
      mainCause: '',
      otherCauses: [],
      bankAccount: `6217${String(Math.floor(random() * 1e12)).padStart(12, '0')}${String(index % 1000).padStart(3, '0')}`,
      phone: phone(random),
      identifiedYear: 2014 + Math.floor(random() * 3),
      members,
      incomes: [
        { incomeType: '工资性', amount: yuan(wageFen) },
        { incomeType: '生产经营性', amount: yuan(productionFen) },
        { incomeType: '转移性', amount: yuan(transferFen) },
        { incomeType: '生产经营性支出', amount: yuan(costFen) },
      ],
      laterIncome: yuan(Math.max(300_000, Math.round((9_000 + normal(random) * 2_200) * 100))),
      housing: random() < 0.88 ? '安全' : random() < 0.6 ? 'C级危房' : 'D级危房',
      helper: { name: name(random), unit: pick(random, helperUnits), phone: phone(random) },
      medicalPolicy: random() < 0.97,
      industryProject:
        random() < 0.85
          ? `prj-${village.townshipCode}-${pick(random, ['cattle', 'pig', 'tea', 'konjac'])}`
          : undefined,
      returns: exitsLikely < 0.02,
      monitoring:
        exitsLikely >= 0.02 && exitsLikely < 0.07
          ? { riskType: pick(random, riskTypes), eliminated: random() < 0.4 }
          : undefined,
      payment: `${1_000 + 500 * Math.floor(random() * 7)}.00`,
    });
    const last = households.at(-1) as DemoHousehold;
    last.mainCause = weighted(random, causes);
    const others = causes.map(([cause]) => cause).filter((cause) => cause !== last.mainCause);
    const otherCount = Math.floor(random() * 3);
    for (let k = 0; k < otherCount; k += 1) {
      const cause = pick(random, others);
      if (!last.otherCauses.includes(cause)) last.otherCauses.push(cause);
    }
  }
  return households;
}
