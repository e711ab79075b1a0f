/*
 * The national 建档立卡 vocabulary (扶贫开发信息系统 indicator notes, docs/design.md §6): every list a
 * household record chooses from. Values are the users' own words, stored as written, so the log
 * and the forms read alike.
 */

/** 识别标准: which poverty line the household was identified under. */
export const identificationStandards = ['国家', '省定', '市定'] as const;
export type IdentificationStandard = (typeof identificationStandards)[number];

/** 贫困户属性. */
export const householdAttributes = ['一般贫困户', '低保贫困户', '特困供养贫困户'] as const;
export type HouseholdAttribute = (typeof householdAttributes)[number];

/** 致贫原因: one main cause plus at most `secondaryCausesMax` others from the same list. */
export const povertyCauses = [
  '因病',
  '因残',
  '因学',
  '因灾',
  '缺土地',
  '缺水',
  '缺技术',
  '缺劳力',
  '缺资金',
  '交通条件落后',
  '自身发展动力不足',
  '其它',
] as const;
export type PovertyCause = (typeof povertyCauses)[number];
export const secondaryCausesMax = 2;

/** 与户主关系, as the national system lists them. */
export const relationsToHead = [
  '户主',
  '配偶',
  '之子',
  '之女',
  '之儿媳',
  '之女婿',
  '之孙子',
  '之孙女',
  '之外孙子',
  '之外孙女',
  '之父',
  '之母',
  '之岳父',
  '之岳母',
  '之公公',
  '之婆婆',
  '之祖父',
  '之祖母',
  '之兄弟姐妹',
  '其他',
] as const;
export type RelationToHead = (typeof relationsToHead)[number];
export const headRelation: RelationToHead = '户主';

export const sexes = ['男', '女'] as const;
export type Sex = (typeof sexes)[number];

/** 健康状况. */
export const healthStatuses = ['健康', '长期慢性病', '患有大病', '残疾'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/** 文化程度 / 在校生状况. */
export const schoolingLevels = [
  '学龄前儿童',
  '在校生',
  '文盲或半文盲',
  '小学',
  '初中',
  '高中',
  '大专及以上',
] as const;
export type SchoolingLevel = (typeof schoolingLevels)[number];

/** 劳动技能. */
export const labourStatuses = [
  '普通劳动力',
  '技能劳动力',
  '弱劳动力或半劳动力',
  '丧失劳动力',
  '无劳动力',
] as const;
export type LabourStatus = (typeof labourStatuses)[number];

/** Why a member leaves the household (减员原因). */
export const memberRemovalReasons = ['死亡', '婚出', '迁出', '服刑', '其它'] as const;
export type MemberRemovalReason = (typeof memberRemovalReasons)[number];

/**
 * Income by type (收入类型). 生产经营性支出 is a cost: it is subtracted, never added, when the
 * net income is worked out.
 */
export const incomeTypes = ['工资性', '生产经营性', '财产性', '转移性', '生产经营性支出'] as const;
export type IncomeType = (typeof incomeTypes)[number];
export const costIncomeTypes: ReadonlySet<IncomeType> = new Set(['生产经营性支出']);

/** 住房安全: a C- or D-grade dangerous house (危房) fails 住房安全有保障. */
export const housingSafetyGrades = ['安全', 'C级危房', 'D级危房'] as const;
export type HousingSafety = (typeof housingSafetyGrades)[number];

/** 享受政策. */
export const policyKinds = [
  '教育',
  '医疗',
  '住房',
  '产业',
  '就业',
  '低保',
  '生态',
  '金融',
  '易地搬迁',
  '其它',
] as const;
export type PolicyKind = (typeof policyKinds)[number];

/** Where a household stands: registered, in the exit procedure, exited (脱贫), returned (返贫). */
export const householdStatuses = ['registered', 'exiting', 'exited', 'returned'] as const;
export type HouseholdStatus = (typeof householdStatuses)[number];

/**
 * The exit procedure (一申请、一评议、二审核、三公示、县审定), in order. Each step is recorded by
 * a role at its level: the village or township for the application, the village's review and
 * the public notice, the township for its review, the county for the approval.
 */
export const exitSteps = ['申请', '村评议', '乡镇审核', '公示', '县审批'] as const;
export type ExitStep = (typeof exitSteps)[number];
/** A public notice (公示) runs at least this many days from its first to its last day. */
export const exitNoticeDaysMin = 7;

/**
 * 防止返贫动态监测 (since 2021): the three kinds of monitored household (监测对象类型). A
 * 脱贫不稳定户 is a household that has exited; the other two may be any household of the register.
 */
export const monitoringTypes = ['脱贫不稳定户', '边缘易致贫户', '突发严重困难户'] as const;
export type MonitoringType = (typeof monitoringTypes)[number];

/** 风险类型 of a monitored household: at least one, each at most once. */
export const monitoringRiskTypes = [
  '因病',
  '因残',
  '因学',
  '因灾',
  '因意外事故',
  '因务工就业不稳',
  '因产业项目失败',
  '其它',
] as const;
export type MonitoringRiskType = (typeof monitoringRiskTypes)[number];

/** 帮扶措施 applied to a monitored household: at least one, each at most once. */
export const assistanceMeasures = [
  '产业帮扶',
  '就业帮扶',
  '健康帮扶',
  '教育帮扶',
  '住房安全保障',
  '饮水安全保障',
  '综合保障',
  '金融帮扶',
  '公益岗位',
  '其它',
] as const;
export type AssistanceMeasure = (typeof assistanceMeasures)[number];
