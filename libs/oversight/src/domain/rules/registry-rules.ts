import { cadreSelf, type RegistryRow } from '../registries';
import { addDays, refOf, type CheckSubject } from '../subjects';
import {
  beneficiarySubjects,
  type RuleDefinition,
  type RuleHit,
  type RuleInput,
  type RuleParameters,
} from './rule';

/*
 * Rules that look a beneficiary up in another department's registry. Each matches on the
 * normalised, valid ID number only (a name alone matches nothing: two people share names), and
 * takes the registries in force as they were given (the newest snapshot of each kind).
 */

function hit(
  rule: RuleDefinition,
  subject: CheckSubject,
  rows: RegistryRow[],
  parameters: RuleParameters,
  zh: string,
  en: string,
): RuleHit {
  return {
    ruleId: rule.id,
    ruleVersion: rule.version,
    subject: refOf(subject),
    related: [],
    registryRows: rows,
    events: [],
    parameters,
    explanation: { zh, en },
  };
}

/** Each subject with a valid ID number and the rows of `kind` that the predicate keeps. */
function eachMatch<R extends RegistryRow>(
  input: RuleInput,
  lookUp: (idNumber: string) => R[],
  keep: (row: R, subject: CheckSubject) => boolean,
  raise: (subject: CheckSubject, rows: R[]) => RuleHit,
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const subject of input.subjects) {
    if (subject.idNumber === undefined) continue;
    const rows = lookUp(subject.idNumber).filter((row) => keep(row, subject));
    if (rows.length > 0) hits.push(raise(subject, rows));
  }
  return hits;
}

const closeRelativesDefault = ['配偶', '子女', '父母', '兄弟姐妹'];

export const publicServantOrCadreRelative: RuleDefinition = {
  id: 'public-servant-or-cadre-relative',
  version: 2,
  title: {
    zh: '财政供养人员或村干部及其近亲属',
    en: 'Public servant, village cadre or close relative of one',
  },
  method:
    'The beneficiary’s ID number is on the public payroll (财政供养人员), is a village cadre (named as the cadre on any row: his own, or a relative’s), or is a relative of a cadre whose relation is one of `relations`, in the snapshots in force.',
  inputs: [beneficiarySubjects, 'registry public-servants', 'registry village-cadres'],
  registries: ['public-servants', 'village-cadres'],
  parameters: {
    relations: {
      description: 'Relations to a cadre that count as close (the cadre himself always counts)',
      default: closeRelativesDefault,
    },
  },
  exclusions: [
    'Relatives whose relation is not listed (e.g. 堂兄弟) are not flagged.',
    'A relative is not ineligible by itself: the lead asks whether the relationship was disclosed (优亲厚友).',
    'Lists of relatives are incomplete, so no lead proves nothing.',
  ],
  example:
    'A house-renovation applicant 530325199003150021 is listed as 子女 of cadre 530325196501010013: one lead with both registry rows.',
  evaluate(input, parameters) {
    const relations = new Set(parameters.relations as string[]);
    const hits: RuleHit[] = [];
    for (const subject of input.subjects) {
      if (subject.idNumber === undefined) continue;
      const id = subject.idNumber;
      const servant = input.registries.lookUp('public-servants', id);
      const cadreRows = input.registries.lookUp('village-cadres', id);
      // A cadre is one on any row as the cadre: the own (本人) row when there is one, else a
      // relative's row, which names him as the cadre just as well (version 1 missed a cadre
      // listed only through his relatives).
      const asCadre = cadreRows.filter((row) => row.cadreIdNumber === id);
      const ownRow =
        asCadre.find((row) => row.relativeIdNumber === undefined || row.relation === cadreSelf) ??
        asCadre[0];
      const cadre = [
        ...(ownRow === undefined ? [] : [ownRow]),
        ...cadreRows.filter((row) => row.cadreIdNumber !== id && relations.has(row.relation)),
      ];
      if (servant.length === 0 && cadre.length === 0) continue;
      const what: string[] = [];
      const whatEn: string[] = [];
      if (servant.length > 0) {
        what.push(`财政供养人员（${servant[0]?.employer ?? ''}）`);
        whatEn.push(`on the public payroll (${servant[0]?.employer ?? ''})`);
      }
      for (const row of cadre) {
        if (row.cadreIdNumber === id) {
          what.push('村干部本人');
          whatEn.push('a village cadre');
        } else {
          what.push(`村干部${row.name}的${row.relation}`);
          whatEn.push(`the ${row.relation} of village cadre ${row.name}`);
        }
      }
      hits.push(
        hit(
          this,
          subject,
          [...servant, ...cadre],
          parameters,
          `${subject.name}（${id}）是${what.join('、')}。`,
          `${subject.name} (${id}) is ${whatEn.join(' and ')}.`,
        ),
      );
    }
    return hits;
  },
};

export const businessOwner: RuleDefinition = {
  id: 'business-owner',
  version: 1,
  title: { zh: '有工商登记', en: 'Registered business owner' },
  method:
    'The beneficiary’s ID number registered a business (工商登记) on or before the reference date: the application date, else the day the roster was uploaded; for a payment, the day it was requested.',
  inputs: [beneficiarySubjects, 'registry businesses'],
  registries: ['businesses'],
  parameters: {
    excludedTypes: {
      description: 'Business types that do not count (e.g. 农民专业合作社 members)',
      default: [],
    },
  },
  exclusions: [
    'Businesses registered after the reference date.',
    'Types listed in excludedTypes.',
    'Dormant companies are not told apart: the lead is for checking.',
  ],
  example:
    'Applied 2019-03-01; a 个体工商户 registered 2017-06-12 under the same ID number: a lead.',
  evaluate(input, parameters) {
    const excluded = new Set(parameters.excludedTypes as string[]);
    return eachMatch(
      input,
      (id) => input.registries.lookUp('businesses', id),
      (row, subject) => row.registered <= subject.referenceDate && !excluded.has(row.type),
      (subject, rows) =>
        hit(
          this,
          subject,
          rows,
          parameters,
          `${subject.name}（${subject.idNumber}）于${rows[0]?.registered}登记${rows[0]?.type}，早于${subject.referenceDate}。`,
          `${subject.name} (${subject.idNumber}) registered a ${rows[0]?.type} on ${rows[0]?.registered}, on or before ${subject.referenceDate}.`,
        ),
    );
  },
};

export const farmVehicleTypesDefault = ['三轮农用车', '拖拉机', '低速货车', '农用运输车'];

export const vehicleOwner: RuleDefinition = {
  id: 'vehicle-owner',
  version: 1,
  title: { zh: '有车辆登记', en: 'Registered vehicle owner' },
  method:
    'The beneficiary’s ID number owns a vehicle registered on or before the reference date whose type is not farm machinery.',
  inputs: [beneficiarySubjects, 'registry vehicles'],
  registries: ['vehicles'],
  parameters: {
    farmVehicleTypes: {
      description: 'Vehicle types that are farm machinery and never count',
      default: farmVehicleTypesDefault,
    },
  },
  exclusions: [
    'Farm machinery (farmVehicleTypes).',
    'Vehicles registered after the reference date.',
    '挂名 cars registered in a poor household’s name by someone else are possible: the lead is for checking.',
  ],
  example:
    'Applied 2019-03-01; a 小型轿车 registered 2018-11-02: a lead. A 拖拉机 or a car registered 2019-05-01: none.',
  evaluate(input, parameters) {
    const farm = new Set(parameters.farmVehicleTypes as string[]);
    return eachMatch(
      input,
      (id) => input.registries.lookUp('vehicles', id),
      (row, subject) => row.registered <= subject.referenceDate && !farm.has(row.type),
      (subject, rows) =>
        hit(
          this,
          subject,
          rows,
          parameters,
          `${subject.name}（${subject.idNumber}）名下有${rows[0]?.type}（${rows[0]?.plate}），${rows[0]?.registered}登记，早于${subject.referenceDate}。`,
          `${subject.name} (${subject.idNumber}) owns a ${rows[0]?.type} (${rows[0]?.plate}) registered on ${rows[0]?.registered}, on or before ${subject.referenceDate}.`,
        ),
    );
  },
};

export const propertyBuyer: RuleDefinition = {
  id: 'property-buyer',
  version: 1,
  title: { zh: '购买商品房', en: 'Bought commercial housing' },
  method:
    'The beneficiary’s ID number bought property of one of `propertyTypes` on or before the reference date.',
  inputs: [beneficiarySubjects, 'registry property'],
  registries: ['property'],
  parameters: {
    propertyTypes: { description: 'Property types that count', default: ['商品房'] },
  },
  exclusions: ['Other property types (安置房, 自建房, …).', 'Purchases after the reference date.'],
  example: 'Applied 2019-03-01; bought a 商品房 on 2018-08-20: a lead.',
  evaluate(input, parameters) {
    const types = new Set(parameters.propertyTypes as string[]);
    return eachMatch(
      input,
      (id) => input.registries.lookUp('property', id),
      (row, subject) => row.purchased <= subject.referenceDate && types.has(row.type),
      (subject, rows) =>
        hit(
          this,
          subject,
          rows,
          parameters,
          `${subject.name}（${subject.idNumber}）于${rows[0]?.purchased}购买${rows[0]?.type}，早于${subject.referenceDate}。`,
          `${subject.name} (${subject.idNumber}) bought ${rows[0]?.type} on ${rows[0]?.purchased}, on or before ${subject.referenceDate}.`,
        ),
    );
  },
};

export const deceased: RuleDefinition = {
  id: 'deceased',
  version: 1,
  title: { zh: '已死亡人员', en: 'Deceased person' },
  method:
    'The beneficiary’s death is recorded more than `graceDays` days before the reference date of the roster line or payment.',
  inputs: [beneficiarySubjects, 'registry deaths'],
  registries: ['deaths'],
  parameters: {
    graceDays: {
      description: 'Days after a death during which a line or payment is not flagged',
      default: 0,
    },
  },
  exclusions: [
    'Deaths on or after the reference date (minus graceDays).',
    'A household-level subsidy after one member died is legitimate: the lead is for checking.',
  ],
  example: 'Died 2018-12-01; on a roster uploaded 2019-03-01: a lead.',
  evaluate(input, parameters) {
    const graceDays = parameters.graceDays as number;
    return eachMatch(
      input,
      (id) => input.registries.lookUp('deaths', id),
      (row, subject) => addDays(row.died, graceDays) < subject.referenceDate,
      (subject, rows) =>
        hit(
          this,
          subject,
          rows,
          parameters,
          `${subject.name}（${subject.idNumber}）已于${rows[0]?.died}死亡，早于${subject.referenceDate}。`,
          `${subject.name} (${subject.idNumber}) died on ${rows[0]?.died}, before ${subject.referenceDate}.`,
        ),
    );
  },
};
