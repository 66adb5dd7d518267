import { agencyStreamId, decodeAgencyEvent, type AgencyEvent } from './agency';
import { cycleStreamId, decodeCycleEvent, type CycleEvent } from './grading';
import { UndecodableEvent, type RecordedEvent } from './shared';

const AGENCY_PREFIX = agencyStreamId('');
const CYCLE_PREFIX = cycleStreamId('');

/**
 * A stored event of an agency or a grading-cycle stream, decoded by its stream's decode point
 * (ADR 010): for readers that take both kinds, such as the grade timeline.
 */
export function decodeLedgerEvent(
  event: RecordedEvent & { streamId: string },
): AgencyEvent | CycleEvent {
  if (event.streamId.startsWith(AGENCY_PREFIX)) return decodeAgencyEvent(event);
  if (event.streamId.startsWith(CYCLE_PREFIX)) return decodeCycleEvent(event);
  throw new UndecodableEvent('ledger', event, `stream ${event.streamId} has no decode point`);
}
