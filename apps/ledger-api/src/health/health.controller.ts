import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { Public } from '../auth/decorators';
import { ProjectionsService, type Readiness } from '../projections/projections.service';
import { READINESS } from '../agencies/agencies.openapi';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
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

  /**
   * Readiness, for a load balancer or an orchestrator: 503 while a projection is failing (in
   * this instance or in the one that holds its lock) or far behind the store's head; 200
   * otherwise. The same body either way. `/health` stays liveness.
   */
  @Get('ready')
  @ApiOperation({
    summary: "Readiness: each projection's position, lag behind the head and last error",
  })
  @ApiResponse({
    status: 200,
    description: 'every projection is advancing and close to the head',
    schema: READINESS,
  })
  @ApiResponse({
    status: 503,
    description: 'a projection is failing or far behind (Retry-After)',
    schema: READINESS,
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Readiness['body']> {
    const { ready, body } = await this.projections.readiness();
    response.status(ready ? 200 : 503);
    if (!ready) response.setHeader('Retry-After', '1');
    return body;
  }
}
