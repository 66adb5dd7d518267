import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredEvent } from './event-store.port';

/**
 * What an event's hash covers: its stored data and metadata, both times, its place in its
 * stream and the hash of the event before it in that stream. The global position is left
 * out on purpose: it is an artefact of one store, and the chain must survive a migration.
 */
export interface HashedEnvelope {
  data: unknown;
  eventId: string;
  metadata: unknown;
  occurredAt: string;
  prevHash: string | null;
  recordedAt: string;
  schemaVersion: number;
  streamId: string;
  type: string;
  version: number;
}

/** RFC 8785 (JSON Canonicalization Scheme) text of the envelope: the exact bytes that are hashed. */
export function canonicalEnvelope(envelope: HashedEnvelope): string {
  const {
    data,
    eventId,
    metadata,
    occurredAt,
    prevHash,
    recordedAt,
    schemaVersion,
    streamId,
    type,
    version,
  } = envelope;
  const text = canonicalize({
    data,
    eventId,
    metadata,
    occurredAt,
    prevHash,
    recordedAt,
    schemaVersion,
    streamId,
    type,
    version,
  });
  if (text === undefined) throw new TypeError('event envelope cannot be canonicalised');
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha256 (hex) of the canonical envelope. */
export function eventHash(envelope: HashedEnvelope): string {
  return sha256Hex(canonicalEnvelope(envelope));
}

/** Why a stored event breaks its stream's chain, or null when it does not. */
export function chainBreak(event: StoredEvent, previous: StoredEvent | undefined): string | null {
  const expectedVersion = (previous?.version ?? 0) + 1;
  if (event.version !== expectedVersion) {
    return `version ${event.version} follows version ${expectedVersion - 1}`;
  }
  const expectedPrev = previous?.hash ?? null;
  if (event.prevHash !== expectedPrev) return 'prevHash does not match the previous event';
  if (eventHash(event) !== event.hash) return 'hash does not match the event';
  return null;
}
