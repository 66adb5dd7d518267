import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

interface BuildStep {
  name: string;
  sources: string[];
  output: string;
  command: string[];
  ignore?: (path: string) => boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BUILD_STEPS, sourceHash } = require('./build-if-changed.js') as {
  BUILD_STEPS: BuildStep[];
  sourceHash(step: BuildStep): string;
};

const ROOT = resolve(__dirname, '..');

describe('npm start builds only when the sources changed (issue 12 item 5)', () => {
  let dir: string;
  let step: BuildStep;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'build-if-changed-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'src', 'a.spec.ts'), 'it("a", () => undefined);\n');
    step = {
      name: 'probe',
      sources: [relative(ROOT, join(dir, 'src'))],
      output: 'nowhere',
      command: ['true'],
      ignore: (path) => /spec\.ts$/.test(path),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same hash for the same sources, and another once a source changes', () => {
    const before = sourceHash(step);
    expect(sourceHash(step)).toBe(before);
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 2;\n');
    expect(sourceHash(step)).not.toBe(before);
  });

  it('sees a new source file, and ignores what the step ignores (tests)', () => {
    const before = sourceHash(step);
    writeFileSync(join(dir, 'src', 'a.spec.ts'), 'it("changed", () => undefined);\n');
    expect(sourceHash(step)).toBe(before);
    writeFileSync(join(dir, 'src', 'b.ts'), 'export const b = 1;\n');
    expect(sourceHash(step)).not.toBe(before);
  });

  it('builds the API from apps/ledger-api, libs and projections into what npm start runs', () => {
    const api = BUILD_STEPS.find((s) => s.name === 'ledger-api');
    expect(api?.sources).toEqual(
      expect.arrayContaining(['apps/ledger-api', 'libs', 'projections']),
    );
    expect(api?.output).toBe('dist/apps/ledger-api/src/main.js');
  });
});
