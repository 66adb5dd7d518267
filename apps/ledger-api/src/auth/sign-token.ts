import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { actorFromClaims, type Actor } from './actor';

/** Seconds, or a duration such as `90s`, `30m`, `12h`, `7d`. */
export type ExpiresIn = NonNullable<JwtSignOptions['expiresIn']>;

const DURATION = /^[1-9]\d*(ms|s|m|h|d|w|y)$/;

/** `--expires-in` as jsonwebtoken takes it, or `undefined` when it is not a duration. */
export function parseExpiresIn(text: string): ExpiresIn | undefined {
  if (/^[1-9]\d*$/.test(text)) return Number(text);
  return DURATION.test(text) ? (text as ExpiresIn) : undefined;
}

/**
 * A bearer token the ledger accepts: HS256 over the actor's claims, `iat` now, `exp` after
 * `expiresIn`. Throws when the claims would be refused (a regulator without jurisdiction …),
 * so nothing signs a token that can only get a 401. Claims outside the role are dropped.
 */
export function signToken(claims: Actor, secret: string, expiresIn: ExpiresIn = '12h'): string {
  const checked = actorFromClaims(claims);
  if (!checked.ok) throw new Error(checked.reason);
  return new JwtService().sign({ ...checked.actor }, { secret, algorithm: 'HS256', expiresIn });
}
