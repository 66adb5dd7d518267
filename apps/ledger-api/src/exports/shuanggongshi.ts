import type { Jurisdiction } from '@ledger/domain';
import type { CreditRecordSummary } from '@ledger/projections';
import type { AuthorityDirectory } from './authorities';

/**
 * The 双公示 administrative-penalty layout (信用中国 行政处罚信息), every field in its order, as
 * commonly implemented from the national data standard (ADR 015 records what was found of the
 * standard's text and what is assumed). Code values are the standard's Chinese names.
 */

/** 违法行为类型, in the words of the monitoring rules (seed 000 Art. 9, 15; 生态环境监测条例). */
export const VIOLATION_TYPE_NAMES: Record<string, string> = {
  'data-fraud': '监测数据弄虚作假',
  'false-report': '出具虚假监测报告',
  'untrue-report': '出具不实监测报告',
  'false-om': '虚假运维自动监测设备',
  'refused-inspection': '拒绝接受监督检查',
  other: '其他违法行为',
};

/** 处罚类别, as 行政处罚法 Art. 9 names the kinds. */
export const PENALTY_CATEGORY_NAMES: Record<string, string> = {
  warning: '警告',
  fine: '罚款',
  confiscation: '没收违法所得、没收非法财物',
  suspension: '责令停产停业',
  'licence-revocation': '吊销许可证件',
  other: '其他',
};

/** 行政相对人类别: an agency is always a 法人及非法人组织 (the code table's first value). */
export const SUBJECT_CATEGORY = '法人及非法人组织';

/** A penalty's fields, as the credit-record projection keeps them. */
type PenaltySummary = Extract<CreditRecordSummary, { decisionNumber: string }>;

/** A penalty as the layout reads it. */
export interface ShuanggongshiSource {
  uscc: string;
  name: string | null;
  jurisdiction: string | null;
  legal_representative: string | null;
  displayed: boolean;
  display_until: string;
  summary: PenaltySummary;
}

type Cell = string | number | null;

/** 万元 with the cents kept: 50000 yuan is 5, 1234.56 yuan is 0.123456. */
const tenThousands = (yuan: number | null | undefined): Cell =>
  yuan === null || yuan === undefined ? null : Math.round(yuan * 100) / 1_000_000;

/** The categories given, or what the decision shows: a fine when one was imposed. */
function categoriesOf(p: ShuanggongshiSource['summary']): string {
  const given = p.categories ?? [];
  const inferred = given.length > 0 ? given : p.fineYuan ? ['fine'] : [];
  return inferred.map((c) => PENALTY_CATEGORY_NAMES[c] ?? c).join(';');
}

/** Every column of the layout, in order, for the authorities configured (LEDGER_AUTHORITIES). */
export function shuanggongshiColumns(
  authorities: AuthorityDirectory,
): readonly (readonly [string, (row: ShuanggongshiSource) => Cell])[] {
  const of = (row: ShuanggongshiSource) =>
    authorities[(row.jurisdiction ?? 'beijing') as Jurisdiction] ?? authorities.beijing;
  const decidingAuthority = (row: ShuanggongshiSource) => {
    const bureaus = of(row);
    return row.summary.recordingAuthority === 'market-regulation' && bureaus.marketRegulation
      ? bureaus.marketRegulation
      : bureaus.ecology;
  };
  return [
    ['行政相对人名称', (r) => r.name],
    ['行政相对人类别', () => SUBJECT_CATEGORY],
    ['统一社会信用代码', (r) => r.uscc],
    // The USCC replaces the old registration numbers: left empty as the standard allows.
    ['工商注册号', () => null],
    ['组织机构代码', () => null],
    ['税务登记号', () => null],
    ['事业单位证书号', () => null],
    ['社会组织登记证号', () => null],
    ['法定代表人', (r) => r.legal_representative],
    // The legal representative's ID number is not published (PIPL; the standard keeps it
    // for the platform, not for display): the ledger sends neither its type nor its number.
    ['法定代表人证件类型', () => null],
    ['法定代表人证件号码', () => null],
    // For a natural person only; an agency is an organisation.
    ['证件类型', () => null],
    ['证件号码', () => null],
    ['行政处罚决定书文号', (r) => r.summary.decisionNumber],
    [
      '违法行为类型',
      (r) => VIOLATION_TYPE_NAMES[r.summary.violationType] ?? r.summary.violationType,
    ],
    ['违法事实', (r) => r.summary.facts ?? r.summary.content],
    ['处罚依据', (r) => r.summary.legalBasis],
    ['处罚类别', (r) => categoriesOf(r.summary)],
    ['处罚内容', (r) => r.summary.content],
    ['罚款金额（万元）', (r) => tenThousands(r.summary.fineYuan)],
    ['没收违法所得、没收非法财物的金额（万元）', (r) => tenThousands(r.summary.confiscatedYuan)],
    ['暂扣或吊销证照名称及编号', () => null],
    ['处罚决定日期', (r) => r.summary.decidedAt],
    // The period the decision is to be carried out in: its deadline (履行期限), where set.
    ['处罚有效期', (r) => r.summary.dueBy ?? null],
    ['公示截止期', (r) => r.display_until],
    ['处罚机关', (r) => r.summary.authority ?? decidingAuthority(r).name],
    ['处罚机关统一社会信用代码', (r) => decidingAuthority(r).uscc || null],
    ['数据来源单位', (r) => of(r).dataSource.name],
    ['数据来源单位统一社会信用代码', (r) => of(r).dataSource.uscc || null],
    ['备注', (r) => (r.displayed ? null : '已停止公示')],
  ];
}
