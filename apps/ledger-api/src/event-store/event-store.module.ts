import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { createKurrentEventStore } from '@ledger/event-store/eventstoredb';
import { inlineProjections } from '@ledger/projections';
import type { LedgerConfig } from '../config';
import { INLINE_PROJECTIONS } from '../projections/projections.service';

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
              : new PostgresEventStore({
                  connectionString: config.databaseUrl,
                  // The API's reads of these tables see a command's events as soon as it
                  // answers (ADR 034); the adapter applies them in the append's transaction.
                  inline: config.inlineProjections ? [inlineProjections(INLINE_PROJECTIONS)] : [],
                }),
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
