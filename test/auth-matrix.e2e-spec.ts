/**
 * Who may call what (API.md, Conventions: Auth), route × caller, over every route of the app.
 * No or a bad token on a protected route is 401; a role, jurisdiction or USCC that may not act
 * is 403 and changes nothing; a caller that may act gets the route's success status on a target
 * of its own (a fresh agency, person or piece of equipment), so that no call sees another's
 * changes. The agency is in Beijing: the Chongqing regulator may read its stream (masked) but
 * never write to it, except to record its report to Chongqing (报备, ADR 016). An admin may do
 * whatever a regulator may, and nothing only an agency may.
 * Grading commands on a cycle (start, publish, objections and their decisions) record in the
 * cycle's stream, not the agency's: for them that stream is what must grow, or stay the same.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { JwtService } from '@nestjs/jwt';
import { signToken } from '../apps/ledger-api/src/auth/sign-token';
import {
  actors,
  bearer,
  CODES,
  registrationBody,
  startTestApp,
  TEST_JWT_SECRET,
  type TestApp,
} from './support/app';
import { asBeijing, freshResidentId, freshUscc, Ledger } from './support/fixtures';
import { HOOK_TIMEOUT_MS } from './support/timeouts';

const CALLERS = [
  'anonymous',
  'bad token',
  'admin',
  'beijing regulator',
  'chongqing regulator',
  'own agency',
  'other agency',
  'reviewer',
  'auditor',
] as const;
type Caller = (typeof CALLERS)[number];

/** The `Authorization` header of a caller acting on agency `uscc` (none when anonymous). */
function tokenOf(caller: Caller, uscc: string): string | undefined {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'bad token':
      // A regulator who may act, but signed with another secret.
      return `Bearer ${signToken(actors.beijing, 'not-the-ledger-secret')}`;
    case 'admin':
      return bearer(actors.admin);
    case 'beijing regulator':
      return bearer(actors.beijing);
    case 'chongqing regulator':
      return bearer(actors.chongqing);
    case 'own agency':
      return bearer(actors.agency(uscc));
    case 'other agency':
      return bearer(actors.agency(CODES.C));
    case 'reviewer':
      return bearer(actors.reviewer);
    case 'auditor':
      return bearer(actors.auditor);
  }
}

/** One call: the agency it is about, where to send it and what. */
interface Target {
  uscc: string;
  path: string;
  body?: object;
  /** The grading cycle the call records in, when it records in one rather than in the agency. */
  cycleId?: string;
  /** The calendar year the call records in (PUT /calendar/:year). */
  calendarYear?: number;
  /** The 双随机 inspection plan the call records in (POST /inspection-plans). */
  planId?: string;
  /** The call records in the accounts (POST /users, …/disable): the account list must change. */
  accounts?: true;
}

/** The agency every refused call and every read is made against (set up in beforeAll). */
interface Shared {
  uscc: string;
  personId: string;
  equipmentId: string;
  /** Its objection, pending, in the Beijing 2025 cycle (in publicity; it is graded there). */
  objectionId: string;
  /** Its application to repair a penalty, pending. */
  repairId: string;
  /** An account (an auditor's) that refused calls try to disable. */
  userId: string;
  /** A Chongqing agency out of the directory since an E, and its application to re-enter, pending. */
  delisted: string;
  applicationId: string;
  /** Its re-evaluation from supervision (beijing-22), in publicity. */
  reevaluationId: string;
}

/** Setup that needs more than a fresh agency: each step must answer 201. */
interface Setup {
  ledger: Ledger;
  /** POSTs as `token`; answers the body of the 201. */
  created(path: string, token: string, body: object): Promise<Record<string, string>>;
  /** An agency graded in the Beijing 2025 cycle, not used by any other call. */
  graded(): string;
  /** A Beijing year no cycle has been started for yet. */
  year(): number;
  /** A year far ahead with no calendar recorded yet. */
  calendarYear(): number;
  /** A Beijing month no inspection plan has been drawn for yet. */
  planMonth(): string;
}

/** A FICTIONAL official calendar, for tests only: New Year's Day off, nothing else. */
const fictionalCalendar = (year: number) => ({
  holidays: [`${year}-01-01`],
  makeupWorkdays: [],
  source: { notice: `TEST-ONLY fictional notice for ${year}`, issuedOn: '2026-11-01' },
});

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** `public`: anyone, token or not; else the callers that may (API.md, "who"). */
  access: 'public' | readonly Caller[];
  /** A target on which an allowed caller's call succeeds. */
  fresh(setup: Setup, shared: Shared): Promise<Target>;
  /** The target of refused calls (must not change) and of reads. */
  shared(shared: Shared): Target;
  /** A POST that only reads (replay): it answers 200 and records nothing. */
  reads?: boolean;
  /** The success status when it is neither 200 nor 201 (sign-out: 204). */
  ok?: 204;
  /** A POST that records outside the streams (a signed checkpoint): 201, and no event. */
  signs?: boolean;
}

const REGULATOR: readonly Caller[] = ['admin', 'beijing regulator'];
/** A re-evaluation from supervision (seed 000 Art. 22), and its publication after publicity. */
const reevaluation = { basis: 'supervision', score: 80, occurredAt: '2026-03-02' };
const reevaluationPublication = { occurredAt: '2026-03-10' };
const AGENCY_OR_REGULATOR: readonly Caller[] = ['admin', 'beijing regulator', 'own agency'];
const OWN_AGENCY: readonly Caller[] = ['own agency'];
const REGULATOR_OR_REVIEWER: readonly Caller[] = ['admin', 'beijing regulator', 'reviewer'];
const agencies = '/api/v1/agencies';
const cycles = '/api/v1/grading-cycles';
const plans = '/api/v1/inspection-plans';
const users = '/api/v1/users';
/** Every caller with a token the ledger accepts. */
const SIGNED_IN: readonly Caller[] = [
  'admin',
  'beijing regulator',
  'chongqing regulator',
  'own agency',
  'other agency',
  'reviewer',
  'auditor',
];
/** The account every caller signs in as (created in beforeAll). */
const MATRIX_USER = { username: 'matrix-reader', password: 'matrix-reader-password' };
let accountCount = 0;
const freshUsername = () => `matrix-${++accountCount}-${randomUUID().slice(0, 8)}`;
const accountBody = () => ({
  username: freshUsername(),
  password: 'matrix-account-password',
  role: 'auditor',
});
/** A Beijing plan drawn in beforeAll, read and verified by the plan routes. */
const PLAN = 'beijing-2026-Q4';
const PLAN_READERS: readonly Caller[] = ['admin', 'beijing regulator', 'reviewer', 'auditor'];
/** A plan never drawn: the target of refused draws. */
const UNDRAWN_PERIOD = '2030';

/** The Beijing 2025 cycle, in publicity from 2026-03-02 (Monday) to 2026-03-09. */
const CYCLE = 'beijing-2025';
const PUBLICITY_STARTS = '2026-03-02';
const AFTER_PUBLICITY = '2026-03-10';
/** A year kept free of cycles: the target of refused cycle starts. */
const UNUSED_YEAR = 2010;

const inspection = {
  inspectedAt: '2026-11-12',
  method: 'on-site',
  findings: [{ code: 'record-keeping', description: '原始记录不完整' }],
  measures: ['written-notice'],
};
const penalty = {
  decisionNumber: '京环罚〔2026〕118号',
  decidedAt: '2026-11-13',
  violationType: 'untrue-report',
  legalBasis: '《生态环境监测条例》第三十九条',
  content: '罚款人民币五万元',
  fineYuan: 50000,
};
const cmaCertificate = {
  number: '210012345678',
  issuer: '北京市市场监督管理局',
  validUntil: '2029-12-31',
};
const cmaRevocation = { revokedOn: '2026-11-10', decisionNumber: '京市监撤〔2026〕3号' };
const creditFinding = { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-11-13' };
const change = {
  changes: { addresses: { registered: '北京市海淀区', workplace: '北京市海淀区某路2号' } },
  changedAt: '2026-11-20',
  occurredAt: '2026-11-25',
};
const person = () => ({
  idNumber: freshResidentId(),
  name: '李四',
  role: 'field-sampling',
  joinedAt: '2026-03-01',
});
/** A penalty that is no direct downgrade, to apply a credit repair to. */
/** A decision number is recorded once (409 otherwise): each setup numbers its own. */
const repairablePenalty = () => ({
  ...penalty,
  decisionNumber: `京环罚〔2026〕${randomUUID().slice(0, 8)}号`,
  violationType: 'other',
  content: '警告',
  decidedAt: '2026-03-01',
});
/**
 * A repair of it, applied for between its minimum and maximum display (3 months to 1 year for
 * ordinary dishonesty, NDRC Order No. 58), on a date of its own so no answer depends on today.
 */
const repairRequest = (recordEventId: string) => ({
  recordEventId,
  reason: '已履行处罚并整改',
  occurredAt: '2026-06-15',
});
const objection = { cycleId: CYCLE, reason: '质控指标漏计', occurredAt: '2026-03-03' };
const objectionDecision = { outcome: 'rejected', reason: '证据不足', occurredAt: '2026-03-04' };

const asChongqing = bearer(actors.chongqing);
/** An application to re-enter Chongqing's directory, after the 2 years of Art. 20 have run. */
const reentryApplication = { reason: '已完成整改', occurredAt: '2025-06-03' };
const reentryDecision = { outcome: 'approved', occurredAt: '2025-06-10' };

/**
 * A Chongqing agency out of the directory since a false-data penalty of 2023-06-01 (seed 001
 * Art. 16(4), 20): it may apply to re-enter from 2025-06-01.
 */
async function delistedAgency(created: Setup['created']): Promise<string> {
  const uscc = freshUscc();
  await created(agencies, asChongqing, {
    ...registrationBody(uscc, {
      jurisdiction: 'chongqing',
      commitment: { signedBy: '王明', signedAt: '2023-02-06' },
    }),
    occurredAt: '2023-02-06',
  });
  await created(`${agencies}/${uscc}/review`, asChongqing, {
    outcome: 'approved',
    occurredAt: '2023-02-08',
  });
  await created(`${agencies}/${uscc}/penalties`, asChongqing, {
    ...penalty,
    decisionNumber: `渝环罚〔2023〕${uscc.slice(10, 16)}号`,
    decidedAt: '2023-06-01',
    violationType: 'data-fraud',
    occurredAt: '2023-06-01',
  });
  return uscc;
}

/** A command route on an existing agency: a fresh approved agency, or the shared one. */
function onAgency(
  suffix: string,
  access: readonly Caller[],
  body: () => object,
  options: { pending?: boolean } = {},
): Route {
  return {
    method: 'POST',
    path: `${agencies}/:uscc/${suffix}`,
    access,
    fresh: async ({ ledger }) => {
      const uscc = await ledger.agency({ approve: !options.pending });
      return { uscc, path: `${agencies}/${uscc}/${suffix}`, body: body() };
    },
    shared: ({ uscc }) => ({ uscc, path: `${agencies}/${uscc}/${suffix}`, body: body() }),
  };
}

const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: agencies,
    access: AGENCY_OR_REGULATOR,
    fresh: () => {
      const uscc = freshUscc();
      return Promise.resolve({ uscc, path: agencies, body: registrationBody(uscc) });
    },
    shared: () => {
      const uscc = freshUscc();
      return { uscc, path: agencies, body: registrationBody(uscc) };
    },
  },
  onAgency('review', REGULATOR, () => ({ outcome: 'approved' }), { pending: true }),
  onAgency('changes', AGENCY_OR_REGULATOR, () => change),
  onAgency('personnel', AGENCY_OR_REGULATOR, person),
  {
    method: 'POST',
    path: `${agencies}/:uscc/personnel/:personId/departure`,
    access: AGENCY_OR_REGULATOR,
    fresh: async ({ ledger }) => {
      const uscc = await ledger.agency();
      const personId = await ledger.person(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/personnel/${personId}/departure`,
        body: { leftAt: '2026-11-01', proof: '离职证明编号 2026-118' },
      };
    },
    shared: ({ uscc, personId }) => ({
      uscc,
      path: `${agencies}/${uscc}/personnel/${personId}/departure`,
      body: { leftAt: '2026-11-01', proof: '离职证明编号 2026-118' },
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/personnel/:personId/status`,
    access: AGENCY_OR_REGULATOR,
    fresh: async ({ ledger }) => {
      const uscc = await ledger.agency();
      const personId = await ledger.person(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/personnel/${personId}/status`,
        body: { status: 'non-technical', changedAt: '2026-11-10' },
      };
    },
    shared: ({ uscc, personId }) => ({
      uscc,
      path: `${agencies}/${uscc}/personnel/${personId}/status`,
      body: { status: 'non-technical', changedAt: '2026-11-10' },
    }),
  },
  onAgency('equipment', OWN_AGENCY, () => ({ name: '采样器', model: 'KB-6120' })),
  {
    method: 'POST',
    path: `${agencies}/:uscc/equipment/:equipmentId/scrap`,
    access: OWN_AGENCY,
    fresh: async ({ ledger }) => {
      const uscc = await ledger.agency();
      const equipmentId = await ledger.equipment(uscc);
      return {
        uscc,
        path: `${agencies}/${uscc}/equipment/${equipmentId}/scrap`,
        body: { scrappedAt: '2026-11-15' },
      };
    },
    shared: ({ uscc, equipmentId }) => ({
      uscc,
      path: `${agencies}/${uscc}/equipment/${equipmentId}/scrap`,
      body: { scrappedAt: '2026-11-15' },
    }),
  },
  onAgency('inspections', REGULATOR, () => inspection),
  // Each allowed caller records a decision of its own: a decision number is recorded once.
  onAgency('penalties', REGULATOR, () => ({
    ...penalty,
    decisionNumber: `京环罚〔2026〕${randomUUID().slice(0, 8)}号`,
  })),
  onAgency('credit-findings', REGULATOR, () => creditFinding),
  onAgency('deregistration', AGENCY_OR_REGULATOR, () => ({ reason: 'voluntary' })),
  onAgency('deregistration-by-authority', REGULATOR, () => ({
    reason: 'legal-person-terminated',
    basis: '市场监管部门注销登记通知书',
  })),
  {
    method: 'POST',
    path: `${agencies}/:uscc/cma-revocation`,
    access: REGULATOR,
    // An agency that holds a CMA certificate: there is one to revoke.
    fresh: async ({ created }) => {
      const uscc = freshUscc();
      await created(agencies, bearer(actors.beijing), {
        ...registrationBody(uscc, { cmaCertificate: cmaCertificate }),
        occurredAt: '2026-01-12',
      });
      return { uscc, path: `${agencies}/${uscc}/cma-revocation`, body: cmaRevocation };
    },
    shared: ({ uscc }) => ({
      uscc,
      path: `${agencies}/${uscc}/cma-revocation`,
      body: cmaRevocation,
    }),
  },
  // 报备 (seed 002 §一.7, ADR 016): the agency itself or the host's regulator, not the home's.
  onAgency('reports', ['admin', 'chongqing regulator', 'own agency'], () => ({
    jurisdiction: 'chongqing',
    occurredAt: '2026-11-20',
  })),
  onAgency('assessments', REGULATOR, () => ({ year: 2025, score: 82.5 })),
  onAgency('upgrade-requests', OWN_AGENCY, () => ({ reason: '扩充实验室' })),
  // 修改申请 of the USCC (seed 002 §七.2, ADR 018): the provincial authority's, the admin's.
  // (An equipment model the agency and its regulator correct too: test/corrections.e2e-spec.ts.)
  onAgency('corrections', ['admin'], () => ({
    field: 'uscc',
    correctedValue: freshUscc(),
    reason: '注册时统一社会信用代码录入错误',
    occurredAt: '2026-11-20',
  })),
  {
    method: 'POST',
    path: cycles,
    access: REGULATOR,
    fresh: (setup, { uscc }) => {
      const year = setup.year();
      return Promise.resolve({
        uscc,
        path: cycles,
        body: { jurisdiction: 'beijing', year, occurredAt: PUBLICITY_STARTS },
        cycleId: `beijing-${year}`,
      });
    },
    shared: ({ uscc }) => ({
      uscc,
      path: cycles,
      body: { jurisdiction: 'beijing', year: UNUSED_YEAR, occurredAt: PUBLICITY_STARTS },
      cycleId: `beijing-${UNUSED_YEAR}`,
    }),
  },
  {
    method: 'POST',
    path: `${cycles}/:cycleId/publish`,
    access: REGULATOR,
    fresh: async (setup, { uscc }) => {
      const year = setup.year();
      await setup.created(cycles, bearer(actors.beijing), {
        jurisdiction: 'beijing',
        year,
        occurredAt: PUBLICITY_STARTS,
      });
      return {
        uscc,
        path: `${cycles}/beijing-${year}/publish`,
        body: { occurredAt: AFTER_PUBLICITY },
        cycleId: `beijing-${year}`,
      };
    },
    shared: ({ uscc }) => ({
      uscc,
      path: `${cycles}/${CYCLE}/publish`,
      body: { occurredAt: AFTER_PUBLICITY },
      cycleId: CYCLE,
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/objections`,
    access: OWN_AGENCY,
    fresh: (setup) => {
      const uscc = setup.graded();
      return Promise.resolve({
        uscc,
        path: `${agencies}/${uscc}/objections`,
        body: objection,
        cycleId: CYCLE,
      });
    },
    shared: ({ uscc }) => ({
      uscc,
      path: `${agencies}/${uscc}/objections`,
      body: objection,
      cycleId: CYCLE,
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/objections/:objectionId/decision',
    access: REGULATOR_OR_REVIEWER,
    fresh: async (setup) => {
      const uscc = setup.graded();
      const { objectionId } = await setup.created(
        `${agencies}/${uscc}/objections`,
        bearer(actors.agency(uscc)),
        objection,
      );
      return {
        uscc,
        path: `/api/v1/objections/${objectionId}/decision`,
        body: objectionDecision,
        cycleId: CYCLE,
      };
    },
    shared: ({ uscc, objectionId }) => ({
      uscc,
      path: `/api/v1/objections/${objectionId}/decision`,
      body: objectionDecision,
      cycleId: CYCLE,
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/credit-repairs`,
    access: OWN_AGENCY,
    fresh: async (setup) => {
      const uscc = await setup.ledger.agency();
      const { eventIds } = await setup.created(
        `${agencies}/${uscc}/penalties`,
        bearer(actors.beijing),
        repairablePenalty(),
      );
      return {
        uscc,
        path: `${agencies}/${uscc}/credit-repairs`,
        body: repairRequest(eventIds[0]),
      };
    },
    // No such record: a refused caller is refused before any rule looks at it.
    shared: ({ uscc }) => ({
      uscc,
      path: `${agencies}/${uscc}/credit-repairs`,
      body: { recordEventId: '00000000-0000-4000-8000-000000000000', reason: '已整改' },
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/penalties/:penaltyEventId/fulfilment`,
    access: REGULATOR,
    fresh: async (setup) => {
      const uscc = await setup.ledger.agency();
      const { eventIds } = await setup.created(
        `${agencies}/${uscc}/penalties`,
        bearer(actors.beijing),
        { ...repairablePenalty(), dueBy: '2026-11-28' },
      );
      return {
        uscc,
        path: `${agencies}/${uscc}/penalties/${eventIds[0]}/fulfilment`,
        body: { fulfilledOn: '2026-11-20' },
      };
    },
    // No such penalty: a refused caller is refused before any rule looks at it.
    shared: ({ uscc }) => ({
      uscc,
      path: `${agencies}/${uscc}/penalties/00000000-0000-4000-8000-000000000000/fulfilment`,
      body: {},
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/credit-repairs/:repairId/decision',
    access: REGULATOR,
    fresh: async (setup) => {
      const uscc = await setup.ledger.agency();
      const { eventIds } = await setup.created(
        `${agencies}/${uscc}/penalties`,
        bearer(actors.beijing),
        repairablePenalty(),
      );
      const { repairId } = await setup.created(
        `${agencies}/${uscc}/credit-repairs`,
        bearer(actors.agency(uscc)),
        repairRequest(eventIds[0]),
      );
      return {
        uscc,
        path: `/api/v1/credit-repairs/${repairId}/decision`,
        body: { outcome: 'approved' },
      };
    },
    shared: ({ uscc, repairId }) => ({
      uscc,
      path: `/api/v1/credit-repairs/${repairId}/decision`,
      body: { outcome: 'approved' },
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/directory-applications`,
    access: OWN_AGENCY,
    fresh: async (setup) => {
      const uscc = await delistedAgency(setup.created);
      return {
        uscc,
        path: `${agencies}/${uscc}/directory-applications`,
        body: reentryApplication,
      };
    },
    shared: ({ delisted }) => ({
      uscc: delisted,
      path: `${agencies}/${delisted}/directory-applications`,
      body: reentryApplication,
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/directory-applications/:applicationId/decision',
    // The regulator of Chongqing, where the agency is: the Beijing one may not.
    access: ['admin', 'chongqing regulator'],
    fresh: async (setup) => {
      const uscc = await delistedAgency(setup.created);
      const { applicationId } = await setup.created(
        `${agencies}/${uscc}/directory-applications`,
        bearer(actors.agency(uscc)),
        reentryApplication,
      );
      return {
        uscc,
        path: `/api/v1/directory-applications/${applicationId}/decision`,
        body: reentryDecision,
      };
    },
    shared: ({ delisted, applicationId }) => ({
      uscc: delisted,
      path: `/api/v1/directory-applications/${applicationId}/decision`,
      body: reentryDecision,
    }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/reevaluations`,
    access: REGULATOR,
    fresh: async (setup) => {
      const uscc = await setup.ledger.agency();
      return { uscc, path: `${agencies}/${uscc}/reevaluations`, body: reevaluation };
    },
    shared: ({ uscc }) => ({ uscc, path: `${agencies}/${uscc}/reevaluations`, body: reevaluation }),
  },
  {
    method: 'POST',
    path: '/api/v1/reevaluations/:reevaluationId/publication',
    access: REGULATOR,
    fresh: async (setup) => {
      const uscc = await setup.ledger.agency();
      const { reevaluationId } = await setup.created(
        `${agencies}/${uscc}/reevaluations`,
        asBeijing,
        reevaluation,
      );
      return {
        uscc,
        path: `/api/v1/reevaluations/${reevaluationId}/publication`,
        body: reevaluationPublication,
      };
    },
    shared: ({ uscc, reevaluationId }) => ({
      uscc,
      path: `/api/v1/reevaluations/${reevaluationId}/publication`,
      body: reevaluationPublication,
    }),
  },
  {
    method: 'GET',
    path: '/api/v1/people/:personRef/credit',
    // Any jurisdiction's regulator: a person's bans follow them to any agency (ADR 020).
    access: ['admin', 'beijing regulator', 'chongqing regulator', 'reviewer', 'auditor'],
    fresh: (_setup, { uscc, personId }) =>
      Promise.resolve({ uscc, path: `/api/v1/people/${personId}/credit` }),
    shared: ({ uscc, personId }) => ({ uscc, path: `/api/v1/people/${personId}/credit` }),
  },
  {
    method: 'POST',
    path: `${agencies}/:uscc/replay`,
    access: ['reviewer', 'auditor'],
    reads: true,
    fresh: (_setup, { uscc }) =>
      Promise.resolve({
        uscc,
        path: `${agencies}/${uscc}/replay`,
        body: { asOf: '2026-03-15', knownAt: '2026-11-01' },
      }),
    shared: ({ uscc }) => ({
      uscc,
      path: `${agencies}/${uscc}/replay`,
      body: { asOf: '2026-03-15', knownAt: '2026-11-01' },
    }),
  },
  {
    method: 'POST',
    path: `${cycles}/:cycleId/replay`,
    access: ['reviewer', 'auditor'],
    reads: true,
    fresh: (_setup, { uscc }) =>
      Promise.resolve({ uscc, path: `${cycles}/${CYCLE}/replay`, cycleId: CYCLE }),
    shared: ({ uscc }) => ({ uscc, path: `${cycles}/${CYCLE}/replay`, cycleId: CYCLE }),
  },
  {
    method: 'PUT',
    path: '/api/v1/calendar/:year',
    access: ['admin'],
    // Each success records a FICTIONAL year far ahead, in this test's own database only.
    fresh: (setup, { uscc }) => {
      const year = setup.calendarYear();
      return Promise.resolve({
        uscc,
        path: `/api/v1/calendar/${year}`,
        body: fictionalCalendar(year),
        calendarYear: year,
      });
    },
    shared: ({ uscc }) => ({
      uscc,
      path: '/api/v1/calendar/2099',
      body: fictionalCalendar(2099),
      calendarYear: 2099,
    }),
  },
  {
    method: 'POST',
    path: plans,
    access: REGULATOR,
    fresh: (setup, { uscc }) => {
      const period = setup.planMonth();
      return Promise.resolve({
        uscc,
        path: plans,
        body: { jurisdiction: 'beijing', period, occurredAt: '2026-03-10' },
        planId: `beijing-${period}`,
      });
    },
    shared: ({ uscc }) => ({
      uscc,
      path: plans,
      body: { jurisdiction: 'beijing', period: UNDRAWN_PERIOD, occurredAt: '2026-03-10' },
      planId: `beijing-${UNDRAWN_PERIOD}`,
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/login',
    access: 'public',
    reads: true,
    fresh: (_setup, { uscc }) =>
      Promise.resolve({ uscc, path: '/api/v1/auth/login', body: MATRIX_USER }),
    shared: ({ uscc }) => ({ uscc, path: '/api/v1/auth/login', body: MATRIX_USER }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/logout',
    access: SIGNED_IN,
    reads: true,
    ok: 204,
    fresh: (_setup, { uscc }) => Promise.resolve({ uscc, path: '/api/v1/auth/logout' }),
    shared: ({ uscc }) => ({ uscc, path: '/api/v1/auth/logout' }),
  },
  {
    method: 'POST',
    path: users,
    access: ['admin'],
    fresh: (_setup, { uscc }) =>
      Promise.resolve({ uscc, path: users, body: accountBody(), accounts: true }),
    shared: ({ uscc }) => ({ uscc, path: users, body: accountBody(), accounts: true }),
  },
  {
    method: 'POST',
    path: `${users}/:userId/disable`,
    access: ['admin'],
    fresh: async ({ created }, { uscc }) => {
      const { userId } = await created(users, bearer(actors.admin), accountBody());
      return { uscc, path: `${users}/${userId}/disable`, body: {}, accounts: true };
    },
    shared: ({ uscc, userId }) => ({
      uscc,
      path: `${users}/${userId}/disable`,
      body: {},
      accounts: true,
    }),
  },
  {
    method: 'POST',
    path: `${users}/:userId/password`,
    access: ['admin'],
    fresh: async ({ created }, { uscc }) => {
      const { userId } = await created(users, bearer(actors.admin), accountBody());
      return {
        uscc,
        path: `${users}/${userId}/password`,
        body: { password: 'matrix-reset-password' },
        accounts: true,
      };
    },
    shared: ({ uscc, userId }) => ({
      uscc,
      path: `${users}/${userId}/password`,
      body: { password: 'matrix-reset-password' },
      accounts: true,
    }),
  },
  // One's own password needs a session of an account (test/accounts.e2e-spec.ts): a machine
  // token of any role names no account, so every one of them is refused.
  {
    method: 'POST',
    path: '/api/v1/auth/password',
    access: [],
    fresh: () => Promise.reject(new Error('no machine token may change a password')),
    shared: ({ uscc }) => ({
      uscc,
      path: '/api/v1/auth/password',
      body: { currentPassword: 'matrix-password', newPassword: 'matrix-new-password' },
      accounts: true,
    }),
  },
  // The verifiable log (ADR 027): auditors and admins sign checkpoints and verify against one.
  {
    method: 'POST',
    path: '/api/v1/ledger/checkpoints',
    access: ['admin', 'auditor'],
    signs: true,
    fresh: (_setup, { uscc }) => Promise.resolve({ uscc, path: '/api/v1/ledger/checkpoints' }),
    shared: ({ uscc }) => ({ uscc, path: '/api/v1/ledger/checkpoints' }),
  },
  {
    method: 'POST',
    path: '/api/v1/ledger/verify',
    access: ['admin', 'auditor'],
    reads: true,
    fresh: async ({ created }, { uscc }) => {
      const { note } = await created('/api/v1/ledger/checkpoints', bearer(actors.auditor), {});
      return { uscc, path: '/api/v1/ledger/verify', body: { checkpoint: note } };
    },
    shared: ({ uscc }) => ({ uscc, path: '/api/v1/ledger/verify', body: { checkpoint: 'x' } }),
  },
  {
    method: 'GET',
    path: '/api/v1/ledger/proofs/inclusion',
    access: ['admin', 'beijing regulator', 'chongqing regulator', 'reviewer', 'auditor'],
    fresh: async ({ ledger }, { uscc }) => {
      const [first] = (await ledger.events(uscc)) as unknown as { eventId: string }[];
      return { uscc, path: `/api/v1/ledger/proofs/inclusion?eventId=${first.eventId}` };
    },
    shared: ({ uscc }) => ({
      uscc,
      path: `/api/v1/ledger/proofs/inclusion?eventId=${randomUUID()}`,
    }),
  },
  ...(
    [
      ['/api/v1/ledger/public-key', 'public', () => '/api/v1/ledger/public-key'],
      ['/api/v1/exports/checkpoints', 'public', () => '/api/v1/exports/checkpoints'],
      [
        '/api/v1/ledger/proofs/consistency',
        'public',
        () => '/api/v1/ledger/proofs/consistency?from=1&to=2',
      ],
      // ADR 026: the reviewer, the auditor, admins, the home regulator and the agency itself.
      [
        `${agencies}/:uscc/evidence`,
        ['admin', 'beijing regulator', 'own agency', 'reviewer', 'auditor'],
        (uscc: string) => `${agencies}/${uscc}/evidence`,
      ],
      [`${plans}/:planId`, PLAN_READERS, () => `${plans}/${PLAN}`],
      [`${plans}/:planId/verify`, PLAN_READERS, () => `${plans}/${PLAN}/verify`],
      ['/api/v1/calendar/:year', 'public', () => '/api/v1/calendar/2026'],
      ['/api/v1/auth/me', SIGNED_IN, () => '/api/v1/auth/me'],
      // An agency's main account lists its own (test/accounts.e2e-spec.ts); a machine token is none.
      [users, ['admin'], () => users],
      [agencies, 'public', () => `${agencies}?jurisdiction=beijing`],
      [`${agencies}/:uscc`, 'public', (uscc: string) => `${agencies}/${uscc}`],
      [
        `${agencies}/:uscc/events`,
        ['admin', 'beijing regulator', 'chongqing regulator', 'auditor', 'reviewer'],
        (uscc: string) => `${agencies}/${uscc}/events`,
      ],
      // The notifications due to the agency (ADR 019): itself, its regulator, admin, auditor.
      [
        `${agencies}/:uscc/notifications`,
        ['admin', 'beijing regulator', 'own agency', 'auditor'],
        (uscc: string) => `${agencies}/${uscc}/notifications`,
      ],
      // issue 4: verify is for auditor and admin.
      ['/api/v1/ledger/verify', ['auditor', 'admin'], () => '/api/v1/ledger/verify'],
      ['/health', 'public', () => '/health'],
      ['/health/ready', 'public', () => '/health/ready'],
      [`${cycles}/:cycleId`, 'public', () => `${cycles}/${CYCLE}`],
      // A regulator of any jurisdiction exports its own jurisdiction's penalties.
      [
        '/api/v1/exports/penalties',
        ['admin', 'beijing regulator', 'chongqing regulator', 'auditor'],
        () => '/api/v1/exports/penalties?format=ndjson',
      ],
      // issue 13: the feeds, as the penalty export.
      [
        '/api/v1/exports/inspections',
        ['admin', 'beijing regulator', 'chongqing regulator', 'auditor'],
        () => '/api/v1/exports/inspections?format=ndjson',
      ],
      [
        '/api/v1/exports/credit-findings',
        ['admin', 'beijing regulator', 'chongqing regulator', 'auditor'],
        () => '/api/v1/exports/credit-findings?format=ndjson',
      ],
      ['/api/v1/exports/grades', 'public', () => '/api/v1/exports/grades?jurisdiction=beijing'],
      [`${agencies}/:uscc/grade`, 'public', (uscc: string) => `${agencies}/${uscc}/grade`],
      [
        `${agencies}/:uscc/grade-history`,
        'public',
        (uscc: string) => `${agencies}/${uscc}/grade-history`,
      ],
      [
        `${agencies}/:uscc/credit-record`,
        'public',
        (uscc: string) => `${agencies}/${uscc}/credit-record`,
      ],
    ] as const
  ).map(([path, access, to]): Route => ({
    method: 'GET',
    path,
    access,
    fresh: (_setup, { uscc }) => Promise.resolve({ uscc, path: to(uscc) }),
    shared: ({ uscc }) => ({ uscc, path: to(uscc) }),
  })),
];

type Expected = 200 | 201 | 204 | 401 | 403;

function expectedOf(route: Route, caller: Caller): Expected {
  const ok = route.ok ?? (route.method === 'GET' || route.reads ? 200 : 201);
  if (route.access === 'public') return ok;
  if (caller === 'anonymous' || caller === 'bad token') return 401;
  return route.access.includes(caller) ? ok : 403;
}

const CASES = ROUTES.flatMap((route) =>
  CALLERS.map((caller) => ({
    route,
    caller,
    expected: expectedOf(route, caller),
    name: `${route.method} ${route.path} × ${caller} → ${expectedOf(route, caller)}`,
  })),
);

const jwt = new JwtService();
const signed = (claims: object, algorithm: 'HS256' | 'HS512' = 'HS256') =>
  `Bearer ${jwt.sign(claims, { secret: TEST_JWT_SECRET, algorithm })}`;
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** Headers that identify nobody: each a 401 on a protected route, anonymous on a public one. */
const BAD_TOKENS: readonly [string, () => string][] = [
  ['signed with another secret', () => `Bearer ${signToken(actors.admin, 'another-secret')}`],
  ['expired', () => signed({ ...actors.beijing, exp: now() - 60 })],
  ['not valid yet', () => signed({ ...actors.beijing, nbf: now() + 3600 })],
  [
    'unsigned (alg none)',
    () => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(actors.admin)}.`,
  ],
  ['signed with HS512', () => signed(actors.admin, 'HS512')],
  ['not a JWT', () => 'Bearer abc.def.ghi'],
  ['Basic scheme', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  ['Bearer without a token', () => 'Bearer'],
  ['two tokens', () => `${bearer(actors.admin)} ${bearer(actors.admin).slice(7)}`],
  ['empty', () => ''],
  ['no sub', () => signed({ role: 'admin' })],
  ['unknown role', () => signed({ sub: 'x', role: 'superuser' })],
  ['regulator without jurisdiction', () => signed({ sub: 'x', role: 'regulator' })],
  [
    'regulator of an unknown jurisdiction',
    () => signed({ sub: 'x', role: 'regulator', jurisdiction: 'shanghai' }),
  ],
  ['agency without uscc', () => signed({ sub: 'x', role: 'agency' })],
  ['agency with a malformed uscc', () => signed({ sub: 'x', role: 'agency', uscc: 'abc' })],
];

describe('auth matrix: every route × every caller', () => {
  let t: TestApp;
  let http: App;
  let ledger: Ledger;
  let setup: Setup;
  let shared: Shared;
  /** An agency awaiting review: its entry is not public, but its regulator sees it. */
  let pending: string;

  beforeAll(async () => {
    t = await startTestApp('auth_matrix');
    http = t.app.getHttpServer();
    ledger = new Ledger(http);
    const created = async (path: string, token: string, body: object) => {
      const res = await ledger.post(path, token, body);
      if (res.status !== 201) {
        throw new Error(
          `setup: POST ${path} answered ${res.status} ${JSON.stringify(res.body)}, not 201`,
        );
      }
      return res.body as Record<string, string>;
    };
    const uscc = await ledger.agency();
    // Agencies graded in the Beijing 2025 cycle: the shared one, and one per objection call.
    const graded = [uscc, ...(await Promise.all([1, 2, 3, 4, 5, 6].map(() => ledger.agency())))];
    for (const agency of graded)
      await created(`${agencies}/${agency}/assessments`, asBeijing, { year: 2025, score: 80 });
    await created(cycles, asBeijing, {
      jurisdiction: 'beijing',
      year: 2025,
      occurredAt: PUBLICITY_STARTS,
    });
    const free = graded.slice(1);
    let year = 2024;
    let calendarYear = 2098;
    let planMonth = 0;
    setup = {
      ledger,
      created,
      graded: () => {
        const next = free.shift();
        if (next === undefined) throw new Error('setup: no graded agency left for an objection');
        return next;
      },
      year: () => year--,
      calendarYear: () => calendarYear--,
      planMonth: () => `2027-${String(++planMonth).padStart(2, '0')}`,
    };
    await created(plans, asBeijing, {
      jurisdiction: 'beijing',
      period: '2026-Q4',
      occurredAt: '2026-03-10',
    });
    const { eventIds } = await created(
      `${agencies}/${uscc}/penalties`,
      asBeijing,
      repairablePenalty(),
    );
    const delisted = await delistedAgency(created);
    shared = {
      uscc,
      delisted,
      userId: (await created(users, bearer(actors.admin), accountBody())).userId,
      applicationId: (
        await created(
          `${agencies}/${delisted}/directory-applications`,
          bearer(actors.agency(delisted)),
          reentryApplication,
        )
      ).applicationId,
      personId: await ledger.person(uscc),
      equipmentId: await ledger.equipment(uscc),
      objectionId: (
        await created(`${agencies}/${uscc}/objections`, bearer(actors.agency(uscc)), objection)
      ).objectionId,
      repairId: (
        await created(
          `${agencies}/${uscc}/credit-repairs`,
          bearer(actors.agency(uscc)),
          repairRequest(eventIds[0]),
        )
      ).repairId,
      reevaluationId: (await created(`${agencies}/${uscc}/reevaluations`, asBeijing, reevaluation))
        .reevaluationId,
    };
    await created(users, bearer(actors.admin), { ...MATRIX_USER, role: 'reviewer' });
    pending = await ledger.agency({ approve: false });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => t.close(), HOOK_TIMEOUT_MS);

  /** A calendar year's version in force; 0 when the ledger has none. */
  const calendarVersion = async (year: number): Promise<number> => {
    const res = await request(http).get(`/api/v1/calendar/${year}`);
    return res.status === 404 ? 0 : (res.body as { version: number }).version;
  };
  /** A grading cycle as the public reads it; `undefined` when it does not exist (404). */
  const cycleOf = async (cycleId: string): Promise<{ version: number } | undefined> => {
    const res = await request(http).get(`${cycles}/${cycleId}`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) {
      throw new Error(`GET cycle ${cycleId} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as { version: number };
  };
  /** What a call on `target` may change: its cycle, else the agency's stream. */
  /** An inspection plan as an auditor reads it; `undefined` when it was never drawn (404). */
  const planOf = async (planId: string): Promise<object | undefined> => {
    const res = await request(http)
      .get(`${plans}/${planId}`)
      .set('Authorization', bearer(actors.auditor));
    if (res.status === 404) return undefined;
    if (res.status !== 200) {
      throw new Error(`GET plan ${planId} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as object;
  };
  /** Grows with each account created, each one disabled and each one given a new password. */
  const accountsRecorded = (list: object[]) =>
    list.length +
    list.filter((user) => (user as { disabled: boolean }).disabled).length +
    list.filter((user) => (user as { passwordChangedAt?: string }).passwordChangedAt).length;
  /** Every account as an administrator lists them. */
  const accountList = async (): Promise<object[]> =>
    (await request(http).get(users).set('Authorization', bearer(actors.admin)).expect(200))
      .body as object[];
  const recorded = (target: Target) =>
    target.accounts
      ? accountList()
      : target.planId !== undefined
        ? planOf(target.planId)
        : target.calendarYear !== undefined
          ? calendarVersion(target.calendarYear)
          : target.cycleId !== undefined
            ? cycleOf(target.cycleId)
            : ledger.events(target.uscc);
  const recordedLength = async (target: Target) =>
    target.accounts
      ? accountsRecorded(await accountList())
      : target.planId !== undefined
        ? (await planOf(target.planId)) === undefined
          ? 0
          : 1
        : target.calendarYear !== undefined
          ? calendarVersion(target.calendarYear)
          : target.cycleId !== undefined
            ? ((await cycleOf(target.cycleId))?.version ?? 0)
            : ledger.streamLength(target.uscc);

  const send = (route: Route, target: Target, token: string | undefined) => {
    const req =
      route.method === 'GET'
        ? request(http).get(target.path)
        : route.method === 'PUT'
          ? request(http).put(target.path)
          : request(http).post(target.path);
    if (token !== undefined) req.set('Authorization', token);
    return route.method === 'GET' ? req : req.send(target.body ?? {});
  };

  it('covers every route the OpenAPI document lists, × every caller', async () => {
    const { body } = await request(http).get('/api/docs-json').expect(200);
    const documented = Object.entries(body.paths as Record<string, object>).flatMap(
      ([path, operations]) =>
        Object.keys(operations).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
    );
    expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      documented.sort(),
    );
    expect(CASES).toHaveLength(ROUTES.length * CALLERS.length);
  });

  it.each(CASES)('$name', async ({ route, caller, expected }) => {
    if (expected === 200 || expected === 201 || expected === 204) {
      const target = await route.fresh(setup, shared);
      const before = await recordedLength(target);
      const res = await send(route, target, tokenOf(caller, target.uscc));
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({
        status: expected,
      });
      if (route.method !== 'GET' && !route.reads && !route.signs) {
        expect(res.body).toMatchObject({
          ...(target.accounts
            ? { userId: expect.any(String) as string }
            : target.planId !== undefined
              ? { planId: target.planId }
              : target.calendarYear !== undefined
                ? { year: target.calendarYear }
                : target.cycleId !== undefined
                  ? { cycleId: target.cycleId }
                  : { uscc: target.uscc }),
          eventIds: [expect.any(String)],
        });
        expect(await recordedLength(target)).toBeGreaterThan(before);
      }
      if (route.reads) expect(await recordedLength(target)).toBe(before);
      return;
    }

    const target = route.shared(shared);
    const before = await recorded(target);
    const res = await send(route, target, tokenOf(caller, target.uscc));
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({
      status: expected,
      body: {
        statusCode: expected,
        error: expected === 401 ? 'Unauthorized' : 'Forbidden',
        message: [expect.stringMatching(/^[\w.-]+: \S/)],
      },
    });
    if (expected === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    // Refused: nothing recorded (a refused registration leaves no agency behind).
    expect(await recorded(target)).toEqual(before);
  });

  it.each(BAD_TOKENS)(
    'a bad token, %s: 401 on a protected route, and anonymous on a public one',
    async (_what, token) => {
      const before = await ledger.events(pending);
      const res = await request(http)
        .post(`/api/v1/agencies/${pending}/review`)
        .set('Authorization', token())
        .send({ outcome: 'approved' });
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({
        status: 401,
        body: {
          statusCode: 401,
          error: 'Unauthorized',
          message: [expect.stringMatching(/^(authorization|token): \S/)],
        },
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(await ledger.events(pending)).toEqual(before);

      await request(http)
        .get(`/api/v1/agencies/${pending}`)
        .set('Authorization', token())
        .expect(404);
      await request(http)
        .get(`/api/v1/agencies/${pending}`)
        .set('Authorization', bearer(actors.beijing))
        .expect(200);
    },
  );
});
