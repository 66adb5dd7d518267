import { eventDecoder, schemaVersionIn, type EventSchema } from '../shared/upcasting';
import type { CycleEvent } from './cycle';

/** The grading-cycle stream's decode point (ADR 010); see AGENCY_EVENT_SCHEMA. */
export const CYCLE_EVENT_SCHEMA: EventSchema<CycleEvent> = {
  kind: 'grading-cycle',
  current: {
    GradingCycleStarted: 1,
    ObjectionFiled: 1,
    ObjectionDecided: 1,
    GradingCyclePublished: 1,
  },
  upcasters: {},
};

/** A stored event of a grading-cycle stream as the domain event of today's shape. */
export const decodeCycleEvent = eventDecoder(CYCLE_EVENT_SCHEMA);

/** The schema version a new cycle event of `type` is stored with. */
export const cycleSchemaVersion = (type: CycleEvent['type']): number =>
  schemaVersionIn(CYCLE_EVENT_SCHEMA, type);
