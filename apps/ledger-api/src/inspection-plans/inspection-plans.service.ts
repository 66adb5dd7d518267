import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  decodeInspectionPlanEvent,
  foldInspectionPlan,
  inspectionPlanStreamId,
  type DrawCandidate,
  type InspectionPlan,
  type Jurisdiction,
} from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { currentGrades, type InspectionPlanDoc } from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

export const noPlan = (planId: string) =>
  new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: [`planId: no inspection plan ${planId}`],
  });

@Injectable()
export class InspectionPlansService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
  ) {}

  /**
   * The agencies under a jurisdiction's supervision on `on` (registration approved by then, not
   * deregistered by then), with the grade in force on `on` as known now, from the registry and
   * grade-history projections. An agency out of Chongqing's directory (Art. 20) is still
   * supervised (Art. 22 inspects D and E at 100 %).
   */
  async candidates(jurisdiction: Jurisdiction, on: string): Promise<DrawCandidate[]> {
    const { rows } = await this.pool.query<{ key: string }>(
      `SELECT key FROM registry_entries
        WHERE jurisdiction = $1
          AND (doc->>'approvedOn')::date <= $2::date
          AND (doc->'deregistered'->>'on' IS NULL OR (doc->'deregistered'->>'on')::date > $2::date)
        ORDER BY key`,
      [jurisdiction, on],
    );
    const usccs = rows.map((row) => row.key);
    const grades = await currentGrades(this.pool, usccs, on);
    return usccs.map((uscc) => ({ uscc, grade: grades.get(uscc) ?? 'ungraded' }));
  }

  /** The plan as recorded in its stream (the inputs a re-draw reads), or undefined. */
  async recorded(planId: string): Promise<InspectionPlan | undefined> {
    const events = await this.store.readStream(inspectionPlanStreamId(planId));
    return foldInspectionPlan(events.map(decodeInspectionPlanEvent)).plan;
  }

  /** The plan and its progress, from the inspection-plans projection; 404 when none. */
  async withProgress(planId: string) {
    const { rows } = await this.pool.query<{ doc: InspectionPlanDoc }>(
      'SELECT doc FROM inspection_plans WHERE key = $1',
      [planId],
    );
    if (rows.length === 0) throw noPlan(planId);
    const { plan, inspections } = rows[0].doc;
    const drawn = plan.drawn.map((d) => ({
      ...d,
      inspected: (inspections[d.uscc] ?? []).length > 0,
      inspections: inspections[d.uscc] ?? [],
    }));
    return {
      ...plan,
      drawn,
      toInspect: drawn.filter((d) => !d.inspected).map((d) => d.uscc),
    };
  }
}
