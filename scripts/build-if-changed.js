#!/usr/bin/env node
/**
 * Builds what `npm start` runs, only when its sources changed since the last build (issue 12,
 * item 5: a rebuild on every start cost 9 of its 12 seconds). Each step hashes the content of
 * its sources; when the hash differs from the one stamped at its last build, or its output is
 * missing, it runs its command and stamps the new hash in .data/build/<name>.json.
 *
 * To build something more on start (the web console, say), add a step to BUILD_STEPS. Steps
 * run in order: `nest build` empties dist/ first (deleteOutDir), so a step whose output lives
 * in dist/ comes after ledger-api and rebuilds whenever that wiped its output.
 *
 * Plain JavaScript on purpose: no TypeScript compiler to load before deciding there is nothing
 * to compile. `node scripts/build-if-changed.js --force` builds every step.
 */
'use strict';
const { createHash } = require('node:crypto');
const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { join, relative, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = resolve(__dirname, '..');
const STAMPS = join(ROOT, '.data', 'build');
/** Files every step depends on (compiler settings, the installed dependency versions). */
const SHARED_SOURCES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];

/**
 * @typedef {object} BuildStep
 * @property {string} name       the stamp's name
 * @property {string[]} sources  files or folders (relative to the repository) whose content the build reads
 * @property {string} output     a file the build writes: missing means build
 * @property {string[]} command  run with the repository as working directory
 * @property {(path: string) => boolean} [ignore]  source files that do not affect the output
 */

/** @type {BuildStep[]} */
const BUILD_STEPS = [
  {
    name: 'ledger-api',
    sources: ['apps/ledger-api', 'libs', 'projections', ...SHARED_SOURCES],
    output: 'dist/apps/ledger-api/src/main.js',
    command: [process.execPath, require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'ledger-api'],
    // tsconfig.build.json leaves tests out of dist/: editing one needs no build.
    ignore: (path) => /spec\.ts$/.test(path),
  },
  {
    // The web console (ADR 024), served by the API at /. Its output is apps/ledger-web/dist,
    // outside dist/, so a nest build leaves it alone.
    name: 'ledger-web',
    sources: ['apps/ledger-web', 'package-lock.json'],
    output: 'apps/ledger-web/dist/index.html',
    command: [
      process.execPath,
      // vite's package exports hide its bin: name the file.
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'apps/ledger-web/vite.config.mts',
      '--logLevel',
      'warn',
    ],
  },
];

function* files(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isFile()) {
    yield path;
    return;
  }
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    yield* files(join(path, entry));
  }
}

/** sha256 over every source file's path and content, in a stable order. */
function sourceHash(step) {
  const hash = createHash('sha256');
  for (const source of step.sources) {
    for (const file of files(join(ROOT, source))) {
      const path = relative(ROOT, file);
      if (step.ignore?.(path)) continue;
      hash.update(`${path}\0`).update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

function stampOf(step) {
  try {
    return JSON.parse(readFileSync(join(STAMPS, `${step.name}.json`), 'utf8')).hash;
  } catch {
    return undefined;
  }
}

/** Runs the steps whose sources changed; returns the names of those it built. */
function buildIfChanged({ force = false, log = (m) => console.error(m) } = {}) {
  const built = [];
  for (const step of BUILD_STEPS) {
    const hash = sourceHash(step);
    if (!force && existsSync(join(ROOT, step.output)) && stampOf(step) === hash) continue;
    log(`build: ${step.name} (its sources changed since the last build)`);
    const [command, ...args] = step.command;
    const run = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`build: ${step.name} failed (exit ${run.status})`);
    mkdirSync(STAMPS, { recursive: true });
    writeFileSync(
      join(STAMPS, `${step.name}.json`),
      JSON.stringify({ hash, at: new Date().toISOString() }),
    );
    built.push(step.name);
  }
  return built;
}

module.exports = { BUILD_STEPS, buildIfChanged, sourceHash };

if (require.main === module) {
  try {
    buildIfChanged({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
