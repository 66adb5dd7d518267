/**
 * The closed value lists of the command bodies, exactly as API.md lists them. Each is a const
 * array (for validation and the OpenAPI document) with the type of its values.
 */

/** 管辖地: the jurisdictions the ledger knows (urumqi supervises and grades no one, seed 004). */
export const JURISDICTIONS = ['beijing', 'chongqing', 'jiaxing', 'urumqi'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** 机构类别: 综合监测类, 辐射专项监测类, 自动监测运维, 其他. */
export const AGENCY_CATEGORIES = ['comprehensive', 'radiation', 'automatic-om', 'other'] as const;
export type AgencyCategory = (typeof AGENCY_CATEGORIES)[number];

/** 服务类型: 公共监测, 自行监测. */
export const SERVICE_TYPES = ['public-monitoring', 'self-monitoring'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** 监测类型: 检验检测, 自动监测运维. */
export const MONITORING_TYPES = ['testing', 'automatic-om'] as const;
export type MonitoringType = (typeof MONITORING_TYPES)[number];

/** 形式审查结论: 通过, 退回. */
export const REVIEW_OUTCOMES = ['approved', 'returned'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** 人员岗位 (seed 002 §三.1): the posts whose holders must be filed. */
export const PERSONNEL_ROLES = [
  'technical-management',
  'quality-management',
  'sample-management',
  'field-sampling',
  'field-testing',
  'laboratory-analysis',
  'report-preparation',
  'report-review',
  'authorised-signatory',
  'field-om',
  'quality-supervision',
] as const;
export type PersonnelRole = (typeof PERSONNEL_ROLES)[number];

/** 人员状态 a person can be moved to (seed 002 §三.9: 在职 → 转非技术岗). */
export const PERSONNEL_STATUSES = ['non-technical'] as const;
export type PersonnelStatus = (typeof PERSONNEL_STATUSES)[number];

/** 检查方式: 现场检查, 非现场(信息化)检查, 盲样考核, 实验室间比对, 档案(记录)核查. */
export const INSPECTION_METHODS = [
  'on-site',
  'off-site',
  'blind-sample',
  'inter-lab-comparison',
  'record-review',
] as const;
export type InspectionMethod = (typeof INSPECTION_METHODS)[number];

/** 检查发现的问题 (seed 004 Art. 7–12, seed 000 Art. 9(5)). */
export const FINDING_CODES = [
  'non-standard-monitoring',
  'sample-management',
  'record-keeping',
  'quality-system',
  'capability-mismatch',
  'untrue-report',
  'false-report',
  'refused-inspection',
  'refused-rectification',
  'other',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** 检查发现的具体情形: the article item under a finding code (seed 004 Art. 7–14), from the domain. */
export { FINDING_ITEMS, type FindingItem } from '@ledger/domain';

/** 监测业务类型 supervised (seed 004 Art. 6), from the domain. */
export { BUSINESS_TYPES, type BusinessType } from '@ledger/domain';

/** 注销 by the authority of its own motion (seed 002 §一.10): the reasons it may cite. */
export const AUTHORITY_DEREGISTRATION_REASONS = [
  'qualification-lost',
  'legal-person-terminated',
] as const;
export type AuthorityDeregistrationReason = (typeof AUTHORITY_DEREGISTRATION_REASONS)[number];

/** 监管措施 (seed 001 Art. 9): 书面通知, 约谈, 公开通报. */
export const MEASURES = ['written-notice', 'interview', 'public-notice'] as const;
export type Measure = (typeof MEASURES)[number];

/** 违法行为类型 of an administrative penalty (行政处罚). */
export const VIOLATION_TYPES = [
  'data-fraud',
  'false-report',
  'untrue-report',
  'false-om',
  'refused-inspection',
  'other',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

/** 处罚类别: 警告, 罚款, 没收违法所得/非法财物, 责令停产停业/暂扣许可证件, 吊销许可证件, 其他. */
export const PENALTY_CATEGORIES = [
  'warning',
  'fine',
  'confiscation',
  'suspension',
  'licence-revocation',
  'other',
] as const;
export type PenaltyCategory = (typeof PENALTY_CATEGORIES)[number];

/**
 * 信用记录: 信用不良, 移送公安立案, 列入/移出严重失信主体名单, 无故不参与信用评价 (Jiaxing (十一)1),
 * 列入政府采购严重违法失信行为记录 (Chongqing Art. 16(2)).
 */
export const CREDIT_FINDING_KINDS = [
  'credit-bad',
  'police-case-opened',
  'serious-dishonesty-listed',
  'serious-dishonesty-removed',
  'refused-evaluation',
  'procurement-blacklisted',
] as const;
export type CreditFindingKind = (typeof CREDIT_FINDING_KINDS)[number];

/** 注销原因 (seed 000 Art. 24, seed 002 §一.9–10): 自愿注销, 法人终止, 资质认定失效. */
export const DEREGISTRATION_REASONS = [
  'voluntary',
  'legal-person-terminated',
  'qualification-lost',
] as const;
export type DeregistrationReason = (typeof DEREGISTRATION_REASONS)[number];
