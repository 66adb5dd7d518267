import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PersonalDataVault } from '@ledger/personal-data';
import type { LedgerConfig } from '../config';
import { DATABASE_POOL } from '../database-pool.module';
import { LEDGER_CONFIG } from '../tokens';
import type { Actor } from '../auth';

/** The vault as a Nest provider, with the rule of who sees personal data in full. */
@Injectable()
export class PersonalData extends PersonalDataVault {
  constructor(@Inject(DATABASE_POOL) pool: Pool, @Inject(LEDGER_CONFIG) config: LedgerConfig) {
    super(pool, config.piiSecret);
  }

  /** In full only to the regulator of the agency's jurisdiction and to admins (DOMAIN.md, PIPL). */
  static seesInFull(actor: Actor | undefined, jurisdiction: string | undefined): boolean {
    return (
      actor?.role === 'admin' ||
      (actor?.role === 'regulator' && actor.jurisdiction === jurisdiction)
    );
  }
}
