import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import canonicalize from 'canonicalize';
import { startOfShanghaiDay } from '@ledger/domain';
import { requireActor, type Actor } from '../auth';
import type { CommandContext } from '../commands/command-pipeline';
import { parseIdempotencyKey, parseIfMatch } from '../http';

/** A bare date as valid time means the start of that day in Asia/Shanghai (API.md). */
export function occurredAtOf(occurredAt: string | undefined): string | undefined {
  if (occurredAt === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(occurredAt)
    ? startOfShanghaiDay(occurredAt).toISOString()
    : new Date(occurredAt).toISOString();
}

/** The pipeline's context from an HTTP request: actor, If-Match, Idempotency-Key, request hash. */
export function commandContext(
  req: Request,
  actor: Actor | undefined,
  occurredAt: string | undefined,
): CommandContext {
  return {
    actor: requireActor(actor),
    expectedVersion: parseIfMatch(req.headers['if-match']),
    idempotencyKey: parseIdempotencyKey(req.headers['idempotency-key']),
    requestHash: createHash('sha256')
      .update(`${req.method} ${req.path}\n${canonicalize(req.body as object) ?? ''}`)
      .digest('hex'),
    occurredAt: occurredAtOf(occurredAt),
    correlationId: (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID(),
  };
}
