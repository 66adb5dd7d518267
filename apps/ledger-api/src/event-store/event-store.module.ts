import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { createKurrentEventStore } from '@ledger/event-store/eventstoredb';
import type { LedgerConfig } from '../config';

/** Provides the configured EventStore adapter under the EVENT_STORE token. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: (): EventStore =>
            config.eventStore === 'eventstoredb'
              ? createKurrentEventStore(config.eventStoreConnectionString!)
              : new PostgresEventStore({ connectionString: config.databaseUrl }),
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
