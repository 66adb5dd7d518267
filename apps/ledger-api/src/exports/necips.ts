import { seriousnessOf, type Jurisdiction } from '@ledger/domain';
import type { AuthorityDirectory, AuthorityIdentity } from './authorities';
import type { FeedRow } from './feed';
import { VIOLATION_TYPE_NAMES } from './shuanggongshi';
import type { Column } from './stream';

/**
 * The layouts of the 国家企业信用信息公示系统 (NECIPS, gsxt.gov.cn), to which seed 004 Art. 17
 * sends inspection and penalty information, and the city platform's layout of 不良信用信息
 * (seed 000 Art. 11). ADR 028 records what was found of their fields and what is assumed.
 */

type Summary = FeedRow['summary'];

/** The bureau that recorded a row: the host that recorded it (ADR 016), else the home. */
function bureauOf(authorities: AuthorityDirectory, row: FeedRow): AuthorityIdentity {
  const jurisdiction = ((row.summary.recordedIn as string | undefined) ??
    row.jurisdiction ??
    'beijing') as Jurisdiction;
  const bureaus = authorities[jurisdiction] ?? authorities.beijing;
  return row.summary.recordingAuthority === 'market-regulation' && bureaus.marketRegulation
    ? bureaus.marketRegulation
    : bureaus.ecology;
}

/** 公示日期: the day the ledger recorded it (Asia/Shanghai), when it went to the platform. */
const recordedOn = (row: FeedRow): string => row.recorded_on;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/**
 * NECIPS 行政处罚信息: the summary 《市场监督管理行政处罚信息公示规定》 Art. 4 asks for (决定书文号,
 * the party, 违法行为类型, 行政处罚内容, the deciding authority's name and the date), in the order
 * the system's 行政处罚信息 table shows them, and the day it was published.
 */
export function necipsPenaltyColumns(authorities: AuthorityDirectory): readonly Column<FeedRow>[] {
  return [
    ['统一社会信用代码', (r) => r.uscc],
    ['企业名称', (r) => r.name],
    ['法定代表人', (r) => r.legal_representative],
    ['决定书文号', (r) => text(r.summary.decisionNumber)],
    [
      '违法行为类型',
      (r) => {
        const type = String(r.summary.violationType);
        return VIOLATION_TYPE_NAMES[type] ?? type;
      },
    ],
    ['行政处罚内容', (r) => text(r.summary.content)],
    ['决定机关名称', (r) => text(r.summary.authority) ?? bureauOf(authorities, r).name],
    ['处罚决定日期', (r) => text(r.summary.decidedAt)],
    ['公示日期', recordedOn],
  ];
}

/** 检查方式 of the ledger's inspections (DOMAIN.md). */
export const INSPECTION_METHOD_NAMES: Record<string, string> = {
  'on-site': '现场检查',
  'off-site': '非现场检查',
  'blind-sample': '盲样考核',
  'inter-lab-comparison': '实验室间比对',
  'record-review': '档案检查',
};

/** 检查发现的问题, in the words of the monitoring rules (seed 004 Art. 7–14, seed 000 Art. 9). */
export const FINDING_NAMES: Record<string, string> = {
  'non-standard-monitoring': '未按标准规范开展监测',
  'sample-management': '样品管理不规范',
  'record-keeping': '原始记录不规范',
  'quality-system': '质量管理体系运行不规范',
  'capability-mismatch': '超出能力范围开展监测',
  'untrue-report': '出具不实监测报告',
  'false-report': '出具虚假监测报告',
  'refused-inspection': '拒绝接受监督检查',
  'refused-rectification': '拒不整改',
  other: '其他问题',
};

/** 处理措施 (seed 001 Art. 9). */
export const MEASURE_NAMES: Record<string, string> = {
  'written-notice': '书面通知整改',
  interview: '约谈',
  'public-notice': '通报',
};

type InspectionSummary = Summary & {
  findings?: { code: string; description: string | null }[];
  measures?: string[];
  planId?: string;
  method?: string;
};

/** 结果: 未发现问题, or the problems found and the measures taken. */
export function inspectionResult(summary: InspectionSummary): string {
  const findings = summary.findings ?? [];
  if (findings.length === 0) return '未发现问题';
  const found = findings.map((f) => FINDING_NAMES[f.code] ?? f.code).join('；');
  const measures = (summary.measures ?? []).map((m) => MEASURE_NAMES[m] ?? m).join('；');
  return `发现问题：${found}${measures ? `。处理措施：${measures}` : ''}`;
}

/**
 * NECIPS 抽查检查结果信息: 检查实施机关, 类型, 日期, 结果, as the system's table shows them, with the
 * enterprise they concern first and the ledger's method after. 类型 is 双随机抽查 for an inspection
 * that carries out a 双随机 plan (ADR 011), else 检查.
 */
export function necipsInspectionColumns(
  authorities: AuthorityDirectory,
): readonly Column<FeedRow>[] {
  const s = (r: FeedRow) => r.summary as InspectionSummary;
  return [
    ['统一社会信用代码', (r) => r.uscc],
    ['企业名称', (r) => r.name],
    ['检查实施机关', (r) => text(r.summary.authority) ?? bureauOf(authorities, r).name],
    ['类型', (r) => (s(r).planId ? '双随机抽查' : '检查')],
    ['日期', (r) => r.occurred_on],
    ['结果', (r) => inspectionResult(s(r))],
    ['检查方式', (r) => INSPECTION_METHOD_NAMES[String(s(r).method)] ?? text(s(r).method)],
    ['公示日期', recordedOn],
  ];
}

/** 不良信用信息 kinds (seed 000 Art. 9, 10; seed 001 Art. 16; seed 003 (十一)). */
export const CREDIT_FINDING_NAMES: Record<string, string> = {
  'credit-bad': '信用不良',
  'police-case-opened': '移送公安机关并立案',
  'serious-dishonesty-listed': '列入严重失信主体名单',
  'serious-dishonesty-removed': '移出严重失信主体名单',
  'refused-evaluation': '无故不参与信用评价',
  'procurement-blacklisted': '列入政府采购严重违法失信行为记录',
};

/** 信息类别 of a credit record other than a penalty. */
function categoryOf(row: FeedRow): string {
  if (row.kind === 'late-change') return '逾期办理变更备案';
  if (row.kind === 'inspection-finding') return '监督检查发现问题';
  const kind = String(row.summary.kind);
  return CREDIT_FINDING_NAMES[kind] ?? kind;
}

/** 具体情形: what was found, in words. */
function detailOf(row: FeedRow): string | null {
  if (row.kind === 'late-change')
    return `变更发生于${String(row.summary.changedAt)}，应于${String(row.summary.dueBy)}前办理，${String(row.summary.filedOn)}办理`;
  if (row.kind === 'inspection-finding') return inspectionResult(row.summary);
  const banned = text(row.summary.bannedUntil);
  const description = text(row.summary.description);
  return [description, banned && `禁入期限至${banned}`].filter(Boolean).join('；') || null;
}

/** 认定依据: the article the record rests on, where it names one. */
const basisOf = (row: FeedRow): string | null => text(row.summary.article);

/**
 * The city credit platform's layout of 不良信用信息 (seed 000 Art. 11: the bureau collects the
 * records of bad credit to the 北京市公共信用信息服务平台): every credit record but penalties
 * (which go in the penalty layouts) — credit findings, dishonesty listings, findings of
 * inspections, late change filings — with 失信程度 and 公示截止期 (NDRC Order No. 58, ADR 013).
 */
export function creditFindingColumns(authorities: AuthorityDirectory): readonly Column<FeedRow>[] {
  return [
    ['统一社会信用代码', (r) => r.uscc],
    ['机构名称', (r) => r.name],
    ['信息类别', categoryOf],
    ['具体情形', detailOf],
    ['认定依据', basisOf],
    ['认定日期', (r) => r.occurred_on],
    ['认定机关', (r) => bureauOf(authorities, r).name],
    ['认定机关统一社会信用代码', (r) => bureauOf(authorities, r).uscc || null],
    [
      '失信程度',
      (r) =>
        r.kind === 'credit-finding' &&
        seriousnessOf('CreditFindingRecorded', { kind: r.summary.kind }) === 'serious'
          ? '严重'
          : '一般',
    ],
    ['公示截止期', (r) => r.display_until],
    [
      '数据来源单位',
      (r) => authorities[(r.jurisdiction ?? 'beijing') as Jurisdiction]?.dataSource.name ?? null,
    ],
  ];
}
