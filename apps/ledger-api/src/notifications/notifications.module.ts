import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** The notification outbox's dispatcher and its read route (ADR 019). */
@Module({
  imports: [AgenciesModule],
  controllers: [NotificationsController],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
