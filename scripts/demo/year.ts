/**
 * The year the demo seeds, through the HTTP API only: 32 agencies filed and approved early in
 * 2025 in Beijing, Chongqing and Jiaxing, their staff and equipment, the year's inspections
 * and penalties, the 2025 assessments, and the three 2025 grading cycles run in 2026 with
 * their objections and publication.
 */
import { addWorkingDays } from '@ledger/domain';
import type { Actor } from '../../apps/ledger-api/src/auth/actor';
import type { CommandAnswer, LedgerClient, Refusal } from './api';
import { Identities, Random, type Person } from './people';

export type Jurisdiction = 'beijing' | 'chongqing' | 'jiaxing';

/** The agencies the story needs; the others are ordinary. */
type Part =
  | 'story' // Beijing, graded A; a penalty decided in April is recorded only now
  | 'fraud-d' // Beijing, data-fraud penalty in 2025: D at once
  | 'upheld-before' // Beijing, objection upheld before publication
  | 'decided-after' // Beijing, objection decided after publication
  | 'false-report-e' // Chongqing, false-report penalty: E
  | 'upheld-reranks' // Chongqing, objection upheld: ranks move
  | 'rejected' // Jiaxing, objection in time, rejected
  | 'too-late' // Jiaxing, objection after the window: 422
  | 'repaired'; // Jiaxing, a minor penalty whose public display is repaired

interface AgencySpec {
  name: string;
  /** County-level division code: characters 3–8 of the USCC. */
  division: string;
  district: string;
  score: number;
  riskScore?: number;
  noBusiness?: boolean;
  publicOnly?: boolean;
  category?: 'comprehensive' | 'radiation' | 'automatic-om';
  part?: Part;
}

// prettier-ignore
const AGENCIES: Record<Jurisdiction, AgencySpec[]> = {
  beijing: [
    { name: '北京中环恒信检测技术有限公司', division: '110105', district: '北京市朝阳区', score: 93.5, part: 'story' },
    { name: '北京京诚环境监测有限公司', division: '110108', district: '北京市海淀区', score: 92 },
    { name: '北京华清博远环境检测有限公司', division: '110108', district: '北京市海淀区', score: 89.5, part: 'upheld-before' },
    { name: '北京中科绿源检测技术有限公司', division: '110108', district: '北京市海淀区', score: 84 },
    { name: '北京燕山环保科技检测有限公司', division: '110111', district: '北京市房山区', score: 78.5 },
    { name: '北京普瑞达环境检测有限公司', division: '110106', district: '北京市丰台区', score: 71, category: 'automatic-om' },
    { name: '北京清源辐射监测技术有限公司', division: '110108', district: '北京市海淀区', score: 66, category: 'radiation' },
    { name: '北京通州蓝天环境检测有限公司', division: '110112', district: '北京市通州区', score: 58, part: 'decided-after' },
    { name: '北京昌平恒达检测技术有限公司', division: '110114', district: '北京市昌平区', score: 88, part: 'fraud-d' },
    { name: '北京大兴中检环境监测有限公司', division: '110115', district: '北京市大兴区', score: 0, noBusiness: true },
    { name: '北京首环公共监测技术有限公司', division: '110102', district: '北京市西城区', score: 95, publicOnly: true },
    { name: '北京朝阳绿洲环境科技有限公司', division: '110105', district: '北京市朝阳区', score: 81 },
  ],
  chongqing: [
    { name: '重庆渝环检测技术有限公司', division: '500103', district: '重庆市渝中区', score: 95 },
    { name: '重庆两江环境监测有限公司', division: '500112', district: '重庆市渝北区', score: 91 },
    { name: '重庆嘉陵检测技术有限公司', division: '500106', district: '重庆市沙坪坝区', score: 88 },
    { name: '重庆山城环保科技有限公司', division: '500108', district: '重庆市南岸区', score: 80, part: 'upheld-reranks' },
    { name: '重庆巴渝环境检测有限公司', division: '500113', district: '重庆市巴南区', score: 86 },
    { name: '重庆长江绿源监测有限公司', division: '500105', district: '重庆市江北区', score: 83 },
    { name: '重庆朝天门环境检测有限公司', division: '500103', district: '重庆市渝中区', score: 77, category: 'automatic-om' },
    { name: '重庆缙云检测技术有限公司', division: '500109', district: '重庆市北碚区', score: 73 },
    { name: '重庆南岸环科监测有限公司', division: '500108', district: '重庆市南岸区', score: 87, part: 'false-report-e' },
    { name: '重庆九龙环境检测有限公司', division: '500107', district: '重庆市九龙坡区', score: 0, noBusiness: true },
  ],
  jiaxing: [
    { name: '嘉兴南湖环境检测有限公司', division: '330402', district: '浙江省嘉兴市南湖区', score: 94, riskScore: 90 },
    { name: '嘉兴禾城监测技术有限公司', division: '330402', district: '浙江省嘉兴市南湖区', score: 91, riskScore: 86 },
    { name: '浙江嘉环检测技术有限公司', division: '330411', district: '浙江省嘉兴市秀洲区', score: 88, riskScore: 84 },
    { name: '嘉兴海宁潮源环境监测有限公司', division: '330481', district: '浙江省海宁市', score: 86, riskScore: 82, part: 'repaired' },
    { name: '嘉兴平湖清溪检测有限公司', division: '330482', district: '浙江省平湖市', score: 83, riskScore: 76 },
    { name: '嘉兴桐乡梧桐环境科技有限公司', division: '330483', district: '浙江省桐乡市', score: 79, riskScore: 70, part: 'rejected' },
    { name: '嘉兴嘉善恒测检测有限公司', division: '330421', district: '浙江省嘉善县', score: 75, riskScore: 72, category: 'automatic-om' },
    { name: '嘉兴海盐蓝湾监测有限公司', division: '330424', district: '浙江省海盐县', score: 72, riskScore: 65, part: 'too-late' },
    { name: '嘉兴秀洲绿洲检测有限公司', division: '330411', district: '浙江省嘉兴市秀洲区', score: 64, riskScore: 58 },
    { name: '嘉兴运河环境检测技术有限公司', division: '330402', district: '浙江省嘉兴市南湖区', score: 55, riskScore: 50 },
  ],
};

// prettier-ignore
const REGULATOR = {
  beijing: { authority: '北京市生态环境局', penalty: '京环罚', cmaIssuer: '北京市市场监督管理局', assessedOn: '2026-01-06', cycleOn: '2026-01-12' },
  chongqing: { authority: '重庆市生态环境局', penalty: '渝环罚', cmaIssuer: '重庆市市场监督管理局', assessedOn: '2026-02-06', cycleOn: '2026-03-02' },
  jiaxing: { authority: '嘉兴市生态环境局', penalty: '嘉环罚', cmaIssuer: '浙江省市场监督管理局', assessedOn: '2026-02-06', cycleOn: '2026-03-02' },
} as const;

const ORDINARY_FINDINGS = [
  { code: 'record-keeping', description: '原始记录信息不完整，未记录采样时间和气象参数' },
  { code: 'sample-management', description: '样品流转记录缺失，部分样品保存温度不符合要求' },
  { code: 'quality-system', description: '内部质量控制措施未有效实施，平行样比例不足' },
  { code: 'non-standard-monitoring', description: '未按现行标准方法开展监测，方法未经验证' },
  { code: 'capability-mismatch', description: '个别项目超出资质认定能力范围出具数据' },
  { code: 'other', description: '人员持证上岗信息未及时更新' },
] as const;
const INSPECTION_METHODS = ['on-site', 'off-site', 'record-review', 'blind-sample'] as const;
const STAFF_ROLES = [
  'laboratory-analysis',
  'field-sampling',
  'report-review',
  'sample-management',
  'field-testing',
  'report-preparation',
  'quality-supervision',
] as const;
const EQUIPMENT = [
  ['气相色谱仪', 'GC-2030'],
  ['原子吸收分光光度计', 'AA-7000'],
  ['离子色谱仪', 'ICS-600'],
  ['电感耦合等离子体质谱仪', 'ICPMS-2030'],
  ['紫外可见分光光度计', 'UV-2600'],
  ['自动烟尘烟气测试仪', 'GH-60E'],
  ['多功能声级计', 'AWA6228+'],
] as const;
const SCOPES = ['water', 'air', 'soil', 'noise', 'biology', 'vibration'] as const;
const EDUCATION = ['博士研究生', '硕士研究生', '本科', '本科', '大专'] as const;
const TITLES = ['正高级工程师', '高级工程师', '工程师', '工程师', '助理工程师'] as const;

export interface Agency extends AgencySpec {
  uscc: string;
  jurisdiction: Jurisdiction;
  legalRepresentative: Person;
}

export interface Counts {
  agencies: number;
  personnel: number;
  equipment: number;
  inspections: number;
  findings: number;
  penalties: number;
  assessments: number;
  cycles: number;
  objections: number;
  objectionsRefused: number;
  creditRepairs: number;
}

interface CycleAnswer extends CommandAnswer {
  cycleId: string;
  publicityStartsOn: string;
  publicityEndsOn: string;
  objectionWindowEndsOn: string;
  proposals: { uscc: string; grade: string; score: number | null }[];
}
interface PublishAnswer extends CommandAnswer {
  publishedOn: string;
  grades: { uscc: string; grade: string }[];
}
interface ObjectionAnswer extends CommandAnswer {
  objectionId: string;
  reviewDueOn: string;
}
interface DecisionAnswer extends CommandAnswer {
  revised: { grade: string; score: number | null } | null;
}
interface CycleView {
  proposals: { uscc: string; grade: string }[];
}

/** A demo expectation that did not hold: the ledger answered, but not what the year needs. */
export class DemoExpectation extends Error {
  override readonly name = 'DemoExpectation';
}

function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new DemoExpectation(message);
}

export const regulatorOf = (jurisdiction: Jurisdiction): Actor => ({
  sub: `demo-regulator-${jurisdiction}`,
  role: 'regulator',
  jurisdiction,
});
export const agencyActor = (uscc: string): Actor => ({
  sub: `demo-agency-${uscc}`,
  role: 'agency',
  uscc,
});
export const REVIEWER: Actor = { sub: 'demo-reviewer', role: 'reviewer' };
export const AUDITOR: Actor = { sub: 'demo-auditor', role: 'auditor' };

/** "A 2 · B 5 · no-business 1", best grade first. */
export function tally(grades: readonly string[]): string {
  const order = ['A', 'B', 'C', 'D', 'E', 'no-business', 'ungraded'];
  const counts = new Map<string, number>();
  for (const grade of grades) counts.set(grade, (counts.get(grade) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([grade, n]) => `${grade} ${n}`)
    .join(' · ');
}

export class DemoYear {
  readonly agencies: Agency[] = [];
  readonly counts: Counts = {
    agencies: 0,
    personnel: 0,
    equipment: 0,
    inspections: 0,
    findings: 0,
    penalties: 0,
    assessments: 0,
    cycles: 0,
    objections: 0,
    objectionsRefused: 0,
    creditRepairs: 0,
  };
  /** Human labels of the events the demo caused, for the report. */
  readonly labels = new Map<string, string>();
  private readonly random = new Random(20250106);
  private readonly identities = new Identities(this.random);
  private penaltyNumber = 0;
  private repairable?: { agency: Agency; eventId: string; decisionNumber: string };

  constructor(
    private readonly api: LedgerClient,
    private readonly log: (line: string) => void,
  ) {}

  /** The agency playing a part in the story. */
  part(part: Part): Agency {
    const agency = this.agencies.find((a) => a.part === part);
    if (!agency) throw new Error(`no agency plays ${part}`);
    return agency;
  }

  nameOf(uscc: string): string {
    return this.agencies.find((a) => a.uscc === uscc)?.name ?? uscc;
  }

  async seed(): Promise<void> {
    await this.registerAll();
    await this.superviseTheYear();
    await this.assessAll();
    await this.gradeBeijing();
    await this.gradeChongqing();
    await this.gradeJiaxing();
    await this.repairCredit();
  }

  /** 备案: filed by each agency over January and February 2025, approved 3 working days later. */
  private async registerAll(): Promise<void> {
    let day = 0;
    for (const jurisdiction of ['beijing', 'chongqing', 'jiaxing'] as const) {
      for (const spec of AGENCIES[jurisdiction]) {
        const filedOn = day === 0 ? '2025-01-06' : addWorkingDays('2025-01-06', day);
        day += 1;
        const approvedOn = addWorkingDays(filedOn, 3);
        const agency: Agency = {
          ...spec,
          jurisdiction,
          uscc: this.identities.uscc(spec.division),
          legalRepresentative: this.identities.person(),
        };
        this.agencies.push(agency);
        const staff = Array.from({ length: this.random.int(4, 6) }, () => this.identities.person());
        await this.api.post('/agencies', agencyActor(agency.uscc), {
          ...this.registration(agency, staff, filedOn),
          occurredAt: filedOn,
        });
        await this.api.post(`/agencies/${agency.uscc}/review`, regulatorOf(jurisdiction), {
          outcome: 'approved',
          occurredAt: approvedOn,
        });
        this.counts.agencies += 1;
        await this.hire(agency, staff, approvedOn);
        await this.equip(agency, approvedOn);
      }
    }
    this.log(
      `  ${this.counts.agencies} agencies filed and approved (Jan–Feb 2025), ${this.counts.personnel} personnel, ${this.counts.equipment} instruments`,
    );
  }

  private registration(agency: Agency, staff: Person[], filedOn: string) {
    const representative = agency.legalRepresentative;
    const category = agency.category ?? 'comprehensive';
    const street = `${this.random.pick(['科技园路', '环保路', '创新大道', '学院路', '建设路'])}${this.random.int(1, 288)}号`;
    return {
      uscc: agency.uscc,
      name: agency.name,
      jurisdiction: agency.jurisdiction,
      category,
      serviceTypes: agency.publicOnly
        ? ['public-monitoring']
        : agency.jurisdiction === 'chongqing'
          ? ['public-monitoring', 'self-monitoring']
          : ['self-monitoring'],
      monitoringTypes: category === 'automatic-om' ? ['automatic-om'] : ['testing'],
      scope:
        category === 'radiation'
          ? ['radiation']
          : this.random.sample(SCOPES, this.random.int(2, 4)).sort(),
      legalRepresentative: {
        name: representative.name,
        title: '总经理',
        phone: representative.phone,
      },
      commitment: { signedBy: representative.name, signedAt: filedOn },
      addresses: {
        registered: `${agency.district}${street}`,
        workplace: `${agency.district}${street}实验楼`,
      },
      contact: {
        phone: this.identities.mobile(),
        email: `lab${agency.uscc.slice(-6).toLowerCase()}@example.cn`,
      },
      ownership: '有限责任公司（自然人投资或控股）',
      cmaCertificate: {
        number: `${this.random.int(20, 24)}${agency.division.slice(0, 2)}${this.random.int(10_000_000, 99_999_999)}`,
        issuer: REGULATOR[agency.jurisdiction].cmaIssuer,
        validUntil: `${this.random.int(2027, 2030)}-12-31`,
      },
      keyPersonnel: {
        technicalLead: staff[0].name,
        qualityLead: staff[1].name,
        authorisedSignatory: staff[2].name,
        topManager: representative.name,
      },
    };
  }

  private async hire(agency: Agency, staff: Person[], on: string): Promise<void> {
    const lead = ['technical-management', 'quality-management', 'authorised-signatory'] as const;
    for (const [i, person] of staff.entries()) {
      await this.api.post(`/agencies/${agency.uscc}/personnel`, agencyActor(agency.uscc), {
        idNumber: person.idNumber,
        name: person.name,
        role: lead[i] ?? this.random.pick(STAFF_ROLES),
        technical: true,
        education: this.random.pick(EDUCATION),
        title: i < 3 ? this.random.pick(TITLES.slice(0, 3)) : this.random.pick(TITLES),
        joinedAt: `${this.random.int(2014, 2024)}-0${this.random.int(1, 9)}-${this.random.int(10, 28)}`,
        occurredAt: on,
      });
      this.counts.personnel += 1;
    }
  }

  private async equip(agency: Agency, on: string): Promise<void> {
    for (const [name, model] of this.random.sample(EQUIPMENT, 2)) {
      await this.api.post(`/agencies/${agency.uscc}/equipment`, agencyActor(agency.uscc), {
        name,
        model,
        serial: `SN${this.random.int(100_000, 999_999)}`,
        acquiredAt: `${this.random.int(2018, 2024)}-0${this.random.int(1, 9)}-15`,
        calibratedUntil: `2026-0${this.random.int(3, 9)}-30`,
        occurredAt: on,
      });
      this.counts.equipment += 1;
    }
  }

  /** Inspections across 2025, a few with findings; the penalties that follow two of them. */
  private async superviseTheYear(): Promise<void> {
    for (const agency of this.agencies) {
      const visits = this.random.chance(0.4) ? 2 : 1;
      for (let v = 0; v < visits; v += 1) {
        const month = v === 0 ? this.random.int(3, 6) : this.random.int(8, 11);
        const findings = this.random.sample(
          ORDINARY_FINDINGS,
          this.random.chance(0.55) ? this.random.int(1, 2) : 0,
        );
        await this.inspect(agency, {
          inspectedAt: addWorkingDays(
            `2025-${String(month).padStart(2, '0')}-01`,
            this.random.int(1, 15),
          ),
          method: this.random.pick(INSPECTION_METHODS),
          findings,
        });
      }
    }

    // Beijing: data fraud found on a blind sample, penalised: D from the decision (beijing-15).
    const fraud = this.part('fraud-d');
    await this.inspect(fraud, {
      inspectedAt: '2025-05-27',
      method: 'blind-sample',
      findings: [
        { code: 'false-report', description: '篡改在线监测原始数据，出具虚假监测报告' },
        { code: 'non-standard-monitoring', description: '未按规定开展现场采样' },
      ],
    });
    await this.penalise(fraud, {
      decidedAt: '2025-06-18',
      violationType: 'data-fraud',
      legalBasis: '《中华人民共和国大气污染防治法》第一百零一条；《生态环境监测条例》',
      content: '篡改、伪造监测数据，罚款二十万元，没收违法所得',
      fineYuan: 200_000,
    });

    // Chongqing: a false report: E (chongqing-16-4).
    const falseReport = this.part('false-report-e');
    await this.inspect(falseReport, {
      inspectedAt: '2025-08-20',
      method: 'record-review',
      findings: [{ code: 'false-report', description: '未实施采样即出具监测报告' }],
    });
    await this.penalise(falseReport, {
      decidedAt: '2025-09-10',
      violationType: 'false-report',
      legalBasis: '《检验检测机构监督管理办法》第二十六条',
      content: '出具虚假检验检测报告，罚款三万元',
      fineYuan: 30_000,
    });

    // Jiaxing: a minor penalty, repaired later.
    const minor = this.part('repaired');
    await this.inspect(minor, {
      inspectedAt: '2025-06-12',
      method: 'on-site',
      findings: [{ code: 'sample-management', description: '样品未按规定留存' }],
    });
    const { eventId, decisionNumber } = await this.penalise(minor, {
      decidedAt: '2025-07-08',
      violationType: 'other',
      legalBasis: '《检验检测机构监督管理办法》第二十五条',
      content: '未按规定保存原始记录和样品，责令改正，罚款一万元',
      fineYuan: 10_000,
    });
    this.repairable = { agency: minor, eventId, decisionNumber };
    // Both downgrades take effect at once, from the decision date.
    const fraudGrade = await this.gradeOn(fraud, '2025-06-18');
    const falseReportGrade = await this.gradeOn(falseReport, '2025-09-10');
    expectThat(fraudGrade === 'D', `${fraud.name} should be D from 2025-06-18`);
    expectThat(falseReportGrade === 'E', `${falseReport.name} should be E from 2025-09-10`);
    this.log(
      `  ${this.counts.inspections} inspections (${this.counts.findings} findings), ${this.counts.penalties} penalties: ` +
        `${fraud.name} data fraud → ${fraudGrade} from 2025-06-18, ${falseReport.name} false report → ${falseReportGrade} from 2025-09-10`,
    );
  }

  /** The grade in force on a day, as known now. */
  private async gradeOn(agency: Agency, asOf: string): Promise<string> {
    const answer = await this.api.get<{ grade: string }>(
      `/agencies/${agency.uscc}/grade?asOf=${asOf}`,
    );
    return answer.grade;
  }

  private async inspect(
    agency: Agency,
    body: {
      inspectedAt: string;
      method: string;
      findings: readonly { code: string; description: string }[];
    },
  ): Promise<void> {
    await this.api.post(`/agencies/${agency.uscc}/inspections`, regulatorOf(agency.jurisdiction), {
      ...body,
      authority: REGULATOR[agency.jurisdiction].authority,
      measures:
        body.findings.length === 0
          ? []
          : body.findings.length > 1
            ? ['written-notice', 'interview']
            : ['written-notice'],
      occurredAt: body.inspectedAt,
    });
    this.counts.inspections += 1;
    this.counts.findings += body.findings.length;
  }

  /** A penalty decided on `decidedAt`; `occurredAt` its decision date (valid time). */
  async penalise(
    agency: Agency,
    body: {
      decidedAt: string;
      violationType: string;
      legalBasis: string;
      content: string;
      fineYuan: number;
    },
  ): Promise<{ eventId: string; decisionNumber: string }> {
    this.penaltyNumber += 1;
    const decisionNumber = `${REGULATOR[agency.jurisdiction].penalty}〔${body.decidedAt.slice(0, 4)}〕${10 + this.penaltyNumber * 7}号`;
    const answer = await this.api.post(
      `/agencies/${agency.uscc}/penalties`,
      regulatorOf(agency.jurisdiction),
      {
        decisionNumber,
        ...body,
        authority: REGULATOR[agency.jurisdiction].authority,
        occurredAt: body.decidedAt,
      },
    );
    this.counts.penalties += 1;
    const eventId = answer.eventIds[0];
    this.labels.set(eventId, `penalty ${decisionNumber}`);
    return { eventId, decisionNumber };
  }

  private async assessAll(): Promise<void> {
    for (const agency of this.agencies) {
      await this.api.post(
        `/agencies/${agency.uscc}/assessments`,
        regulatorOf(agency.jurisdiction),
        {
          year: 2025,
          score: agency.score,
          ...(agency.riskScore !== undefined && { riskScore: agency.riskScore }),
          ...(agency.noBusiness && { noBusiness: true }),
          occurredAt: REGULATOR[agency.jurisdiction].assessedOn,
        },
      );
      this.counts.assessments += 1;
    }
    this.log(`  ${this.counts.assessments} assessments of 2025 recorded`);
  }

  private async startCycle(jurisdiction: Jurisdiction): Promise<CycleAnswer> {
    const on = REGULATOR[jurisdiction].cycleOn;
    const cycle = await this.api.post<CycleAnswer>('/grading-cycles', regulatorOf(jurisdiction), {
      jurisdiction,
      year: 2025,
      occurredAt: on,
    });
    this.counts.cycles += 1;
    this.log(
      `${cycle.cycleId}: started ${cycle.publicityStartsOn}, publicity until ${cycle.publicityEndsOn} (API), ` +
        `${cycle.proposals.length} proposed: ${tally(cycle.proposals.map((p) => p.grade))}`,
    );
    return cycle;
  }

  /** The grade a cycle proposed for an agency when it started. */
  private proposed(cycle: CycleAnswer, uscc: string): string | undefined {
    return cycle.proposals.find((p) => p.uscc === uscc)?.grade;
  }

  private async object(agency: Agency, cycleId: string, reason: string, on: string) {
    const filed = await this.api.post<ObjectionAnswer>(
      `/agencies/${agency.uscc}/objections`,
      agencyActor(agency.uscc),
      { cycleId, reason, occurredAt: on },
    );
    this.counts.objections += 1;
    return filed;
  }

  private async decide(
    objectionId: string,
    actor: Actor,
    body: {
      outcome: 'upheld' | 'rejected';
      revisedScore?: number;
      reason: string;
      occurredAt: string;
    },
  ): Promise<DecisionAnswer> {
    const decided = await this.api.post<DecisionAnswer>(
      `/objections/${objectionId}/decision`,
      actor,
      body,
    );
    this.labels.set(decided.eventIds[0], `objection ${body.outcome} ${body.occurredAt}`);
    return decided;
  }

  private async publish(cycle: CycleAnswer, jurisdiction: Jurisdiction): Promise<PublishAnswer> {
    // The first working day after publicity: the ledger refuses any earlier day.
    const on = addWorkingDays(cycle.publicityEndsOn, 1);
    const published = await this.api.post<PublishAnswer>(
      `/grading-cycles/${cycle.cycleId}/publish`,
      regulatorOf(jurisdiction),
      { occurredAt: on },
    );
    this.labels.set(published.eventIds[0], `publication of ${cycle.cycleId}`);
    this.log(
      `  published ${published.publishedOn}: ${tally(published.grades.map((g) => g.grade))}`,
    );
    return published;
  }

  private async gradeBeijing(): Promise<void> {
    const cycle = await this.startCycle('beijing');
    const story = this.part('story');
    const fraud = this.part('fraud-d');
    expectThat(this.proposed(cycle, story.uscc) === 'A', `${story.name} should be proposed A`);
    expectThat(this.proposed(cycle, fraud.uscc) === 'D', `${fraud.name} should be proposed D`);

    const edge = this.part('upheld-before');
    const edgeFiled = await this.object(
      edge,
      cycle.cycleId,
      '质控考核加分项漏计，申请复核',
      addWorkingDays(cycle.publicityStartsOn, 2),
    );
    const upheld = await this.decide(edgeFiled.objectionId, REVIEWER, {
      outcome: 'upheld',
      revisedScore: 90.5,
      reason: '核实质控考核加分项，修正得分',
      occurredAt: addWorkingDays(cycle.publicityStartsOn, 4),
    });
    this.log(
      `  objection by ${edge.name}: upheld before publication, ${this.proposed(cycle, edge.uscc)} → ${upheld.revised?.grade} (${upheld.revised?.score})`,
    );

    // Filed on the last day of the window, reviewed within 5 working days: after publication.
    const low = this.part('decided-after');
    const lowFiled = await this.object(
      low,
      cycle.cycleId,
      '现场检查扣分依据不足',
      cycle.objectionWindowEndsOn,
    );
    const published = await this.publish(cycle, 'beijing');
    const decidedOn = addWorkingDays(published.publishedOn, 3);
    expectThat(decidedOn <= lowFiled.reviewDueOn, `review due ${lowFiled.reviewDueOn}`);
    const after = await this.decide(lowFiled.objectionId, regulatorOf('beijing'), {
      outcome: 'upheld',
      revisedScore: 76,
      reason: '复核现场检查记录，撤销部分扣分',
      occurredAt: decidedOn,
    });
    this.log(
      `  objection by ${low.name}: filed ${cycle.objectionWindowEndsOn}, upheld ${decidedOn} after publication, ` +
        `${this.proposed(cycle, low.uscc)} → ${after.revised?.grade} from that day`,
    );
  }

  private async gradeChongqing(): Promise<void> {
    const cycle = await this.startCycle('chongqing');
    const e = this.part('false-report-e');
    expectThat(this.proposed(cycle, e.uscc) === 'E', `${e.name} should be proposed E`);

    // Ranks: one upheld objection can move other agencies' grades (chongqing-15), and every
    // objection is decided before publication (chongqing-18).
    const objector = this.part('upheld-reranks');
    const filed = await this.object(
      objector,
      cycle.cycleId,
      '年度监测任务量统计有误',
      addWorkingDays(cycle.publicityStartsOn, 5),
    );
    const decidedOn = addWorkingDays(cycle.publicityStartsOn, 9);
    const upheld = await this.decide(filed.objectionId, regulatorOf('chongqing'), {
      outcome: 'upheld',
      revisedScore: 87,
      reason: '补录第四季度监测任务量',
      occurredAt: decidedOn,
    });
    const view = await this.api.get<CycleView>(`/grading-cycles/${cycle.cycleId}`);
    const moved = view.proposals
      .filter((p) => p.uscc !== objector.uscc && p.grade !== this.proposed(cycle, p.uscc))
      .map((p) => `${this.nameOf(p.uscc)} ${this.proposed(cycle, p.uscc)} → ${p.grade}`);
    this.log(
      `  objection by ${objector.name}: upheld ${decidedOn}, ${this.proposed(cycle, objector.uscc)} → ${upheld.revised?.grade}` +
        (moved.length > 0 ? `; re-ranked ${moved.join(', ')}` : ''),
    );
    await this.publish(cycle, 'chongqing');
  }

  private async gradeJiaxing(): Promise<void> {
    const cycle = await this.startCycle('jiaxing');
    const rejected = this.part('rejected');
    const filed = await this.object(
      rejected,
      cycle.cycleId,
      '风险评分中投诉扣分不应计入',
      addWorkingDays(cycle.publicityStartsOn, 1),
    );
    await this.decide(filed.objectionId, regulatorOf('jiaxing'), {
      outcome: 'rejected',
      reason: '投诉经查属实，扣分无误',
      occurredAt: addWorkingDays(cycle.publicityStartsOn, 3),
    });
    this.log(`  objection by ${rejected.name}: rejected`);

    const late = this.part('too-late');
    const lateOn = addWorkingDays(cycle.objectionWindowEndsOn, 1);
    const refusal = await this.api.post<Refusal>(
      `/agencies/${late.uscc}/objections`,
      agencyActor(late.uscc),
      { cycleId: cycle.cycleId, reason: '对评级结果有异议', occurredAt: lateOn },
      422,
    );
    this.counts.objectionsRefused += 1;
    this.log(
      `  objection by ${late.name} on ${lateOn}: 422 ${refusal.article} "${refusal.message.join('; ')}"`,
    );
    await this.publish(cycle, 'jiaxing');
  }

  /** 信用修复: the Jiaxing agency asks that its minor penalty no longer be displayed; approved. */
  private async repairCredit(): Promise<void> {
    const { agency, eventId, decisionNumber } = this.repairable!;
    const requested = await this.api.post<CommandAnswer & { repairId: string }>(
      `/agencies/${agency.uscc}/credit-repairs`,
      agencyActor(agency.uscc),
      { recordEventId: eventId, reason: '已按期缴纳罚款并完成整改，申请信用修复' },
    );
    await this.api.post(
      `/credit-repairs/${requested.repairId}/decision`,
      regulatorOf(agency.jurisdiction),
      { outcome: 'approved', reason: '整改到位，同意停止公示' },
    );
    this.counts.creditRepairs += 1;
    const shown = await this.api.get<{ records: { recordEventId: string }[] }>(
      `/agencies/${agency.uscc}/credit-record`,
    );
    const stillShown = shown.records.some((r) => r.recordEventId === eventId);
    expectThat(!stillShown, `${decisionNumber} should no longer be publicly displayed`);
    this.log(
      `credit repair of ${decisionNumber} (${agency.name}): approved today, no longer publicly displayed`,
    );
  }
}
