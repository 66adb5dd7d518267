/**
 * What `npm start` warns about once, at start: each secret left at its development default
 * (README, "Configuration"). Names only: no secret's value is ever printed.
 */
export function developmentSecretWarnings(env: NodeJS.ProcessEnv): string[] {
  const warnings: string[] = [];
  if (!env.LEDGER_JWT_SECRET)
    warnings.push(
      'LEDGER_JWT_SECRET is not set: using the development secret; never do this in production',
    );
  if (!env.LEDGER_PII_SECRET)
    warnings.push(
      'LEDGER_PII_SECRET is not set: personal data is keyed with the development secret; never do this in production (set it once and keep it like a database password: ADR 005)',
    );
  return warnings;
}
