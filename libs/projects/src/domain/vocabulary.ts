/*
 * The words a project record chooses from (扶贫项目库), stored as written so the log and the
 * forms read alike.
 */

/** 项目类别. */
export const projectCategories = [
  '产业',
  '基础设施',
  '易地扶贫搬迁',
  '危房改造',
  '教育',
  '医疗',
  '就业',
  '其它',
] as const;
export type ProjectCategory = (typeof projectCategories)[number];

/**
 * Where a project stands: planned (立项), underway once a milestone is reached (施工中),
 * completed (完工), accepted (验收合格) or failed acceptance (验收不合格, to be rectified and
 * completed again), or suspended (暂停/终止) with reasons, after which nothing but photos is
 * recorded.
 */
export const projectStatuses = [
  'planned',
  'underway',
  'completed',
  'accepted',
  'acceptance_failed',
  'suspended',
] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

/** 验收结果. */
export const acceptanceResults = ['合格', '不合格'] as const;
export type AcceptanceResult = (typeof acceptanceResults)[number];

/** The stage a photo shows: before work began, during it, after it (开工前 / 施工中 / 完工后). */
export const photoStages = ['开工前', '施工中', '完工后'] as const;
export type PhotoStage = (typeof photoStages)[number];

/** The levels a project may be planned at. */
export const projectDivisionLevels = ['village', 'township'] as const;
export type ProjectDivisionLevel = (typeof projectDivisionLevels)[number];
