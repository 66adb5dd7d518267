import { JURISDICTIONS, validateUscc, type Jurisdiction } from '@ledger/domain';

/** An authority as the 双公示 layout names it: 处罚机关 / 数据来源单位, and its USCC. */
export interface AuthorityIdentity {
  name: string;
  /** Empty until configured: the ledger never invents an authority's code. */
  uscc: string;
}

export interface JurisdictionAuthorities {
  /** The ecology bureau: 处罚机关 of penalties recorded by it. */
  ecology: AuthorityIdentity;
  /** Urumqi's market-regulation bureau (seed 004 Art. 2), where there is one. */
  marketRegulation?: AuthorityIdentity;
  /** 数据来源单位: who sends the records to the platform; default the ecology bureau. */
  dataSource: AuthorityIdentity;
}

export type AuthorityDirectory = Record<Jurisdiction, JurisdictionAuthorities>;

/** The bureaus' names from the seeds; their codes come from LEDGER_AUTHORITIES. */
const DEFAULT_NAMES: Record<Jurisdiction, { ecology: string; marketRegulation?: string }> = {
  beijing: { ecology: '北京市生态环境局' },
  chongqing: { ecology: '重庆市生态环境局' },
  jiaxing: { ecology: '嘉兴市生态环境局' },
  urumqi: { ecology: '乌鲁木齐市生态环境局', marketRegulation: '乌鲁木齐市市场监督管理局' },
};

export class AuthoritiesConfigError extends Error {
  override readonly name = 'AuthoritiesConfigError';
}

/**
 * The authorities of each jurisdiction, from `LEDGER_AUTHORITIES` (JSON, for example
 * `{"beijing":{"ecology":{"uscc":"…"},"dataSource":{"name":"…","uscc":"…"}}}`) over the names
 * of the seeds. Read and checked once at start-up: an unknown jurisdiction, a field of the
 * wrong kind or a USCC that fails its check characters stops the ledger with the path at fault.
 */
export function readAuthorities(text: string | undefined): AuthorityDirectory {
  let given: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      given = JSON.parse(text);
    } catch {
      throw new AuthoritiesConfigError('LEDGER_AUTHORITIES must be a JSON object');
    }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new AuthoritiesConfigError('LEDGER_AUTHORITIES must be a JSON object');
  for (const key of Object.keys(given))
    if (!(JURISDICTIONS as readonly string[]).includes(key))
      throw new AuthoritiesConfigError(
        `LEDGER_AUTHORITIES.${key}: not a jurisdiction (one of ${JURISDICTIONS.join(', ')})`,
      );
  const directory = {} as AuthorityDirectory;
  for (const jurisdiction of JURISDICTIONS) {
    const own = ((given as Record<string, unknown>)[jurisdiction] ?? {}) as Record<string, unknown>;
    const names = DEFAULT_NAMES[jurisdiction];
    const ecology = identity(`${jurisdiction}.ecology`, own.ecology, names.ecology);
    const marketRegulation =
      names.marketRegulation === undefined
        ? undefined
        : identity(
            `${jurisdiction}.marketRegulation`,
            own.marketRegulation,
            names.marketRegulation,
          );
    directory[jurisdiction] = {
      ecology,
      ...(marketRegulation && { marketRegulation }),
      dataSource: identity(
        `${jurisdiction}.dataSource`,
        own.dataSource,
        ecology.name,
        ecology.uscc,
      ),
    };
  }
  return directory;
}

function identity(path: string, value: unknown, name: string, uscc = ''): AuthorityIdentity {
  if (value === undefined) return { name, uscc };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AuthoritiesConfigError(`LEDGER_AUTHORITIES.${path}: must be { name?, uscc? }`);
  const given = value as { name?: unknown; uscc?: unknown };
  if (given.name !== undefined && (typeof given.name !== 'string' || given.name.trim() === ''))
    throw new AuthoritiesConfigError(`LEDGER_AUTHORITIES.${path}.name: must be a name`);
  if (given.uscc !== undefined) {
    const check = typeof given.uscc === 'string' ? validateUscc(given.uscc) : undefined;
    if (!check?.valid)
      throw new AuthoritiesConfigError(
        `LEDGER_AUTHORITIES.${path}.uscc: ${check && !check.valid ? check.reason : 'must be a unified social credit code'}`,
      );
  }
  return {
    name: given.name ?? name,
    uscc: (given.uscc as string | undefined) ?? uscc,
  };
}
