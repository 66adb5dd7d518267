import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import canonicalize from 'canonicalize';
import { InvalidInput, startOfShanghaiDay } from '@ledger/domain';
import { requireActor, type Actor } from '../auth';
import { CLOCK_TOLERANCE_MS } from '../clock';
import type { CommandContext } from '../commands/command-pipeline';
import { parseIdempotencyKey, parseIfMatch } from '../http';

/** The ledger's clock as read when the request arrived (set by the middleware in configureHttp). */
export interface TimedRequest extends Request {
  receivedAt?: Date;
}

export function receivedAt(req: Request): Date {
  return (req as TimedRequest).receivedAt ?? new Date();
}

/** A bare date as valid time means the start of that day in Asia/Shanghai (API.md). */
export function occurredAtOf(occurredAt: string | undefined): string | undefined {
  if (occurredAt === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(occurredAt)
    ? startOfShanghaiDay(occurredAt).toISOString()
    : new Date(occurredAt).toISOString();
}

/**
 * The command's valid time: `occurredAt` as given, or the ledger's clock when the request
 * arrived. A valid time later than that (beyond the clock tolerance) is not a fact yet: 400.
 */
export function validTimeOf(req: Request, occurredAt: string | undefined): string {
  const now = receivedAt(req);
  const given = occurredAtOf(occurredAt);
  if (given === undefined) return now.toISOString();
  if (Date.parse(given) > now.getTime() + CLOCK_TOLERANCE_MS) {
    throw new InvalidInput(
      `${occurredAt} is in the future (the ledger's clock reads ${now.toISOString()}): a fact is recorded once it has happened`,
      'ledger-valid-time',
      'occurredAt',
    );
  }
  return given;
}

/** A correlation id a client may send: bounded, and safe to store in every event's metadata. */
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** X-Correlation-Id as sent, validated (400 naming the header), or a new one. */
export function correlationIdOf(req: Request): string {
  const sent = req.headers['x-correlation-id'];
  if (sent === undefined) return randomUUID();
  if (typeof sent !== 'string' || !CORRELATION_ID.test(sent)) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: ['X-Correlation-Id: must be 1 to 128 letters, digits, or . _ : -'],
    });
  }
  return sent;
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
    occurredAt: validTimeOf(req, occurredAt),
    correlationId: correlationIdOf(req),
  };
}
