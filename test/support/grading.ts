import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { organisationCodeCheckCharacter, usccCheckCharacter } from '@ledger/domain';
import { actors, bearer, registrationBody } from './app';

const DIVISION = { beijing: '110105', chongqing: '500103', jiaxing: '330402' } as const;

/** A fresh valid USCC of a jurisdiction (GB 32100 check characters computed). */
export function newUscc(jurisdiction: keyof typeof DIVISION): string {
  const org8 = randomBytes(4).readUInt32BE(0).toString().padStart(8, '0').slice(-8);
  const first17 = `91${DIVISION[jurisdiction]}${org8}${organisationCodeCheckCharacter(org8)}`;
  return first17 + usccCheckCharacter(first17);
}

export const regulatorOf = (jurisdiction: 'beijing' | 'chongqing' | 'jiaxing') =>
  bearer({ sub: `reg-${jurisdiction}`, role: 'regulator', jurisdiction });

/** Registers and approves an agency with valid time early in 2025; answers its USCC. */
export async function approvedAgency(
  http: App,
  jurisdiction: 'beijing' | 'chongqing' | 'jiaxing',
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const uscc = newUscc(jurisdiction);
  const regulator = regulatorOf(jurisdiction);
  await request(http)
    .post('/api/v1/agencies')
    .set('Authorization', bearer(actors.agency(uscc)))
    .send({
      ...registrationBody(uscc, {
        jurisdiction,
        name: `${jurisdiction}监测${uscc.slice(10, 14)}`,
        commitment: { signedBy: '王明', signedAt: '2025-01-06' },
      }),
      occurredAt: '2025-01-06',
      ...overrides,
    })
    .expect(201);
  await request(http)
    .post(`/api/v1/agencies/${uscc}/review`)
    .set('Authorization', regulator)
    .send({ outcome: 'approved', occurredAt: '2025-01-08' })
    .expect(201);
  return uscc;
}

export async function assess(
  http: App,
  uscc: string,
  jurisdiction: 'beijing' | 'chongqing' | 'jiaxing',
  body: Record<string, unknown>,
) {
  await request(http)
    .post(`/api/v1/agencies/${uscc}/assessments`)
    .set('Authorization', regulatorOf(jurisdiction))
    .send({ year: 2025, occurredAt: '2026-01-05', ...body })
    .expect(201);
}
