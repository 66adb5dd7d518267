/**
 * Reading events written years ago (ADR 010). A stored event keeps the shape it was written
 * in, with its `schemaVersion`; one decoder per stream kind turns it into the domain event of
 * today through a table of upcasters keyed by (type, schemaVersion). An upcaster is a plain,
 * pure function from one version's data to the next's; a v1 event reaches v3 through two.
 */

/** What the decoder reads of a stored event (the event store's StoredEvent has these fields). */
export interface RecordedEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** Turns the data of version n of an event type into that of version n + 1. */
export type Upcaster = (data: unknown, event: RecordedEvent) => unknown;

/** Types a version step: `upcaster<PenaltyImposedV1, PenaltyImposedV2>((v1) => ({ … }))`. */
export const upcaster =
  <From, To>(step: (data: From, event: RecordedEvent) => To): Upcaster =>
  (data, event) =>
    step(data as From, event);

export interface EventSchema<E extends { type: string; data: unknown }> {
  /** The stream kind, for error messages (`agency`, `grading-cycle`). */
  readonly kind: string;
  /** The schema version each type is written in today: the shape of `E`. */
  readonly current: { readonly [T in E['type']]: number };
  /** `upcasters[type][n]` turns version n into version n + 1, for every n below current. */
  readonly upcasters: {
    readonly [T in E['type']]?: { readonly [fromVersion: number]: Upcaster };
  };
}

/** A stored event the decoder cannot turn into a domain event: never guessed at, refused. */
export class UndecodableEvent extends Error {
  override readonly name = 'UndecodableEvent';
  constructor(kind: string, event: RecordedEvent, reason: string) {
    super(`${kind} event ${event.type} v${String(event.schemaVersion)}: ${reason}`);
  }
}

/** The decode point of one stream kind: stored event in, domain event of today's shape out. */
export function eventDecoder<E extends { type: string; data: unknown }>(
  schema: EventSchema<E>,
): (event: RecordedEvent) => E {
  const current = schema.current as Readonly<Record<string, number | undefined>>;
  const upcasters = schema.upcasters as Readonly<
    Record<string, Readonly<Record<number, Upcaster | undefined>> | undefined>
  >;
  return (event) => {
    const target = Object.hasOwn(current, event.type) ? current[event.type] : undefined;
    if (target === undefined) throw new UndecodableEvent(schema.kind, event, 'unknown type');
    const from = event.schemaVersion;
    if (!Number.isSafeInteger(from) || from < 1) {
      throw new UndecodableEvent(schema.kind, event, 'schemaVersion is not a version');
    }
    // Written by a newer ledger than this one: misreading it would be worse than stopping.
    if (from > target) {
      throw new UndecodableEvent(
        schema.kind,
        event,
        `newer than v${target}, which this ledger reads`,
      );
    }
    let data = event.data;
    for (let version = from; version < target; version++) {
      const step = upcasters[event.type]?.[version];
      if (!step) throw new UndecodableEvent(schema.kind, event, `no upcaster from v${version}`);
      data = step(data, event);
    }
    return { type: event.type, data } as E;
  };
}

/** The schema version an event of `type` is written in today (stamped on every new event). */
export const schemaVersionIn = <E extends { type: string; data: unknown }>(
  schema: EventSchema<E>,
  type: E['type'],
): number => (schema.current as Readonly<Record<string, number>>)[type];
