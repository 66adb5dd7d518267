import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import type { LedgerConfig } from '../config';
import { DATABASE_POOL } from '../database-pool.module';
import { LEDGER_CONFIG } from '../tokens';
import { PersonalData } from '../agencies/personal-data.provider';
import {
  LogSender,
  NotificationDispatcher,
  SmtpSender,
  type NotificationSender,
} from './notification-dispatcher';

/**
 * Runs the notification dispatcher in the API process (ADR 019): the log adapter for every
 * channel by default; e-mail through `LEDGER_SMTP_URL` when it is set. No SMS gateway is
 * configured: text messages go to the log adapter, which records what was due.
 */
@Injectable()
export class NotificationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('notifications');
  readonly dispatcher: NotificationDispatcher;

  constructor(
    @Inject(DATABASE_POOL) pool: Pool,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    personalData: PersonalData,
  ) {
    const log = new LogSender((message) => this.logger.log(message));
    const smtp = config.smtp && new SmtpSender(config.smtp);
    const senderFor = (channel: string): NotificationSender =>
      channel === 'email' && smtp ? smtp : log;
    this.dispatcher = new NotificationDispatcher(
      pool,
      (sealed) => personalData.open(sealed),
      senderFor,
      config.notifications,
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): void {
    this.dispatcher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
  }
}
