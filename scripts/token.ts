/**
 * `npm run token -- --role regulator --jurisdiction beijing [--uscc X] [--sub id] [--expires-in 12h]`
 * prints a bearer token for local use, signed with LEDGER_JWT_SECRET (else the development
 * secret `npm start` uses). Exit 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../apps/ledger-api/src/config';
import {
  JURISDICTIONS,
  ROLES,
  isJurisdiction,
  isRole,
  type Actor,
} from '../apps/ledger-api/src/auth/actor';
import { parseExpiresIn, signToken } from '../apps/ledger-api/src/auth/sign-token';

export const USAGE = `usage: npm run token -- --role <role> [--jurisdiction <j>] [--authority <a>] [--uscc <code>] [--sub <id>] [--expires-in <duration>]
  --role         ${ROLES.join(' | ')}
  --jurisdiction ${JURISDICTIONS.join(' | ')} (required for, and only for, --role regulator)
  --authority    ecology (default) | market-regulation (urumqi only, seed 004 Art. 2; --role regulator)
  --uscc         the agency's 18-character code (required for, and only for, --role agency)
  --sub          the actor id (default: local-<role>)
  --expires-in   seconds, or a duration such as 30m, 12h, 7d (default: 12h)
The secret is LEDGER_JWT_SECRET, else the development default.`;

export interface TokenRun {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** The whole script, minus the process: arguments and environment in, what to print out. */
export function runTokenCommand(argv: string[], env: NodeJS.ProcessEnv): TokenRun {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        jurisdiction: { type: 'string' },
        authority: { type: 'string' },
        uscc: { type: 'string' },
        sub: { type: 'string' },
        'expires-in': { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { exitCode: 0, stdout: USAGE };

  const { role, jurisdiction, uscc } = values;
  if (role === undefined) return usageError('--role is required');
  if (!isRole(role)) return usageError(`--role must be one of ${ROLES.join(', ')}, not "${role}"`);
  if (role === 'regulator') {
    if (jurisdiction === undefined) return usageError('--role regulator needs --jurisdiction');
    if (!isJurisdiction(jurisdiction)) {
      return usageError(
        `--jurisdiction must be one of ${JURISDICTIONS.join(', ')}, not "${jurisdiction}"`,
      );
    }
  } else if (jurisdiction !== undefined) {
    return usageError('--jurisdiction applies only to --role regulator');
  }
  if (values.authority !== undefined && role !== 'regulator') {
    return usageError('--authority applies only to --role regulator');
  }
  if (role === 'agency' && uscc === undefined) return usageError('--role agency needs --uscc');
  if (role !== 'agency' && uscc !== undefined) {
    return usageError('--uscc applies only to --role agency');
  }
  const sub = values.sub ?? `local-${role}`;
  if (sub.trim() === '') return usageError('--sub must not be empty');
  const expiresIn = parseExpiresIn(values['expires-in']);
  if (expiresIn === undefined) {
    return usageError(
      `--expires-in must be seconds or a duration such as 30m, 12h, 7d, not "${values['expires-in']}"`,
    );
  }

  let secret: string;
  try {
    secret = readConfig(env, 'unused').jwtSecret;
  } catch (error) {
    return { exitCode: 2, stderr: error instanceof Error ? error.message : String(error) };
  }
  const claims: Actor = {
    sub,
    role,
    ...(role === 'regulator' && isJurisdiction(jurisdiction) ? { jurisdiction } : {}),
    // Checked by the ledger's own claims check (signToken): an unknown or misplaced one is refused.
    ...(values.authority !== undefined && {
      authority: values.authority as NonNullable<Actor['authority']>,
    }),
    ...(role === 'agency' ? { uscc } : {}),
  };
  let token: string;
  try {
    token = signToken(claims, secret, expiresIn);
  } catch (error) {
    // The claims check of the ledger itself, e.g. a uscc of the wrong shape.
    return usageError(
      error instanceof Error ? error.message.replace(/^token: /, '--') : 'bad claims',
    );
  }
  return {
    exitCode: 0,
    stdout: token,
    stderr: env.LEDGER_JWT_SECRET
      ? undefined
      : 'LEDGER_JWT_SECRET is not set: signed with the development secret',
  };
}

function usageError(message: string): TokenRun {
  return { exitCode: 2, stderr: `${message}\n\n${USAGE}` };
}

if (require.main === module) {
  const result = runTokenCommand(process.argv.slice(2), process.env);
  if (result.stderr) console.error(result.stderr);
  if (result.stdout) console.log(result.stdout);
  process.exitCode = result.exitCode;
}
