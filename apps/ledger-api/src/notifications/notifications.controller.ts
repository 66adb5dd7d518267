import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { ApiQueryResponses, anyObject, arrayOf } from '../http/openapi';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import type { Jurisdiction } from '@ledger/domain';
import { assertCanActOnAgency, CurrentActor, requireActor, Roles, type Actor } from '../auth';
import { DATABASE_POOL } from '../database-pool.module';
import { ParseUsccPipe } from '../http';
import { AgencyDirectory } from '../agencies/agency-directory';

const READERS = ['agency', 'regulator', 'auditor'] as const;

interface NotificationRow {
  notification_id: string;
  kind: string;
  recipient: string;
  channel: string;
  event_id: string;
  position: string;
  created_at: Date;
  subject: string;
  text: string;
  attempts: number | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  delivered_at: Date | null;
  next_attempt_at: Date | null;
}

function statusOf(row: NotificationRow): 'pending' | 'retrying' | 'delivered' | 'undeliverable' {
  if (row.delivered_at !== null) return 'delivered';
  if (row.next_attempt_at !== null && !Number.isFinite(row.next_attempt_at.getTime()))
    return 'undeliverable';
  return (row.attempts ?? 0) > 0 ? 'retrying' : 'pending';
}

@ApiTags('notifications')
@Controller('api/v1/agencies')
export class NotificationsController {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    private readonly directory: AgencyDirectory,
  ) {}

  @Get(':uscc/notifications')
  @ApiQueryResponses(
    arrayOf(anyObject('a notification: kind, channel, status, attempts, deliveredAt')),
    {
      notFound: 'no such agency',
    },
  )
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'The notifications due to the agency’s contact and legal representative (seed 002 §七.6, seed 003 (十五)) and how each was delivered; addresses are not shown',
  })
  async list(@Param('uscc', ParseUsccPipe) uscc: string, @CurrentActor() actor?: Actor) {
    const entry = await this.directory.find(uscc);
    if (!entry)
      throw new NotFoundException({
        statusCode: 404,
        error: 'Not Found',
        message: [`uscc: no agency ${uscc}`],
      });
    assertCanActOnAgency(
      requireActor(actor),
      { uscc: entry.doc.uscc, jurisdiction: entry.jurisdiction as Jurisdiction },
      READERS,
    );
    const { rows } = await this.pool.query<NotificationRow>(
      `SELECT o.notification_id, o.kind, o.recipient, o.channel, o.event_id, o.position,
              o.created_at, o.subject, o.text, d.attempts, d.last_attempt_at, d.last_error,
              d.delivered_at, d.next_attempt_at
       FROM notification_outbox o
       LEFT JOIN notification_deliveries d USING (notification_id)
       WHERE o.key = $1
       ORDER BY o.position, o.ordinal`,
      [entry.key],
    );
    return rows.map((row) => ({
      notificationId: row.notification_id,
      kind: row.kind,
      recipient: row.recipient,
      channel: row.channel,
      eventId: row.event_id,
      position: Number(row.position),
      createdAt: row.created_at.toISOString(),
      subject: row.subject,
      text: row.text,
      status: statusOf(row),
      attempts: row.attempts ?? 0,
      lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
      lastError: row.last_error,
      deliveredAt: row.delivered_at?.toISOString() ?? null,
    }));
  }
}
