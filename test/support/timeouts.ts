/**
 * Timeout of every beforeAll/afterAll (and beforeEach/afterEach) that creates or drops a
 * database or starts or closes an app. Jest's default is 5 s; a loaded two-core machine takes
 * longer than that to create and migrate a database, and 466 hooks once failed on it. Generous
 * on purpose: a hook that really hangs still fails, just later.
 */
export const HOOK_TIMEOUT_MS = 120_000;
