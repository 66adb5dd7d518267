/**
 * The demo's HTTP client: plain `fetch` against the running ledger, bearer tokens signed with
 * the app's own secret, and one rule: an answer with a status other than the one expected
 * stops the demo with the request and the answer (UnexpectedAnswer).
 */
import type { Actor } from '../../apps/ledger-api/src/auth/actor';
import { signToken } from '../../apps/ledger-api/src/auth/sign-token';

/** What every successful command answers (API.md). */
export interface CommandAnswer {
  uscc?: string;
  version: number;
  position: number;
  eventIds: string[];
}

/** A refusal: `message` names the field, `article` the rule (422). */
export interface Refusal {
  statusCode: number;
  error: string;
  message: string[];
  article?: string;
}

export class UnexpectedAnswer extends Error {
  override readonly name = 'UnexpectedAnswer';
  constructor(
    readonly request: { method: string; url: string; actor: string; body?: unknown },
    readonly expected: number,
    readonly status: number,
    readonly answer: unknown,
  ) {
    super(`${request.method} ${request.url} answered ${status}, not ${expected}`);
  }

  /** The request and the answer, for the console. */
  describe(): string {
    const json = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');
    return [
      `unexpected answer: ${this.message}`,
      `  request:  ${this.request.method} ${this.request.url}  (as ${this.request.actor})`,
      ...(this.request.body === undefined ? [] : [`    ${json(this.request.body)}`]),
      `  answer:   ${this.status}`,
      `    ${typeof this.answer === 'string' ? this.answer : json(this.answer)}`,
    ].join('\n');
  }
}

export const describeActor = (actor: Actor | undefined): string =>
  actor === undefined
    ? 'the public'
    : [actor.role, actor.jurisdiction ?? actor.uscc].filter(Boolean).join(' ');

export class LedgerClient {
  /** Requests made, by status. */
  readonly statuses = new Map<number, number>();
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    private readonly jwtSecret: string,
  ) {}

  get requests(): number {
    return [...this.statuses.values()].reduce((a, b) => a + b, 0);
  }

  /** A command: POST, expecting 201 unless told otherwise. */
  post<T = CommandAnswer>(path: string, actor: Actor, body: object, expect = 201): Promise<T> {
    return this.call<T>('POST', path, actor, body, expect);
  }

  /** A query; `actor` undefined reads as the public does. */
  get<T>(path: string, actor?: Actor): Promise<T> {
    return this.call<T>('GET', path, actor, undefined, 200);
  }

  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    actor: Actor | undefined,
    body: object | undefined,
    expect: number,
  ): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (actor) headers.Authorization = `Bearer ${this.tokenFor(actor)}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
    const text = await response.text();
    let answer: unknown = text;
    try {
      answer = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text for the report
    }
    if (response.status !== expect) {
      const { pathname, search } = new URL(url);
      throw new UnexpectedAnswer(
        { method, url: pathname + search, actor: describeActor(actor), body },
        expect,
        response.status,
        answer,
      );
    }
    return answer as T;
  }

  private tokenFor(actor: Actor): string {
    const key = JSON.stringify(actor);
    let token = this.tokens.get(key);
    if (!token) {
      token = signToken(actor, this.jwtSecret, '1h');
      this.tokens.set(key, token);
    }
    return token;
  }
}
