/**
 * A ledger history that reaches every projection the API runs, for the rebuild's test and
 * benchmark (issue 14): random grading histories from the property tests' generator (agencies,
 * penalties, findings, assessments, cycles, objections), plus what it leaves out: an agency with
 * addressees (notifications), a person joining two agencies and named responsible (person
 * credit), a 双随机 plan and an inspection carrying it out, and accounts created, changed and
 * disabled (users).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventStore, NewEvent } from '@ledger/event-store';
import {
  agencyStreamId,
  decideAccount,
  inspectionPlanStreamId,
  userStreamId,
  type AccountCommand,
} from '@ledger/domain';
import {
  historyArb,
  recordHistory,
  usccOf,
} from '../../projections/grade-history/grade-history.property.support';

export interface ProjectionsHistoryOptions {
  /** fast-check seed of the grading histories: the same seed, the same histories. */
  seed: number;
  /** How many grading histories (each 1–4 agencies, 1–3 cycles). */
  histories: number;
  /** The first history's run number (USCCs and cycle streams are unique per run). */
  firstRun: number;
  /** After each append (e.g. the runners applying it, page by page). */
  afterAppend?: () => Promise<void>;
  /** Appended to the plan's id, so that several histories can share a ledger. */
  planSuffix?: string;
}

export interface ProjectionsHistory {
  /** Every agency's USCC. */
  agencies: string[];
  /** The cycle streams, the plan's id and its stream: what names a history apart. */
  names: string[];
}

export async function recordProjectionsHistory(
  store: EventStore,
  options: ProjectionsHistoryOptions,
): Promise<ProjectionsHistory> {
  const afterAppend = options.afterAppend ?? (() => Promise.resolve());
  const append = async (streamId: string, events: NewEvent[]) => {
    await store.append(streamId, events);
    await afterAppend();
  };
  const names: string[] = [];
  const specs = fc.sample(historyArb, { seed: options.seed, numRuns: options.histories });
  const agencies: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const history = await recordHistory(spec, options.firstRun + i, store, async (applyNow) => {
      if (applyNow) await afterAppend();
    });
    agencies.push(...history.agencies.map((a) => a.uscc));
    for (const streams of history.cycleStreams.values()) names.push(...streams);
  }
  // An agency with addressees: the notifications of its filing's review.
  const reachable = usccOf('beijing', options.firstRun + options.histories, 0);
  await append(agencyStreamId(reachable), [
    {
      type: 'AgencyRegistered',
      data: {
        uscc: reachable,
        jurisdiction: 'beijing',
        name: '可联系监测',
        category: 'comprehensive',
        serviceTypes: ['public-monitoring'],
        legalRepresentative: { name: '王小明', phone: '13800000000' },
        contact: { phone: '13900000000', email: 'contact@example.cn' },
        commitment: { signedBy: '王小明', signedAt: '2024-12-02' },
        codeVerified: true,
        reviewDueOn: '2024-12-09',
      },
      occurredAt: '2024-12-02T09:00:00+08:00',
    },
    {
      type: 'RegistrationReviewed',
      data: { outcome: 'approved', reviewedOn: '2024-12-04' },
      occurredAt: '2024-12-04T10:00:00+08:00',
    },
  ]);
  // People: one person joins two agencies and is named responsible for a decision.
  const person = `h-${randomUUID()}`;
  for (const uscc of agencies.slice(0, 2)) {
    await append(agencyStreamId(uscc), [
      {
        type: 'PersonnelJoined',
        data: {
          personId: randomUUID(),
          idNumberHash: person,
          idNumber: { $pii: { subject: 's', kind: 'resident-id', iv: '', ct: '', tag: '' } },
          name: '韩梅梅',
          role: 'field-sampling',
          technical: true,
        },
        occurredAt: '2026-03-02T09:00:00+08:00',
      },
    ]);
  }
  await append(`person-${person}`, [
    {
      type: 'PersonNamedResponsible',
      data: {
        uscc: agencies[0],
        jurisdiction: 'beijing',
        recordEventId: randomUUID(),
        recordType: 'PenaltyImposed',
        decidedAt: '2026-03-05',
        decisionNumber: '京环罚〔2026〕1号',
        bannedUntil: '2027-03-04',
      },
      occurredAt: '2026-03-05T09:00:00+08:00',
    },
  ]);
  // A 双随机 plan and an inspection that carries it out.
  const planId = `beijing-2026-Q2${options.planSuffix ?? ''}`;
  await append(inspectionPlanStreamId(planId), [
    {
      type: 'InspectionPlanDrawn',
      data: {
        planId,
        jurisdiction: 'beijing',
        period: '2026-Q2',
        periodStartsOn: '2026-04-01',
        periodEndsOn: '2026-06-30',
        drawnOn: '2026-04-01',
        policy: { id: 'beijing-supervision', version: '1', article: 'beijing-24' },
        ratios: { A: 0.1 },
        rounding: 'up',
        seed: 'a'.repeat(32),
        seedSource: 'given',
        algorithm: { name: 'sha256-rank', version: 1 },
        candidates: agencies.slice(0, 2).map((uscc) => ({ uscc, grade: 'A' })),
        drawn: [{ uscc: agencies[0], grade: 'A' }],
      },
      occurredAt: '2026-04-01T09:00:00+08:00',
    },
  ]);
  await append(agencyStreamId(agencies[0]), [
    {
      type: 'InspectionRecorded',
      data: { inspectedAt: '2026-04-10', method: 'on-site', findings: [], planId },
      occurredAt: '2026-04-10T09:00:00+08:00',
    },
  ]);
  // Accounts: created, one password changed, one disabled.
  const account = async (userId: string, command: AccountCommand) => {
    const events = decideAccount(command, null);
    await append(
      userStreamId(userId),
      events.map((e) => ({ ...e, occurredAt: '2026-01-05T09:00:00+08:00' })),
    );
  };
  const ids = [randomUUID(), randomUUID()];
  for (const [i, userId] of ids.entries()) {
    const scope: Partial<AccountCommand> =
      i === 0
        ? { role: 'regulator', jurisdiction: 'beijing' }
        : { role: 'agency', uscc: agencies[0], main: true };
    await account(userId, {
      type: 'CreateUser',
      userId,
      username: `u${i}-${userId}`,
      role: 'regulator',
      ...scope,
      passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      by: 'admin',
    });
  }
  await append(userStreamId(ids[0]), [
    {
      type: 'PasswordChanged',
      data: { userId: ids[0], passwordHash: '$argon2id$v=19$x', changedBy: ids[0] },
      occurredAt: '2026-01-06T09:00:00+08:00',
    },
  ]);
  await append(userStreamId(ids[1]), [
    {
      type: 'UserDisabled',
      data: { userId: ids[1], disabledBy: 'admin' },
      occurredAt: '2026-01-07T09:00:00+08:00',
    },
  ]);
  await afterAppend();
  agencies.push(reachable);
  names.push(planId);
  return { agencies, names };
}
