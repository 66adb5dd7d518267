/**
 * Fresh targets for e2e tests that change state: codes and ID numbers that pass their check
 * characters, and agencies (registered, approved, with a person and equipment) set up over
 * HTTP as a regulator and the agency itself would.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import {
  organisationCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from '@ledger/domain/identity';
import { actors, bearer, registrationBody } from './app';

let usccCounter = 0;
let residentCounter = 0;

/** A USCC no other fixture hands out (division 110108, Beijing Haidian), check characters computed. */
export function freshUscc(): string {
  usccCounter += 1;
  const organisation = String(70_000_000 + usccCounter);
  const first17 = `91110108${organisation}${organisationCodeCheckCharacter(organisation)}`;
  return `${first17}${usccCheckCharacter(first17)}`;
}

/** A resident ID number no other fixture hands out, with a real birth date and check character. */
export function freshResidentId(): string {
  residentCounter += 1;
  const born = new Date(Date.UTC(1980, 0, 1) + residentCounter * 86_400_000);
  const date = born.toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `110108${date}${String(residentCounter % 1000).padStart(3, '0')}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

export const asBeijing = bearer(actors.beijing);
export const asAuditor = bearer(actors.auditor);

/** Setup and stream reads over HTTP; each setup step must answer 201. */
export class Ledger {
  constructor(private readonly http: App) {}

  post(path: string, token: string | undefined, body: object) {
    const req = request(this.http).post(path);
    if (token !== undefined) req.set('Authorization', token);
    return req.send(body);
  }

  private async created(path: string, token: string, body: object): Promise<request.Response> {
    const res = await this.post(path, token, body);
    if (res.status !== 201) {
      throw new Error(
        `setup: POST ${path} answered ${res.status} ${JSON.stringify(res.body)}, not 201`,
      );
    }
    return res;
  }

  /** A beijing agency filed by the regulator on 2026-01-12; approved (01-13) unless `approve` is false. */
  async agency({ approve = true }: { approve?: boolean } = {}): Promise<string> {
    const uscc = freshUscc();
    await this.created('/api/v1/agencies', asBeijing, {
      ...registrationBody(uscc),
      occurredAt: '2026-01-12',
    });
    if (approve) {
      await this.created(`/api/v1/agencies/${uscc}/review`, asBeijing, {
        outcome: 'approved',
        occurredAt: '2026-01-13',
      });
    }
    return uscc;
  }

  /** A person in a technical post at `uscc`: their `personId`. */
  async person(uscc: string): Promise<string> {
    const res = await this.created(`/api/v1/agencies/${uscc}/personnel`, asBeijing, {
      idNumber: freshResidentId(),
      name: '张三',
      role: 'laboratory-analysis',
      joinedAt: '2026-02-01',
    });
    return res.body.personId as string;
  }

  /** Equipment in service at `uscc` (filed by the agency itself): its `equipmentId`. */
  async equipment(uscc: string): Promise<string> {
    const res = await this.created(
      `/api/v1/agencies/${uscc}/equipment`,
      bearer(actors.agency(uscc)),
      { name: '气相色谱仪', model: 'GC-2030', serial: `SN-${uscc}` },
    );
    return res.body.equipmentId as string;
  }

  /**
   * The raw stream as an auditor reads it; `undefined` when the agency does not exist (404),
   * or cannot: a code of the wrong shape is refused by the path's ParseUsccPipe (400).
   */
  async events(
    uscc: string,
  ): Promise<{ type: string; data: Record<string, unknown> }[] | undefined> {
    const res = await request(this.http)
      .get(`/api/v1/agencies/${uscc}/events`)
      .set('Authorization', asAuditor);
    if (res.status === 404 || res.status === 400) return undefined;
    if (res.status !== 200) {
      throw new Error(`GET events of ${uscc} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as { type: string; data: Record<string, unknown> }[];
  }

  /** How many events the agency's stream holds (0 when it does not exist). */
  async streamLength(uscc: string): Promise<number> {
    return (await this.events(uscc))?.length ?? 0;
  }
}
