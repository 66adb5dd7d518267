import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RegistryEntryRow } from '@ledger/projections';

/**
 * Where a USCC leads (ADR 018). An agency's stream (and its rows) stay keyed by the code it
 * registered under; once an administrator corrects the code (seed 002 §七.2), the corrected
 * code, and every code it was corrected from, lead to the same record.
 */
@Injectable()
export class AgencyDirectory {
  constructor(
    @InjectRepository(RegistryEntryRow) private readonly registry: Repository<RegistryEntryRow>,
  ) {}

  /** The registry row `uscc` leads to: its own, the one corrected to it, or one corrected from it. */
  async find(uscc: string): Promise<RegistryEntryRow | null> {
    const own = await this.registry.findOneBy({ key: uscc });
    if (own) return own;
    const corrected = await this.registry.findOneBy({ uscc });
    if (corrected) return corrected;
    return this.registry
      .createQueryBuilder('r')
      .where(`COALESCE(r.doc->'corrections', '[]'::jsonb) @> CAST(:from AS jsonb)`, {
        from: JSON.stringify([{ field: 'uscc', from: uscc }]),
      })
      .getOne();
  }

  /**
   * The code whose stream (and rows) hold the record `uscc` leads to, and the code the record
   * answers to now; both `uscc` itself when no record does (the caller then answers 404).
   */
  async resolve(uscc: string): Promise<{ key: string; uscc: string }> {
    const row = await this.find(uscc);
    return row ? { key: row.key, uscc: row.doc.uscc } : { key: uscc, uscc };
  }

  /** The code whose stream holds the record `uscc` leads to; `uscc` itself when none does. */
  async streamUsccOf(uscc: string): Promise<string> {
    return (await this.find(uscc))?.key ?? uscc;
  }
}
