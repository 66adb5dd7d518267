import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { PersonalDataVault } from '@ledger/personal-data';
import type { LedgerConfig } from '../config';
import { LEDGER_CONFIG } from '../tokens';
import type { Actor } from '../auth';

/** The vault as a Nest provider, with the rule of who sees personal data in full. */
@Injectable()
export class PersonalData extends PersonalDataVault implements OnApplicationShutdown {
  private readonly ownPool: Pool;

  constructor(@Inject(LEDGER_CONFIG) config: LedgerConfig) {
    const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
    super(pool, config.piiSecret);
    this.ownPool = pool;
  }

  /** In full only to the regulator of the agency's jurisdiction and to admins (DOMAIN.md, PIPL). */
  static seesInFull(actor: Actor | undefined, jurisdiction: string | undefined): boolean {
    return (
      actor?.role === 'admin' ||
      (actor?.role === 'regulator' && actor.jurisdiction === jurisdiction)
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ownPool.end();
  }
}
