/**
 * The national data set of `npm run bench:scale` (issue 14, item 1): agencies over years, every
 * event decided by the domain's own decider (`decide`, folded with `evolve`) from commands shaped
 * as the API's handlers shape them, with the metadata the command pipeline writes. A command the
 * decider refuses records nothing, as a 422 would (counted, not loaded). Deterministic from the
 * seed: one seeded generator per agency, fixed valid times, event ids, keys and IVs from it; the
 * wall clock is never read for a valid time. The proportions are written down, with their
 * reasons, in BENCHMARKS.md ("National scale").
 */
import { createHash } from 'node:crypto';
import {
  agencySchemaVersion,
  agencyStreamId,
  BUILT_IN_CALENDAR_YEARS,
  decide,
  evolve,
  gradesNoOne,
  initialAgencyState,
  isEngaged,
  organisationCodeCheckCharacter,
  personReservations,
  policyInForce,
  residentIdCheckCharacter,
  usccCheckCharacter,
  OfficialCalendar,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
  type Jurisdiction,
  type InspectionMethod,
  type PersonnelRole,
  type ViolationType,
} from '@ledger/domain';
import type { EventStore, NewEvent, UniqueClaim, UniqueValue } from '@ledger/event-store';
import type { BulkSealer } from '@ledger/personal-data';

/** The last valid date of the data set: a fixed clock value, never today's date. */
export const DATA_END = '2026-11-30';

// ---------------------------------------------------------------- seeded randomness
/** sfc32: small, fast, good enough for a workload; seeded by four 32-bit words. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = seed >>> 0;
    this.b = (stream * 0x9e3779b9) >>> 0;
    this.c = 0x243f6a88 ^ stream;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Poisson-distributed count with mean `mean` (Knuth; means here are small). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  bytes(size: number): Buffer {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) {
      const word = Math.floor(this.next() * 4294967296);
      for (let j = 0; j < 4 && i + j < size; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  uuid(): string {
    const hex = (bits: number, digits: number) =>
      Math.floor(this.next() * 2 ** bits)
        .toString(16)
        .padStart(digits, '0');
    const variant = (8 + Math.floor(this.next() * 4)).toString(16);
    return `${hex(32, 8)}-${hex(16, 4)}-4${hex(12, 3)}-${variant}${hex(12, 3)}-${hex(24, 6)}${hex(24, 6)}`;
  }
}

// ---------------------------------------------------------------- proportions
/** Share of agencies per jurisdiction (the four whose rules the ledger holds). */
export const JURISDICTION_SHARE: [Jurisdiction, number][] = [
  ['beijing', 0.3],
  ['chongqing', 0.25],
  ['jiaxing', 0.15],
  ['urumqi', 0.3],
];

/** How much supervision an agency draws, per year; most are quiet. */
export const PROFILES = {
  quiet: { share: 0.7, inspections: 0.4, findingRate: 0.1, penalties: 0.01, creditFindings: 0 },
  ordinary: {
    share: 0.25,
    inspections: 1.5,
    findingRate: 0.3,
    penalties: 0.08,
    creditFindings: 0.01,
  },
  troubled: {
    share: 0.05,
    inspections: 6,
    findingRate: 0.7,
    penalties: 1.2,
    creditFindings: 0.3,
  },
} as const;
type Profile = keyof typeof PROFILES;

/** Other rates, per agency and year unless said otherwise. */
export const RATES = {
  /** Agencies already in business when the period opens, filed in its first two months. */
  presentAtStart: 0.45,
  returnedFiling: 0.03,
  deregistration: 0.015,
  staffLeaving: 0.12,
  staffGrowth: 0.02,
  equipmentAdded: 0.6,
  equipmentScrapped: 0.3,
  plainChange: 0.3,
  reviewedChange: 0.05,
  /** Of changes: filed more than a month after they happened (a ChangeFiledLate finding). */
  lateChange: 0.1,
  /** Of penalties: recorded as fulfilled. */
  penaltyFulfilled: 0.8,
  /** Of penalties and inspections: recorded 1–4 months after their valid date. */
  recordedLate: 0.04,
  /** Of penalties whose display period allows it: a credit repair requested. */
  repairRequested: 0.3,
  repairApproved: 0.8,
  /** Of graded agencies and years: no business in the year. */
  noBusiness: 0.03,
};

const DIVISIONS: Record<Jurisdiction, string[]> = {
  beijing: ['110101', '110102', '110105', '110106', '110108', '110111', '110112', '110114'],
  chongqing: ['500103', '500105', '500106', '500107', '500108', '500112', '500113'],
  jiaxing: ['330402', '330411', '330421', '330424', '330481', '330482', '330483'],
  urumqi: ['650102', '650103', '650104', '650105', '650106'],
};
const CITY: Record<Jurisdiction, string> = {
  beijing: '北京',
  chongqing: '重庆',
  jiaxing: '嘉兴',
  urumqi: '乌鲁木齐',
};
const AUTHORITY: Record<Jurisdiction, string> = {
  beijing: '北京市生态环境局',
  chongqing: '重庆市生态环境局',
  jiaxing: '嘉兴市生态环境局',
  urumqi: '乌鲁木齐市生态环境局',
};
const PENALTY_PREFIX: Record<Jurisdiction, string> = {
  beijing: '京环罚',
  chongqing: '渝环罚',
  jiaxing: '嘉环罚',
  urumqi: '乌环罚',
};
const CREDIT_BAD_ARTICLE: Record<Jurisdiction, string> = {
  beijing: 'beijing-9-3',
  chongqing: 'chongqing-16-1',
  jiaxing: 'jiaxing-11-2',
  urumqi: 'urumqi-15',
};
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚'.split('');
const ROLES: PersonnelRole[] = [
  'technical-management',
  'quality-management',
  'sample-management',
  'field-sampling',
  'field-testing',
  'laboratory-analysis',
  'report-preparation',
  'report-review',
  'authorised-signatory',
  'quality-supervision',
];
const METHODS: InspectionMethod[] = [
  'on-site',
  'off-site',
  'blind-sample',
  'inter-lab-comparison',
  'record-review',
];
const FINDINGS = [
  ['record-keeping', '原始记录不完整，部分采样记录缺少采样人签字'],
  ['sample-management', '样品流转单与实验室记录不一致'],
  ['non-standard-monitoring', '未按标准方法开展监测'],
  ['quality-system', '质量体系文件未及时更新'],
  ['capability-mismatch', '超出资质认定范围出具报告'],
] as const;
const VIOLATIONS: [ViolationType, number][] = [
  ['other', 0.45],
  ['untrue-report', 0.25],
  ['refused-inspection', 0.1],
  ['false-report', 0.1],
  ['data-fraud', 0.05],
  ['false-om', 0.05],
];
const INSTRUMENTS = [
  ['气相色谱仪', 'GC-2030'],
  ['原子吸收分光光度计', 'AA-7000'],
  ['紫外可见分光光度计', 'UV-2600'],
  ['烟气分析仪', 'testo-350'],
  ['离子色谱仪', 'ICS-1100'],
];

// ---------------------------------------------------------------- calendar and dates
const CALENDARS = new Map<number, OfficialCalendar>();
/** The calendar a decision on `on` gets from the app: the built-in years `on` and the next. */
function calendarFor(on: string): OfficialCalendar {
  const year = Number(on.slice(0, 4));
  let calendar = CALENDARS.get(year);
  if (!calendar) {
    calendar = new OfficialCalendar(
      BUILT_IN_CALENDAR_YEARS.filter((y) => y.year === year || y.year === year + 1),
    );
    CALENDARS.set(year, calendar);
  }
  return calendar;
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const DATES = new Map<number, string>();
function dateOf(day: number): string {
  let date = DATES.get(day);
  if (date === undefined) {
    date = new Date(Math.round(day) * 86_400_000).toISOString().slice(0, 10);
    DATES.set(day, date);
  }
  return date;
}

export function dataStart(years: number): string {
  return `${Number(DATA_END.slice(0, 4)) - years}${DATA_END.slice(4)}`;
}

// ---------------------------------------------------------------- identities
/** A valid USCC for agency number `index` of the data set (check characters computed). */
export function usccOf(jurisdiction: Jurisdiction, division: string, index: number): string {
  const org8 = String(30_000_000 + index).padStart(8, '0');
  const first17 = `91${division}${org8}${organisationCodeCheckCharacter(org8)}`;
  return first17 + usccCheckCharacter(first17);
}

/** Persons an agency may hire over the period: their ID numbers are unique by construction. */
const HIRES_PER_AGENCY = 500;

/**
 * The resident ID number of the `hire`th person agency `index` hires: birth date and sequence
 * number encode both (unique below 10,957 × 1,000 persons), so that no two generated persons
 * share a number (one person, one agency is the store's claim: a clash would refuse the append).
 */
function residentId(index: number, hire: number, division: string): string {
  const n = index * HIRES_PER_AGENCY + hire;
  const born = dateOf(dayNumber('1965-01-01') + (n % 10_957)).replace(/-/g, '');
  const first17 = `${division}${born}${String(Math.floor(n / 10_957) % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

const personName = (random: Random) =>
  random.pick(SURNAMES) + random.pick(GIVEN) + (random.chance(0.6) ? random.pick(GIVEN) : '');

// ---------------------------------------------------------------- one agency's history
interface Actor {
  sub: string;
  role: 'agency' | 'regulator' | 'admin';
  jurisdiction?: string;
}

type Planned = {
  /** Where the command falls in the stream's order (the day it is recorded). */
  at: number;
  /** Its valid date: the occurredAt the command carries. */
  on: string;
  actor: 'agency' | 'regulator';
  path: string;
  make: (state: AgencyState) => DistributiveOmit<AgencyCommand, 'on' | 'calendar'> | undefined;
  /** Told the ids of the events the command recorded (a later command may name them). */
  onDecided?: (eventIds: string[]) => void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface AgencyHistory {
  uscc: string;
  jurisdiction: Jurisdiction;
  profile: Profile;
  streamId: string;
  /** The appends, in order: events with the claims and releases each needs. */
  appends: { events: NewEvent[]; claim: UniqueClaim[]; release: UniqueValue[] }[];
  events: number;
  refused: Record<string, number>;
  state: AgencyState;
}

const MAX_EVENTS_PER_APPEND = 500;

/**
 * Agency number `index` of a data set of `years` years, its commands decided one after the
 * other on the state its earlier events fold to.
 */
export function agencyHistory(
  seed: number,
  index: number,
  years: number,
  sealer: BulkSealer,
): AgencyHistory {
  const random = new Random(seed, index + 1);
  const start = dayNumber(dataStart(years));
  const end = dayNumber(DATA_END);
  let roll = random.next();
  let jurisdiction: Jurisdiction = 'urumqi';
  for (const [j, share] of JURISDICTION_SHARE) {
    if (roll < share) {
      jurisdiction = j;
      break;
    }
    roll -= share;
  }
  roll = random.next();
  const profile: Profile =
    roll < PROFILES.quiet.share
      ? 'quiet'
      : roll < PROFILES.quiet.share + PROFILES.ordinary.share
        ? 'ordinary'
        : 'troubled';
  const rates = PROFILES[profile];
  const division = random.pick(DIVISIONS[jurisdiction]);
  const uscc = usccOf(jurisdiction, division, index);
  const city = CITY[jurisdiction];
  const name = `${city}${random.pick(['华测', '中环', '绿源', '清源', '恒信', '博远', '蓝天', '诚信'])}${index}环境检测有限公司`;
  const filed =
    random.chance(RATES.presentAtStart) || years < 1
      ? start + random.int(0, 59)
      : start + random.int(0, Math.floor((end - start) * 0.95));
  const plan: Planned[] = [];
  const add = (p: Planned) => plan.push(p);
  const representative = personName(random);
  const category = random.chance(0.15)
    ? 'automatic-om'
    : random.chance(0.1)
      ? 'radiation'
      : 'comprehensive';
  const filedOn = dateOf(filed);
  add({
    at: filed,
    on: filedOn,
    actor: 'agency',
    path: '/api/v1/agencies',
    make: () => ({
      type: 'RegisterAgency',
      data: {
        uscc,
        jurisdiction,
        name,
        category,
        serviceTypes: random.chance(0.8)
          ? ['self-monitoring', 'public-monitoring']
          : ['self-monitoring'],
        monitoringTypes: category === 'automatic-om' ? ['automatic-om'] : ['testing'],
        scope: ['water', 'air'],
        legalRepresentative: { name: representative, title: '总经理' },
        commitment: { signedBy: representative, signedAt: filedOn },
        addresses: { registered: `${city}市${division}`, workplace: `${city}市某路${index}号` },
        contact: { email: `lab${index}@example.cn` },
        cmaCertificate: {
          number: `CMA${String(index).padStart(10, '0')}`,
          issuer: `${city}市市场监督管理局`,
          validFrom: dateOf(filed - 400),
          validUntil: dateOf(filed - 400 + 6 * 365),
        },
        codeVerified: true,
      },
    }),
  });
  let reviewed = filed + random.int(1, 6);
  if (random.chance(RATES.returnedFiling)) {
    add({
      at: reviewed,
      on: dateOf(reviewed),
      actor: 'regulator',
      path: `/review`,
      make: () => ({ type: 'ReviewRegistration', outcome: 'returned', reason: '材料不齐全' }),
    });
    const refiled = reviewed + random.int(3, 20);
    add({
      at: refiled,
      on: dateOf(refiled),
      actor: 'agency',
      path: `/changes`,
      make: () => ({
        type: 'ChangeRegistration',
        changes: { scope: ['water', 'air', 'soil'] },
        changedAt: dateOf(refiled),
      }),
    });
    reviewed = refiled + random.int(1, 6);
  }
  add({
    at: reviewed,
    on: dateOf(reviewed),
    actor: 'regulator',
    path: `/review`,
    make: () => ({ type: 'ReviewRegistration', outcome: 'approved' }),
  });
  // Deregistration: a yearly hazard; nothing is planned after it.
  let closes = end + 1;
  for (let day = reviewed + 365; day <= end; day += 365)
    if (random.chance(RATES.deregistration)) {
      closes = day - random.int(0, 364);
      break;
    }
  const last = Math.min(end, closes - 1);
  let hires = 0;
  const staff = (firstDay: number) => {
    const hired = firstDay;
    add({
      at: hired,
      on: dateOf(hired),
      actor: 'agency',
      path: '/personnel',
      make: () => {
        if (hires === HIRES_PER_AGENCY) return undefined;
        const idNumber = residentId(index, hires++, division);
        const idNumberHash = sealer.identityHash(idNumber);
        return {
          type: 'AddPersonnel',
          data: {
            personId: random.uuid(),
            idNumberHash,
            idNumber: sealer.seal(`person:${idNumberHash}`, 'resident-id', idNumber),
            name: personName(random),
            role: random.pick(ROLES),
            technical: true,
            joinedAt: dateOf(hired),
          },
          bans: [],
        };
      },
    });
  };
  const initialStaff = random.int(4, profile === 'quiet' ? 14 : 24);
  for (let i = 0; i < initialStaff; i++) staff(reviewed + random.int(1, 30));
  const initialEquipment = random.int(3, 12);
  const equipment = (day: number) =>
    add({
      at: day,
      on: dateOf(day),
      actor: 'agency',
      path: '/equipment',
      make: () => {
        const [instrument, model] = random.pick(INSTRUMENTS);
        return {
          type: 'AddEquipment',
          data: {
            equipmentId: random.uuid(),
            name: instrument,
            model,
            serial: `SN${index}-${random.int(10_000, 99_999)}`,
            acquiredAt: dateOf(day),
          },
        };
      },
    });
  for (let i = 0; i < initialEquipment; i++) equipment(reviewed + random.int(1, 30));
  let decision = 0;
  for (let yearStart = reviewed + 31; yearStart <= last; yearStart += 365) {
    const yearEnd = Math.min(last, yearStart + 364);
    const within = () => yearStart + random.int(0, yearEnd - yearStart);
    const span = (yearEnd - yearStart + 1) / 365;
    // Staff: leavers replaced, a little growth.
    const leaving = random.poisson(initialStaff * RATES.staffLeaving * span);
    for (let i = 0; i < leaving; i++) {
      const day = within();
      add({
        at: day,
        on: dateOf(day),
        actor: 'agency',
        path: '/personnel/departure',
        make: (state) => {
          const engaged = [...state.personnel.values()].filter(isEngaged);
          if (engaged.length === 0) return undefined;
          const person = random.pick(engaged);
          if (person.joinedAt && person.joinedAt > dateOf(day)) return undefined;
          return {
            type: 'RecordDeparture',
            personId: person.personId,
            leftAt: dateOf(day),
            proof: '离职证明',
          };
        },
      });
      staff(Math.min(last, day + random.int(5, 60)));
    }
    for (let i = random.poisson(initialStaff * RATES.staffGrowth * span); i > 0; i--)
      staff(within());
    if (random.chance(RATES.equipmentAdded * span)) equipment(within());
    if (random.chance(RATES.equipmentScrapped * span)) {
      const day = within();
      add({
        at: day,
        on: dateOf(day),
        actor: 'agency',
        path: '/equipment/scrap',
        make: (state) => {
          const inService = [...state.equipment].filter(([, s]) => s === 'in-service');
          if (inService.length <= 1) return undefined;
          return { type: 'ScrapEquipment', equipmentId: random.pick(inService)[0] };
        },
      });
    }
    // Changes to the registration: mostly addresses and contacts, a few reviewed ones.
    if (random.chance(RATES.plainChange * span)) {
      const day = within();
      const late = random.chance(RATES.lateChange);
      const changedAt = dateOf(late ? day - random.int(35, 90) : day - random.int(0, 20));
      add({
        at: day,
        on: dateOf(day),
        actor: 'agency',
        path: '/changes',
        make: (state) =>
          changedAt < (state.registeredOn ?? '')
            ? undefined
            : {
                type: 'ChangeRegistration',
                changes: {
                  addresses: {
                    registered: `${city}市${division}`,
                    workplace: `${city}市某路${index}-${random.int(1, 999)}号`,
                  },
                },
                changedAt,
              },
      });
    }
    if (random.chance(RATES.reviewedChange * span)) {
      const day = within();
      const successor = personName(random);
      add({
        at: day,
        on: dateOf(day),
        actor: 'agency',
        path: '/changes',
        make: () => ({
          type: 'ChangeRegistration',
          changes: { legalRepresentative: { name: successor, title: '总经理' } },
          changedAt: dateOf(day),
          commitment: { signedBy: successor, signedAt: dateOf(day) },
        }),
      });
      const review = Math.min(last, day + random.int(2, 8));
      add({
        at: review,
        on: dateOf(review),
        actor: 'regulator',
        path: '/review',
        make: (state) =>
          state.pendingChange ? { type: 'ReviewRegistration', outcome: 'approved' } : undefined,
      });
    }
    // Supervision: inspections with findings, penalties, credit findings.
    for (let i = random.poisson(rates.inspections * span); i > 0; i--) {
      const day = within();
      const late = random.chance(RATES.recordedLate);
      const findings = random.chance(rates.findingRate)
        ? Array.from({ length: random.int(1, 3) }, () => {
            const [code, description] = random.pick(FINDINGS);
            return { code, description };
          })
        : [];
      const method = random.pick(METHODS);
      add({
        at: late ? Math.min(end, day + random.int(30, 120)) : day,
        on: dateOf(day),
        actor: 'regulator',
        path: '/inspections',
        make: () => ({
          type: 'RecordInspection',
          data: {
            inspectedAt: dateOf(day),
            method,
            findings,
            authority: AUTHORITY[jurisdiction],
            ...(findings.length > 0 && { measures: ['written-notice'] }),
          },
        }),
      });
    }
    for (let i = random.poisson(rates.penalties * span); i > 0; i--) {
      const day = within();
      const decidedAt = dateOf(day);
      const late = random.chance(RATES.recordedLate);
      let v = random.next();
      let violationType: ViolationType = 'other';
      for (const [type, share] of VIOLATIONS) {
        if (v < share) {
          violationType = type;
          break;
        }
        v -= share;
      }
      decision++;
      const fineYuan = random.int(1, 50) * 10_000;
      const decisionNumber = `${PENALTY_PREFIX[jurisdiction]}〔${decidedAt.slice(0, 4)}〕${index}-${decision}号`;
      const dueBy = dateOf(day + 15);
      let penaltyEventId: string | undefined;
      add({
        at: late ? Math.min(end, day + random.int(30, 120)) : day,
        on: decidedAt,
        actor: 'regulator',
        path: '/penalties',
        make: () => ({
          type: 'ImposePenalty',
          data: {
            decisionNumber,
            decidedAt,
            violationType,
            legalBasis: '《生态环境监测条例》第三十九条',
            content: `罚款人民币${fineYuan / 10_000}万元，责令改正`,
            facts: '出具的监测报告中样品编号与原始记录不符',
            categories: ['fine'],
            fineYuan,
            dueBy,
            authority: AUTHORITY[jurisdiction],
          },
        }),
      });
      // The id of the penalty event is known once it is decided: the later commands name it.
      plan[plan.length - 1].onDecided = (ids) => (penaltyEventId = ids[0]);
      if (random.chance(RATES.penaltyFulfilled)) {
        const paid = day + random.int(5, 60);
        if (paid <= last)
          add({
            at: Math.max(paid, late ? day + 121 : paid),
            on: dateOf(paid),
            actor: 'regulator',
            path: '/penalties/fulfilment',
            make: () =>
              penaltyEventId === undefined
                ? undefined
                : {
                    type: 'RecordPenaltyFulfilment',
                    penaltyEventId,
                    penalty: {
                      decisionNumber,
                      decidedAt,
                      violationType,
                      legalBasis: '',
                      content: '',
                    },
                    fulfilledOn: dateOf(paid),
                  },
          });
      }
      if (random.chance(RATES.repairRequested)) {
        const asked = day + random.int(190, 400);
        const repairId = random.uuid();
        const approved = random.chance(RATES.repairApproved);
        if (asked + 20 <= last) {
          add({
            at: asked,
            on: dateOf(asked),
            actor: 'agency',
            path: '/credit-repairs',
            make: () =>
              penaltyEventId === undefined
                ? undefined
                : {
                    type: 'RequestCreditRepair',
                    repairId,
                    recordEventId: penaltyEventId,
                    recordType: 'PenaltyImposed',
                    recordData: { decidedAt, violationType, fineYuan, categories: ['fine'] },
                    reason: '已完成整改并履行处罚决定',
                  },
          });
          const decided = asked + random.int(5, 20);
          add({
            at: decided,
            on: dateOf(decided),
            actor: 'regulator',
            path: '/credit-repairs/decision',
            make: (state) =>
              state.repairs.get(repairId)?.status === 'pending'
                ? {
                    type: 'DecideCreditRepair',
                    repairId,
                    outcome: approved ? 'approved' : 'rejected',
                    reason: approved ? undefined : '整改不到位',
                  }
                : undefined,
          });
        }
      }
    }
    for (let i = random.poisson(rates.creditFindings * span); i > 0; i--) {
      const day = within();
      add({
        at: day,
        on: dateOf(day),
        actor: 'regulator',
        path: '/credit-findings',
        make: () => ({
          type: 'RecordCreditFinding',
          data: {
            kind: 'credit-bad',
            article: CREDIT_BAD_ARTICLE[jurisdiction],
            decidedAt: dateOf(day),
            description: '监测数据弄虚作假线索，记入信用档案',
          },
        }),
      });
    }
  }
  // The year's assessment, early the next year, where the jurisdiction grades (a cycle grades from it).
  if (!gradesNoOne(jurisdiction))
    for (
      let year = Number(dataStart(years).slice(0, 4));
      year < Number(DATA_END.slice(0, 4));
      year++
    ) {
      const day = dayNumber(`${year + 1}-01-05`) + random.int(0, 10);
      if (day <= reviewed || day > last || !policyInForce(jurisdiction, dateOf(day))) continue;
      const noBusiness = random.chance(RATES.noBusiness);
      const score = Math.round((profile === 'troubled' ? 55 : 70) + random.next() * 30);
      add({
        at: day,
        on: dateOf(day),
        actor: 'regulator',
        path: '/assessments',
        make: () => ({
          type: 'RecordAssessment',
          data: {
            year,
            score: noBusiness ? 0 : score,
            ...(jurisdiction === 'jiaxing' && {
              riskScore: Math.min(100, score + random.int(-10, 5)),
            }),
            noBusiness,
          },
        }),
      });
    }
  if (closes <= end)
    add({
      at: closes,
      on: dateOf(closes),
      actor: 'agency',
      path: '/deregistration',
      make: () => ({ type: 'Deregister', reason: 'voluntary' }),
    });

  // Decide each command, in the order the ledger receives them.
  const ordered = plan.map((p, i) => ({ p, i })).sort((x, y) => x.p.at - y.p.at || x.i - y.i);
  const actors: Record<'agency' | 'regulator', Actor> = {
    agency: { sub: `agency-${uscc}`, role: 'agency' },
    regulator: { sub: `reg-${jurisdiction}`, role: 'regulator', jurisdiction },
  };
  let state = initialAgencyState;
  const refused: Record<string, number> = {};
  const appends: AgencyHistory['appends'] = [];
  let current: AgencyHistory['appends'][number] = { events: [], claim: [], release: [] };
  let events = 0;
  for (const { p } of ordered) {
    const command = p.make(state);
    if (!command) continue;
    const on = p.on;
    let decided: AgencyEvent[];
    try {
      decided = decide({ ...command, on, calendar: calendarFor(on) }, state);
    } catch (error) {
      const key = `${command.type}: ${(error as { article?: string }).article ?? (error as Error).message}`;
      refused[key] = (refused[key] ?? 0) + 1;
      continue;
    }
    if (decided.length === 0) continue;
    const { claim, release } = personReservations(uscc, decided, state);
    const occurredAt = `${on}T0${random.int(1, 8)}:${String(random.int(0, 59)).padStart(2, '0')}:00.000Z`;
    const actor = actors[p.actor];
    // The pipeline hashes method, path and canonical body; here the command's identity will do.
    const requestHash = createHash('sha256')
      .update(`POST ${uscc}${p.path} ${command.type} ${occurredAt} ${events}`)
      .digest('hex');
    const correlationId = random.uuid();
    const stored: NewEvent[] = decided.map((event) => ({
      eventId: random.uuid(),
      type: event.type,
      schemaVersion: agencySchemaVersion(event.type),
      data: event.data,
      occurredAt,
      metadata: {
        actor: actor.sub,
        role: actor.role,
        ...(actor.jurisdiction && { jurisdiction: actor.jurisdiction }),
        correlationId,
        requestHash,
      },
    }));
    p.onDecided?.(stored.map((e) => e.eventId!));
    for (const event of decided) state = evolve(state, event);
    if (current.events.length + stored.length > MAX_EVENTS_PER_APPEND) {
      appends.push(current);
      current = { events: [], claim: [], release: [] };
    }
    current.events.push(...stored);
    // Within one append a person's claim and release cancel: the append ends with neither.
    for (const r of release) {
      const at = current.claim.findIndex((c) => c.scope === r.scope && c.key === r.key);
      if (at >= 0) current.claim.splice(at, 1);
      else current.release.push(r);
    }
    current.claim.push(...claim);
    events += stored.length;
  }
  if (current.events.length > 0) appends.push(current);
  return {
    uscc,
    jurisdiction,
    profile,
    streamId: agencyStreamId(uscc),
    appends,
    events,
    refused,
    state,
  };
}

/** Appends an agency's history through the store's port: many events per append. */
export async function appendHistory(store: EventStore, history: AgencyHistory): Promise<number> {
  let version = 0;
  let position = 0;
  for (const { events, claim, release } of history.appends) {
    const result = await store.append(history.streamId, events, {
      expectedVersion: version === 0 ? 'no-stream' : version,
      ...(claim.length > 0 && { claim }),
      ...(release.length > 0 && { release }),
    });
    version = result.version;
    position = result.position;
  }
  return position;
}

export interface LoadReport {
  agencies: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  generateSeconds: number;
  byType: Record<string, number>;
  byProfile: Record<string, number>;
  byJurisdiction: Record<string, number>;
  refused: Record<string, number>;
  /** Agencies as generated, for the sections that pick some. */
  picks: { uscc: string; jurisdiction: Jurisdiction; events: number; status: string }[];
}

/**
 * Generates and loads `agencies` agencies: groups of agencies are decided (CPU), their keys
 * written, then their appends run with at most `concurrency` in flight while the next group
 * is decided.
 */
export async function loadDataSet(
  store: EventStore,
  sealer: BulkSealer,
  options: {
    seed: number;
    agencies: number;
    years: number;
    concurrency: number;
    onProgress?: (agencies: number, events: number) => void;
  },
): Promise<LoadReport> {
  const { seed, agencies, years, concurrency } = options;
  const started = performance.now();
  let generateMs = 0;
  const inFlight = new Set<Promise<unknown>>();
  let failure: Error | undefined;
  const report: LoadReport = {
    agencies,
    events: 0,
    seconds: 0,
    eventsPerSecond: 0,
    generateSeconds: 0,
    byType: {},
    byProfile: {},
    byJurisdiction: {},
    refused: {},
    picks: [],
  };
  const GROUP = 32;
  for (let first = 0; first < agencies; first += GROUP) {
    const t0 = performance.now();
    const group: AgencyHistory[] = [];
    for (let i = first; i < Math.min(agencies, first + GROUP); i++) {
      const history = agencyHistory(seed, i, years, sealer);
      group.push(history);
      report.events += history.events;
      report.byProfile[history.profile] = (report.byProfile[history.profile] ?? 0) + 1;
      report.byJurisdiction[history.jurisdiction] =
        (report.byJurisdiction[history.jurisdiction] ?? 0) + 1;
      for (const append of history.appends)
        for (const event of append.events)
          report.byType[event.type] = (report.byType[event.type] ?? 0) + 1;
      for (const [key, n] of Object.entries(history.refused))
        report.refused[key] = (report.refused[key] ?? 0) + n;
      report.picks.push({
        uscc: history.uscc,
        jurisdiction: history.jurisdiction,
        events: history.events,
        status: history.state.status,
      });
    }
    generateMs += performance.now() - t0;
    await sealer.flush();
    for (const history of group) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) throw failure;
      const job: Promise<unknown> = appendHistory(store, history)
        .catch(
          (error: unknown) =>
            (failure ??= error instanceof Error ? error : new Error(String(error))),
        )
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    }
    options.onProgress?.(Math.min(agencies, first + GROUP), report.events);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  report.seconds = (performance.now() - started) / 1000;
  report.generateSeconds = generateMs / 1000;
  report.eventsPerSecond = Math.round(report.events / report.seconds);
  return report;
}
