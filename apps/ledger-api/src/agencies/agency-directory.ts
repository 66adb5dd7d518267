import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { Repository } from 'typeorm';
import type { Jurisdiction } from '@ledger/domain';
import { RegistryEntryRow } from '@ledger/projections';
import { DATABASE_POOL } from '../database-pool.module';

/** Where a USCC leads, without the registry document: what routes and visibility need. */
export interface LocatedAgency {
  /** The code the agency's stream (and rows) are keyed by: the one it registered under. */
  key: string;
  /** The code the record answers to now (corrected: ADR 018). */
  uscc: string;
  jurisdiction: Jurisdiction;
  status: string;
}

/** The three ways a code leads to a record, in the order they are tried. */
const LOCATE = [
  'SELECT key, uscc, jurisdiction, status FROM registry_entries WHERE key = $1',
  'SELECT key, uscc, jurisdiction, status FROM registry_entries WHERE uscc = $1 LIMIT 1',
  `SELECT key, uscc, jurisdiction, status FROM registry_entries
   WHERE COALESCE(doc->'corrections', '[]'::jsonb) @> CAST($1 AS jsonb) LIMIT 1`,
];

/**
 * Where a USCC leads (ADR 018). An agency's stream (and its rows) stay keyed by the code it
 * registered under; once an administrator corrects the code (seed 002 §七.2), the corrected
 * code, and every code it was corrected from, lead to the same record.
 */
@Injectable()
export class AgencyDirectory {
  constructor(
    @InjectRepository(RegistryEntryRow) private readonly registry: Repository<RegistryEntryRow>,
    @Inject(DATABASE_POOL) private readonly pool: Pool,
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
   * The record `uscc` leads to, as `find` finds it, but only its key, code, jurisdiction and
   * status: the lookup of every command and of most reads, so neither the document nor an
   * entity is built for it (issue 14).
   */
  async locate(uscc: string): Promise<LocatedAgency | null> {
    const params = [uscc, uscc, JSON.stringify([{ field: 'uscc', from: uscc }])];
    for (const [i, sql] of LOCATE.entries()) {
      const { rows } = await this.pool.query<LocatedAgency>(sql, [params[i]]);
      if (rows.length > 0) return rows[0];
    }
    return null;
  }

  /**
   * The code whose stream (and rows) hold the record `uscc` leads to, and the code the record
   * answers to now; both `uscc` itself when no record does (the caller then answers 404).
   */
  async resolve(uscc: string): Promise<{ key: string; uscc: string }> {
    const found = await this.locate(uscc);
    return found ? { key: found.key, uscc: found.uscc } : { key: uscc, uscc };
  }

  /** The code whose stream holds the record `uscc` leads to; `uscc` itself when none does. */
  async streamUsccOf(uscc: string): Promise<string> {
    return (await this.locate(uscc))?.key ?? uscc;
  }
}
