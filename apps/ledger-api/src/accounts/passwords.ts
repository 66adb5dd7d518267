import argon2 from 'argon2';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** What is wrong with a new password (naming the field), or undefined. */
export function passwordProblem(password: unknown, field = 'password'): string | undefined {
  if (typeof password !== 'string') return `${field}: must be a string`;
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    return `${field}: must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`;
  if (!/\S/.test(password)) return `${field}: must not be blank`;
  return undefined;
}

/** argon2id with its own salt; the hash is what the account's events keep (ADR 022). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** A hash of a password nobody has: unknown usernames cost as much time as known ones. */
let decoy: Promise<string> | undefined;

/** Whether `password` matches `hash`; with no hash, spends the same time and says no. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  try {
    return await argon2.verify(hash ?? (await decoy), password);
  } catch {
    return false; // a malformed stored hash matches nothing
  }
}
