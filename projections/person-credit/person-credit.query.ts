import type { Pool } from 'pg';
import type { PersonCreditDoc } from './person-credit.projection';

const IDENTITY_HASH = /^[0-9a-f]{64}$/;

/**
 * A person's credit document by the identity hash (64 hex digits) or by the opaque personId of
 * any of the person's engagements; null when the ledger has none.
 */
export async function personCreditOf(pool: Pool, ref: string): Promise<PersonCreditDoc | null> {
  const { rows } = IDENTITY_HASH.test(ref)
    ? await pool.query<{ doc: PersonCreditDoc }>(
        'SELECT doc FROM person_credit_entries WHERE key = $1',
        [ref],
      )
    : await pool.query<{ doc: PersonCreditDoc }>(
        `SELECT e.doc FROM person_credit_ids i JOIN person_credit_entries e ON e.key = i.key
          WHERE i.person_id = $1`,
        [ref],
      );
  return rows[0]?.doc ?? null;
}
