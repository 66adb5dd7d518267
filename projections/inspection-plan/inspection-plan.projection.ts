import type { StoredEvent } from '@ledger/event-store';
import {
  decodeAgencyEvent,
  decodeInspectionPlanEvent,
  inspectionPlanStreamId,
  type InspectionPlan,
} from '@ledger/domain';
import type { Projection } from '../projection';

/** An inspection that names the plan it carries out. */
export interface PlanInspection {
  eventId: string;
  inspectedAt: string;
  method: string;
  findings: number;
}

/**
 * A 双随机 inspection plan as drawn, and its progress: which drawn agencies an inspection
 * naming the plan has carried out, and which are still to be inspected. One row per plan;
 * `GET /inspection-plans/:planId` reads it without reading any stream.
 */
export interface InspectionPlanDoc {
  plan: InspectionPlan;
  /** Per drawn USCC, the inspections that named this plan, in the ledger's order. */
  inspections: Record<string, PlanInspection[]>;
}

const PLAN_PREFIX = inspectionPlanStreamId('');

const planIdOfInspection = (event: StoredEvent): string | null => {
  const decoded = decodeAgencyEvent(event);
  return decoded.type === 'InspectionRecorded' ? (decoded.data.planId ?? null) : null;
};

export function evolveInspectionPlanDoc(
  doc: InspectionPlanDoc | null,
  event: StoredEvent,
): InspectionPlanDoc | null {
  if (event.type === 'InspectionPlanDrawn') {
    const drawn = decodeInspectionPlanEvent(event);
    return { plan: drawn.data, inspections: {} };
  }
  if (doc === null) return null;
  const decoded = decodeAgencyEvent(event);
  if (decoded.type !== 'InspectionRecorded') return doc;
  const uscc = event.streamId.slice('agency-'.length);
  const done: PlanInspection = {
    eventId: event.eventId,
    inspectedAt: decoded.data.inspectedAt,
    method: decoded.data.method,
    findings: decoded.data.findings.length,
  };
  return {
    ...doc,
    inspections: { ...doc.inspections, [uscc]: [...(doc.inspections[uscc] ?? []), done] },
  };
}

export const inspectionPlanProjection: Projection<InspectionPlanDoc> = {
  name: 'inspection-plans',
  table: 'inspection_plans',
  handles: new Set(['InspectionPlanDrawn', 'InspectionRecorded']),
  keyOf(event) {
    if (event.type === 'InspectionPlanDrawn')
      return event.streamId.startsWith(PLAN_PREFIX)
        ? event.streamId.slice(PLAN_PREFIX.length)
        : null;
    return event.streamId.startsWith('agency-') ? planIdOfInspection(event) : null;
  },
  evolve: (doc, event) => evolveInspectionPlanDoc(doc, event),
  columns: (doc) => ({ jurisdiction: doc.plan.jurisdiction, period: doc.plan.period }),
};
