import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { Public } from '../auth/decorators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness, and whether the database and the event store answer' })
  check() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          return indicator.up({ headPosition: await this.store.headPosition() });
        } catch (error) {
          return indicator.down({
            message: error instanceof Error ? error.message : String(error),
          });
        }
      },
    ]);
  }
}
