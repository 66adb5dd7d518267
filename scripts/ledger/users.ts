/**
 * `npm run ledger -- user add|list|disable`: accounts from the command line, for the first
 * administrator and for operators (the same commands and streams as POST /api/v1/users, ADR
 * 022). Passwords are read from the terminal (hidden) or the first line of stdin, never from
 * the command line, where `ps` and the shell history would keep them.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { ProjectionRunner, usersProjection } from '@ledger/projections';
import { accountScopeProblems } from '../../apps/ledger-api/src/auth/account-access';
import { isRole, ROLES, type Role } from '../../apps/ledger-api/src/auth/actor';
import { Accounts, userView, UsersTable } from '../../apps/ledger-api/src/accounts/accounts';
import { passwordProblem } from '../../apps/ledger-api/src/accounts/passwords';
import type { RegulatorAuthority } from '@ledger/domain';

export const cliActor = () => ({ sub: `cli:${userInfo().username}`, role: 'admin' });

export interface UserAddOptions {
  role: string;
  jurisdiction?: string;
  authority?: string;
  uscc?: string;
  displayName?: string;
  main?: boolean;
}

/** The users projection brought up to the store's head, then read. */
export async function usersTable(store: EventStore, pool: Pool): Promise<UsersTable> {
  const runner = new ProjectionRunner(usersProjection, store, pool);
  await runner.start();
  try {
    await runner.waitFor(await store.headPosition(), 30_000);
  } finally {
    await runner.stop();
  }
  return new UsersTable(pool);
}

export async function addUser(
  store: EventStore,
  username: string,
  options: UserAddOptions,
  password: string,
): Promise<string> {
  if (!isRole(options.role)) throw new Error(`--role: one of ${ROLES.join(', ')}`);
  const role: Role = options.role;
  const scope = {
    role,
    jurisdiction: options.jurisdiction,
    authority: options.authority,
    uscc: options.uscc,
    main: role === 'agency' ? (options.main ?? true) : undefined,
  };
  const problems = [
    ...accountScopeProblems(scope),
    ...[passwordProblem(password)].filter((p): p is string => p !== undefined),
  ];
  if (problems.length > 0) throw new Error(problems.map((p) => `--${p}`).join('\n'));
  const result = await new Accounts(store).create(
    {
      ...scope,
      jurisdiction: scope.jurisdiction as never,
      authority: scope.authority as RegulatorAuthority | undefined,
      username,
      password,
      displayName: options.displayName,
    },
    cliActor(),
  );
  return `created ${role} account "${username}" (userId ${result.userId}); sign in with POST /api/v1/auth/login`;
}

export async function listUsers(store: EventStore, pool: Pool): Promise<string> {
  const users = await (await usersTable(store, pool)).list();
  return JSON.stringify(users.map(userView), null, 2);
}

export async function disableUser(
  store: EventStore,
  pool: Pool,
  who: string,
  reason?: string,
): Promise<string> {
  const table = await usersTable(store, pool);
  const doc = (await table.byUsername(who)) ?? (await table.byId(who));
  if (!doc) throw new Error(`no account "${who}" (a username or a userId)`);
  const result = await new Accounts(store).disable(doc.userId, cliActor(), reason);
  return result.eventIds.length === 0
    ? `"${doc.username}" was disabled already`
    : `disabled "${doc.username}" (userId ${doc.userId}): its sessions end at once`;
}

/** A password from the terminal (typed twice, not echoed) or from the first line of stdin. */
export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new Error('password: none on stdin (pipe it in, or run in a terminal to be asked)');
  }
  const first = await askHidden('password: ');
  const again = await askHidden('again:    ');
  if (first !== again) throw new Error('password: the two entries differ');
  return first;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput?: (s: string) => void };
    process.stderr.write(prompt);
    output._writeToOutput = () => undefined; // nothing echoed
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
