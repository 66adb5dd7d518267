import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { Roles } from '../auth';
import { ApiQueryResponses } from '../http/openapi';
import { VERIFY_REPORT } from './agencies.openapi';

@ApiTags('audit')
@Controller('api/v1/ledger')
export class LedgerController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @ApiQueryResponses(VERIFY_REPORT)
  @Get('verify')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: "Checks every stream's hash chain and names the first event that does not match",
  })
  verify() {
    return this.store.verify();
  }
}
