import { browserMissing, ensureConsoleBuilt } from '../support/console-build';

/** Once per run of the browser project: say why it is skipped, or build the console if stale. */
export default function globalSetup(): void {
  const missing = browserMissing();
  if (missing) {
    console.log(`\n${missing}`);
    return;
  }
  ensureConsoleBuilt();
}
