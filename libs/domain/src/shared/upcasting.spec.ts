import { AGENCY_EVENT_SCHEMA, decodeAgencyEvent, type AgencyEvent } from '../agency';
import { CYCLE_EVENT_SCHEMA, CYCLE_EVENT_TYPES } from '../grading';
import { AGENCY_EVENT_TYPES } from '../agency';
import { eventDecoder, upcaster, UndecodableEvent, type EventSchema } from './upcasting';

interface NoteV1 {
  text: string;
}
interface NoteV2 {
  text: string;
  language: string;
}
interface NoteV3 {
  body: { text: string; language: string };
}
type Note = { type: 'NoteTaken'; data: NoteV3 } | { type: 'NoteErased'; data: { reason: string } };

const notes: EventSchema<Note> = {
  kind: 'note',
  current: { NoteTaken: 3, NoteErased: 1 },
  upcasters: {
    NoteTaken: {
      1: upcaster<NoteV1, NoteV2>((v1) => ({ ...v1, language: 'zh' })),
      2: upcaster<NoteV2, NoteV3>(({ text, language }) => ({ body: { text, language } })),
    },
  },
};
const decodeNote = eventDecoder(notes);

describe('a decode point', () => {
  it('brings a v1 event to today through every upcaster in turn', () => {
    expect(decodeNote({ type: 'NoteTaken', schemaVersion: 1, data: { text: '样品' } })).toEqual({
      type: 'NoteTaken',
      data: { body: { text: '样品', language: 'zh' } },
    });
    expect(
      decodeNote({ type: 'NoteTaken', schemaVersion: 2, data: { text: 'x', language: 'en' } }),
    ).toEqual({ type: 'NoteTaken', data: { body: { text: 'x', language: 'en' } } });
  });

  it('passes an event of the current version through as it is, keeping only type and data', () => {
    const data = { body: { text: 'x', language: 'en' } };
    expect(decodeNote({ type: 'NoteTaken', schemaVersion: 3, data })).toEqual({
      type: 'NoteTaken',
      data,
    });
  });

  it.each([
    ['an unknown type', { type: 'NoteLost', schemaVersion: 1, data: {} }, /unknown type/],
    ['a type inherited from Object', { type: 'toString', schemaVersion: 1, data: {} }, /unknown/],
    ['a version newer than it reads', { type: 'NoteErased', schemaVersion: 2, data: {} }, /newer/],
    ['version 0', { type: 'NoteErased', schemaVersion: 0, data: {} }, /not a version/],
  ])('refuses %s rather than guess', (_, event, reason) => {
    expect(() => decodeNote(event)).toThrow(UndecodableEvent);
    expect(() => decodeNote(event)).toThrow(reason);
  });

  it('refuses a version whose upcaster is missing', () => {
    const gap = eventDecoder<Note>({
      ...notes,
      upcasters: { NoteTaken: { 2: notes.upcasters.NoteTaken![2] } },
    });
    expect(() => gap({ type: 'NoteTaken', schemaVersion: 1, data: { text: 'x' } })).toThrow(
      /no upcaster from v1/,
    );
  });
});

describe("the ledger's decode points", () => {
  it('know every event type of their stream kind', () => {
    expect(Object.keys(AGENCY_EVENT_SCHEMA.current).sort()).toEqual([...AGENCY_EVENT_TYPES].sort());
    expect(Object.keys(CYCLE_EVENT_SCHEMA.current).sort()).toEqual([...CYCLE_EVENT_TYPES].sort());
  });

  it('have an upcaster for every version below the current one', () => {
    for (const schema of [AGENCY_EVENT_SCHEMA, CYCLE_EVENT_SCHEMA] as EventSchema<{
      type: string;
      data: unknown;
    }>[]) {
      for (const [type, current] of Object.entries(schema.current as Record<string, number>)) {
        for (let version = 1; version < current; version++) {
          expect(schema.upcasters[type]?.[version]).toBeInstanceOf(Function);
        }
      }
    }
  });

  it('decode a stored agency event of today into the domain event', () => {
    const stored = {
      eventId: 'e1',
      type: 'EquipmentScrapped',
      schemaVersion: 1,
      data: { equipmentId: 'q1', scrappedAt: '2026-03-01' },
      streamId: 'agency-91110000802100433B',
    };
    expect(decodeAgencyEvent(stored)).toEqual<AgencyEvent>({
      type: 'EquipmentScrapped',
      data: { equipmentId: 'q1', scrappedAt: '2026-03-01' },
    });
  });
});
