import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { UserDoc } from '@ledger/projections';
import { actorFromClaims, type Actor, type ClaimsCheck } from '../auth/actor';
import type { SessionVerifier } from '../auth/sessions';
import { DATABASE_POOL } from '../database-pool.module';

/** The actor an account acts as: its claims, under its userId. */
export function actorOfUser(doc: UserDoc): Actor {
  const checked = actorFromClaims({
    sub: doc.userId,
    role: doc.role,
    jurisdiction: doc.jurisdiction,
    authority: doc.authority,
    uscc: doc.uscc,
  });
  if (!checked.ok) throw new Error(`account ${doc.userId}: ${checked.reason}`);
  return checked.actor;
}

/**
 * A session holds while its account exists, is not disabled, has the password it signed in
 * with, and the session was not signed out: one query per request (ADR 022).
 */
@Injectable()
export class PgSessionVerifier implements SessionVerifier {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  async verify({ sub, jti, cv }: { sub: string; jti: string; cv: unknown }): Promise<ClaimsCheck> {
    const { rows } = await this.pool.query<{ doc: UserDoc; revoked: boolean }>(
      `SELECT doc, EXISTS (SELECT 1 FROM ledger_revoked_sessions WHERE jti = $2) AS revoked
         FROM ledger_users WHERE key = $1`,
      [sub, jti],
    );
    const row = rows[0];
    if (!row)
      return { ok: false, reason: 'authorization: the account of this session does not exist' };
    if (row.doc.disabled) return { ok: false, reason: 'authorization: the account is disabled' };
    if (row.revoked) return { ok: false, reason: 'authorization: the session was signed out' };
    if (typeof cv !== 'number' || cv < row.doc.credentialsVersion)
      return { ok: false, reason: 'authorization: the password changed since this session began' };
    return { ok: true, actor: actorOfUser(row.doc) };
  }

  /** Ends a session before its expiry; the row goes once the token would have expired anyway. */
  async revoke(jti: string, userId: string, exp: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ledger_revoked_sessions (jti, user_id, expires_at) VALUES ($1, $2, to_timestamp($3))
         ON CONFLICT (jti) DO NOTHING`,
      [jti, userId, exp],
    );
    await this.pool.query('DELETE FROM ledger_revoked_sessions WHERE expires_at < now()');
  }
}
