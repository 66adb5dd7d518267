import { developmentSecretWarnings } from './startup-warnings';

describe('the warnings npm start gives at start', () => {
  it('warns once for each secret left unset, naming it', () => {
    const warnings = developmentSecretWarnings({});
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^LEDGER_JWT_SECRET is not set/);
    expect(warnings[1]).toMatch(/^LEDGER_PII_SECRET is not set/);
  });

  it('says nothing of a secret that is set, and never prints one', () => {
    const warnings = developmentSecretWarnings({ LEDGER_PII_SECRET: 'pii-secret-value' });
    expect(warnings).toHaveLength(1);
    expect(warnings.join()).not.toContain('pii-secret-value');
    expect(developmentSecretWarnings({ LEDGER_JWT_SECRET: 'a', LEDGER_PII_SECRET: 'b' })).toEqual(
      [],
    );
  });
});
