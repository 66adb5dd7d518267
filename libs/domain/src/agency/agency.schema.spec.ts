import { agencySchemaVersion, decodeAgencyEvent } from './agency.schema';

describe('the agency decode point: the versions of issue 10 (seed 002 §三.6)', () => {
  it('writes hires, departures, penalties and credit findings at v2', () => {
    expect(agencySchemaVersion('PersonnelJoined')).toBe(2);
    expect(agencySchemaVersion('PersonnelLeft')).toBe(2);
    expect(agencySchemaVersion('PenaltyImposed')).toBe(2);
    expect(agencySchemaVersion('CreditFindingRecorded')).toBe(2);
  });

  it('reads a v1 penalty or credit finding as one that names no conduct date (beijing-24)', () => {
    const penalty = {
      decisionNumber: '京环罚〔2026〕1号',
      decidedAt: '2026-02-11',
      violationType: 'false-report',
      legalBasis: '《生态环境监测条例》',
      content: '罚款',
    };
    expect(decodeAgencyEvent({ type: 'PenaltyImposed', schemaVersion: 1, data: penalty })).toEqual({
      type: 'PenaltyImposed',
      data: penalty,
    });
    const finding = { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-02-12' };
    expect(
      decodeAgencyEvent({ type: 'CreditFindingRecorded', schemaVersion: 1, data: finding }),
    ).toEqual({ type: 'CreditFindingRecorded', data: finding });
  });

  it('reads a v1 departure as the agency’s own: no release cause', () => {
    const data = { personId: 'p1', leftAt: '2026-02-01', proof: '离职证明' };
    expect(decodeAgencyEvent({ type: 'PersonnelLeft', schemaVersion: 1, data })).toEqual({
      type: 'PersonnelLeft',
      data,
    });
  });

  it('reads a v1 hire as one with no prior departure recorded by it', () => {
    const data = {
      personId: 'p1',
      idNumberHash: 'h1',
      idNumber: { $pii: { subject: 's', kind: 'resident-id', iv: '', ct: '', tag: '' } },
      name: '李雷',
      role: 'field-sampling',
      technical: true,
    };
    const decoded = decodeAgencyEvent({ type: 'PersonnelJoined', schemaVersion: 1, data });
    expect(decoded).toEqual({ type: 'PersonnelJoined', data });
    expect((decoded.data as { priorDeparture?: unknown }).priorDeparture).toBeUndefined();
  });
});
