import { BadRequestException, type ArgumentMetadata, type Type } from '@nestjs/common';
import {
  AddEquipmentDto,
  AddPersonnelDto,
  ChangeRegistrationDto,
  DeregisterAgencyDto,
  ImposePenaltyDto,
  PersonnelDepartureDto,
  PersonnelStatusDto,
  RecordCreditFindingDto,
  RecordInspectionDto,
  RegisterAgencyDto,
  ReviewRegistrationDto,
  ScrapEquipmentDto,
} from '../agencies/dto';
import { createValidationPipe, MAX_VALIDATION_MESSAGES } from './validation';

const pipe = createValidationPipe();

const bodyOf = (metatype: Type<unknown>): ArgumentMetadata => ({ type: 'body', metatype });

/** The DTO instance the pipe hands the controller. */
async function accept<T>(dto: Type<T>, body: unknown): Promise<T> {
  return (await pipe.transform(body, bodyOf(dto))) as T;
}

/** The messages of the 400 the pipe answers; fails the test if the body passes. */
async function reject(dto: Type<unknown>, body: unknown): Promise<string[]> {
  try {
    await pipe.transform(body, bodyOf(dto));
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const response = (error as BadRequestException).getResponse() as Record<string, unknown>;
    expect(response).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(Array.isArray(response.message)).toBe(true);
    return response.message as string[];
  }
  throw new Error(`expected ${dto.name} to refuse ${JSON.stringify(body)}`);
}

const registration = () => ({
  uscc: '91110000802100433B',
  name: '北京清源环境监测有限公司',
  jurisdiction: 'beijing',
  category: 'comprehensive',
  serviceTypes: ['public-monitoring', 'self-monitoring'],
  legalRepresentative: { name: '张伟', title: '总经理', phone: '010-12345678' },
  commitment: { signedBy: '张伟', signedAt: '2026-03-01' },
  monitoringTypes: ['testing'],
  scope: ['water', 'air', 'noise'],
  addresses: {
    registered: '北京市海淀区某路1号',
    workplace: '北京市昌平区某路2号',
    office: '同上',
  },
  contact: { phone: '+86 138 0000 0000', email: 'lab@example.cn' },
  ownership: '民营',
  cmaCertificate: {
    number: '221112340123',
    issuer: '北京市市场监督管理局',
    validUntil: '2029-12-31',
  },
  keyPersonnel: {
    technicalLead: '李娜',
    qualityLead: '王芳',
    authorisedSignatory: '刘洋',
    topManager: '张伟',
  },
  occurredAt: '2026-03-01T09:30:00+08:00',
});

/** A good body of every command DTO, and a field it requires. */
const GOOD: [Type<unknown>, Record<string, unknown>, string][] = [
  [RegisterAgencyDto, registration(), 'name'],
  [ReviewRegistrationDto, { outcome: 'returned', reason: '缺少书面承诺' }, 'outcome'],
  [
    ChangeRegistrationDto,
    { changes: { addresses: { registered: '北京市朝阳区某路3号' } }, changedAt: '2026-02-20' },
    'changedAt',
  ],
  [
    AddPersonnelDto,
    {
      idNumber: '11010519491231002X',
      name: '李娜',
      role: 'technical-management',
      technical: true,
      education: '硕士',
      title: '高级工程师',
      joinedAt: '2020-07-01',
    },
    'idNumber',
  ],
  [PersonnelDepartureDto, { leftAt: '2026-03-31', proof: '离职证明 2026-017' }, 'leftAt'],
  [PersonnelStatusDto, { status: 'non-technical', changedAt: '2026-03-01' }, 'status'],
  [
    AddEquipmentDto,
    {
      name: '气相色谱仪',
      model: 'GC-2030',
      serial: 'C1234',
      manufacturer: '岛津',
      acquiredAt: '2021-05-10',
      calibratedUntil: '2026-12-31',
    },
    'name',
  ],
  [ScrapEquipmentDto, { scrappedAt: '2026-03-01' }, ''],
  [
    RecordInspectionDto,
    {
      inspectedAt: '2026-03-01',
      method: 'on-site',
      findings: [{ code: 'record-keeping', description: '原始记录不全' }],
      authority: '北京市生态环境局',
      measures: ['written-notice', 'interview'],
    },
    'findings',
  ],
  [
    ImposePenaltyDto,
    {
      decisionNumber: '京环罚〔2026〕12号',
      decidedAt: '2026-03-01',
      violationType: 'false-report',
      legalBasis: '《中华人民共和国环境保护法》第六十五条',
      content: '罚款并责令改正',
      fineYuan: 100000.5,
      authority: '北京市生态环境局',
    },
    'legalBasis',
  ],
  [
    RecordCreditFindingDto,
    { kind: 'credit-bad', article: 'beijing-9-3', decidedAt: '2026-03-01', description: '…' },
    'article',
  ],
  [DeregisterAgencyDto, { reason: 'voluntary', occurredAt: '2026-03-01' }, 'reason'],
];

describe('the validation pipe', () => {
  describe.each(GOOD.map(([dto, good, required]) => [dto.name, dto, good, required] as const))(
    '%s',
    (_name, dto, good, required) => {
      it('accepts a good body and hands over an instance of the DTO', async () => {
        const accepted = await accept(dto, good);
        expect(accepted).toBeInstanceOf(dto);
        expect(accepted).toMatchObject(good);
      });

      it('accepts occurredAt as a date or a date-time with an offset, and refuses it without', async () => {
        await accept(dto, { ...good, occurredAt: '2026-03-01' });
        await accept(dto, { ...good, occurredAt: '2026-03-01T01:30:00Z' });
        expect(await reject(dto, { ...good, occurredAt: '2026-03-01T09:30:00' })).toEqual([
          expect.stringMatching(/^occurredAt: must be a date \(YYYY-MM-DD\) or a date-time/),
        ]);
      });

      it('refuses an unknown field, naming it', async () => {
        expect(await reject(dto, { ...good, foo: 1 })).toEqual(['foo: is not allowed']);
      });

      if (required) {
        it(`refuses a body without ${required}, with one message`, async () => {
          const body: Record<string, unknown> = { ...good };
          delete body[required];
          expect(await reject(dto, body)).toEqual([`${required}: should not be empty`]);
        });

        it(`refuses null for ${required}`, async () => {
          expect(await reject(dto, { ...good, [required]: null })).toEqual([
            `${required}: should not be empty`,
          ]);
        });
      }
    },
  );

  describe('registration', () => {
    it('names every missing required field', async () => {
      expect(await reject(RegisterAgencyDto, {})).toEqual([
        'uscc: should not be empty',
        'name: should not be empty',
        'jurisdiction: should not be empty',
        'category: should not be empty',
        'serviceTypes: should not be empty',
        'legalRepresentative: should not be empty',
        'commitment: should not be empty',
      ]);
    });

    it('names the path of a nested error', async () => {
      const body = registration();
      expect(
        await reject(RegisterAgencyDto, {
          ...body,
          legalRepresentative: { title: '总经理' },
          commitment: { signedBy: '张伟', signedAt: '2026-02-30' },
          cmaCertificate: { ...body.cmaCertificate, extra: 'x' },
        }),
      ).toEqual([
        'legalRepresentative.name: should not be empty',
        'commitment.signedAt: must be a date in YYYY-MM-DD form (a real calendar date)',
        'cmaCertificate.extra: is not allowed',
      ]);
    });

    it('refuses a wrong type with one message', async () => {
      expect(
        await reject(RegisterAgencyDto, {
          ...registration(),
          name: 42,
          serviceTypes: 'public-monitoring',
          legalRepresentative: '张伟',
          acceptUnverifiedCode: 'true',
        }),
      ).toEqual([
        'name: must be a string',
        'serviceTypes: must be an array',
        'legalRepresentative: must be an object',
        'acceptUnverifiedCode: must be true or false',
      ]);
    });

    it('does not coerce: "5" is not a number, 1 is not a string', async () => {
      expect(
        await reject(ImposePenaltyDto, { ...GOOD[9][1], fineYuan: '5', decisionNumber: 1 }),
      ).toEqual(['decisionNumber: must be a string', 'fineYuan: must be a number']);
    });

    it('refuses a value outside an enum, listing the allowed ones', async () => {
      expect(
        await reject(RegisterAgencyDto, {
          ...registration(),
          jurisdiction: 'shanghai',
          category: 'Comprehensive',
          serviceTypes: ['public-monitoring', 'consulting'],
          monitoringTypes: ['testing', 'testing'],
        }),
      ).toEqual([
        'jurisdiction: must be one of beijing, chongqing, jiaxing, urumqi',
        'category: must be one of comprehensive, radiation, automatic-om, other',
        'serviceTypes: each value must be one of public-monitoring, self-monitoring',
        'monitoringTypes: must not repeat a value',
      ]);
    });

    it('requires at least one service type', async () => {
      expect(await reject(RegisterAgencyDto, { ...registration(), serviceTypes: [] })).toEqual([
        'serviceTypes: must have at least 1 item',
      ]);
    });

    it.each([
      ['9111000080210043', 'must be 18 characters'],
      ['91110000802100433b', "contains a character outside GB 32100's alphabet"],
      ['9111A000802100433B', 'administrative division code (characters 3–8) must be digits'],
    ])('refuses the USCC %s: %s', async (uscc, reason) => {
      expect(await reject(RegisterAgencyDto, { ...registration(), uscc })).toEqual([
        `uscc: ${reason}`,
      ]);
    });

    it('verifies the check characters unless the code is explicitly taken unverified', async () => {
      const pilot = { ...registration(), uscc: '91350211M00013FA1N' };
      expect(await reject(RegisterAgencyDto, pilot)).toEqual([
        'uscc: check character does not match',
      ]);
      expect(await reject(RegisterAgencyDto, { ...pilot, acceptUnverifiedCode: false })).toEqual([
        'uscc: check character does not match',
      ]);
      await accept(RegisterAgencyDto, { ...pilot, acceptUnverifiedCode: true });
      // the shape is checked all the same
      expect(
        await reject(RegisterAgencyDto, {
          ...pilot,
          uscc: '91350211M00013FA1n',
          acceptUnverifiedCode: true,
        }),
      ).toEqual(["uscc: contains a character outside GB 32100's alphabet"]);
    });

    it('refuses blank and over-long texts, bad phones and e-mails', async () => {
      const body = registration();
      expect(
        await reject(RegisterAgencyDto, {
          ...body,
          name: '   ',
          ownership: 'x'.repeat(201),
          contact: { phone: 'call me', email: 'lab@' },
          scope: ['water', ''],
        }),
      ).toEqual([
        'name: must not be blank',
        'scope: each value must be a string that is not blank',
        'contact.phone: must be a phone number',
        'contact.email: must be an e-mail address',
        'ownership: must be at most 200 characters',
      ]);
    });

    it('refuses null for an optional field', async () => {
      expect(await reject(RegisterAgencyDto, { ...registration(), addresses: null })).toEqual([
        'addresses: must be an object',
      ]);
    });

    it.each([[[registration()]], ['uscc'], [7]])(
      'refuses a body that is not an object: %j',
      async (body) => {
        expect(await reject(RegisterAgencyDto, body)).toEqual(['body: must be a JSON object']);
      },
    );

    it('takes a missing body for an empty one', async () => {
      expect(await reject(DeregisterAgencyDto, undefined)).toEqual(['reason: should not be empty']);
    });

    it('keeps the values out of the error (personal data)', async () => {
      try {
        await pipe.transform(
          { ...registration(), legalRepresentative: { name: 7, phone: '13800000000x' } },
          bodyOf(RegisterAgencyDto),
        );
      } catch (error) {
        expect(JSON.stringify((error as BadRequestException).getResponse())).not.toContain(
          '13800000000',
        );
      }
    });
  });

  describe('dates', () => {
    it.each([
      ['2026-02-29', 'no 29 February in 2026'],
      ['2026-3-1', 'not zero-padded'],
      ['2026-03-01T09:30:00+08:00', 'a date-time where a date is asked'],
      ['20260301', 'basic format'],
    ])('refuses changedAt %s (%s)', async (changedAt) => {
      expect(await reject(PersonnelStatusDto, { status: 'non-technical', changedAt })).toEqual([
        'changedAt: must be a date in YYYY-MM-DD form (a real calendar date)',
      ]);
    });

    it.each([
      '2026-03-01',
      '2024-02-29',
      '2026-03-01T09:30+08:00',
      '2026-03-01T09:30:00.123Z',
      '2026-03-01T23:59:59-05:00',
    ])('accepts occurredAt %s', async (occurredAt) => {
      await accept(DeregisterAgencyDto, { reason: 'voluntary', occurredAt });
    });

    it.each([
      '2026-02-29T09:30:00Z',
      '2026-03-01T24:00:00Z',
      '2026-03-01T09:30:00+15:00',
      '2026-03-01T09:30:00+0800',
      '2026-03-01 09:30:00Z',
      'yesterday',
    ])('refuses occurredAt %s', async (occurredAt) => {
      expect(await reject(DeregisterAgencyDto, { reason: 'voluntary', occurredAt })).toEqual([
        expect.stringMatching(/^occurredAt: /),
      ]);
    });

    it.each(['1900-01-01', '9999-12-31', '1900-01-01T00:00:00Z', '9999-12-31T15:59:59Z'])(
      'accepts the years 1900–9999: occurredAt %s',
      async (occurredAt) => {
        await accept(DeregisterAgencyDto, { reason: 'voluntary', occurredAt });
      },
    );

    it.each([
      ['0000-06-01T00:00:00Z', 'year 0'],
      ['0001-01-01', 'year 1'],
      ['1899-12-31', 'the day before 1900'],
      ['1899-12-31T23:00:00+08:00', 'a date-time written in 1899'],
      ['9999-12-31T23:00:00-08:00', 'a date-time that is year 10000 in Asia/Shanghai'],
    ])('refuses occurredAt %s (%s) as out of range', async (occurredAt) => {
      expect(await reject(DeregisterAgencyDto, { reason: 'voluntary', occurredAt })).toEqual([
        expect.stringMatching(/^occurredAt: must be a date between 1900 and 9999 \(YYYY-MM-DD, /),
      ]);
    });

    it.each(['0000-01-01', '0001-01-01', '1899-12-31', '10000-01-01'])(
      'refuses changedAt %s, naming the years it may be in',
      async (changedAt) => {
        expect(await reject(PersonnelStatusDto, { status: 'non-technical', changedAt })).toEqual([
          expect.stringMatching(
            changedAt.length === 10
              ? /^changedAt: must be a date between 1900 and 9999 \(YYYY-MM-DD\)$/
              : /^changedAt: must be a date in YYYY-MM-DD form/,
          ),
        ]);
      },
    );

    it('accepts changedAt in 1900 and 9999', async () => {
      await accept(PersonnelStatusDto, { status: 'non-technical', changedAt: '1900-01-01' });
      await accept(PersonnelStatusDto, { status: 'non-technical', changedAt: '9999-12-31' });
    });
  });

  describe('changes', () => {
    const change = (changes: unknown, extra: Record<string, unknown> = {}) => ({
      changes,
      changedAt: '2026-02-20',
      ...extra,
    });

    it('validates each changed field as at registration', async () => {
      expect(
        await reject(
          ChangeRegistrationDto,
          change({ category: 'lab', serviceTypes: [], addresses: { office: 5 } }),
        ),
      ).toEqual([
        'changes.category: must be one of comprehensive, radiation, automatic-om, other',
        'changes.serviceTypes: must have at least 1 item',
        'changes.addresses.office: must be a string',
      ]);
    });

    it('refuses a change of uscc or jurisdiction', async () => {
      expect(
        await reject(
          ChangeRegistrationDto,
          change({ uscc: '91110108551385082Q', jurisdiction: 'chongqing', ownership: '国有' }),
        ),
      ).toEqual(['changes.uscc: cannot change', 'changes.jurisdiction: cannot change']);
    });

    it('refuses fields that are not registration fields', async () => {
      expect(
        await reject(
          ChangeRegistrationDto,
          change({
            acceptUnverifiedCode: true,
            commitment: { signedBy: 'x', signedAt: '2026-01-01' },
          }),
        ),
      ).toEqual([
        'changes.acceptUnverifiedCode: is not allowed',
        'changes.commitment: is not allowed',
      ]);
    });

    it('refuses an empty change, and null for a field', async () => {
      expect(await reject(ChangeRegistrationDto, change({}))).toEqual([
        'changes: must name at least one field that changed',
      ]);
      expect(await reject(ChangeRegistrationDto, change({ name: null }))).toEqual([
        'changes.name: should not be empty',
      ]);
      expect(await reject(ChangeRegistrationDto, change([{ name: 'x' }]))).toEqual([
        'changes: must be an object',
      ]);
    });

    it('leaves whether a commitment is needed to the decider, and validates one that is sent', async () => {
      // A new commitment is due only when the name or representative really differs from the
      // record (seed 002 §二.5): the decider's 422, not a shape check.
      await accept(ChangeRegistrationDto, change({ name: '新名称' }));
      expect(
        await reject(
          ChangeRegistrationDto,
          change({ name: '新名称' }, { commitment: { signedBy: '王强', signedAt: '2026/02/21' } }),
        ),
      ).toEqual(['commitment.signedAt: must be a date in YYYY-MM-DD form (a real calendar date)']);
      const accepted = await accept(
        ChangeRegistrationDto,
        change(
          { name: '新名称', legalRepresentative: { name: '王强' } },
          { commitment: { signedBy: '王强', signedAt: '2026-02-21' } },
        ),
      );
      expect(accepted.changes).toEqual({ name: '新名称', legalRepresentative: { name: '王强' } });
    });
  });

  describe('personnel', () => {
    it.each([
      ['11010519491231002', 'must be 18 characters'],
      ['11010519491231002x', 'must be 17 digits followed by a digit or X'],
      ['110105194902300023', 'birth date (characters 7–14) is not a real calendar date'],
      ['110105194912310021', 'check character does not match'],
    ])('refuses the ID number %s without echoing it', async (idNumber, reason) => {
      const messages = await reject(AddPersonnelDto, {
        idNumber,
        name: '李娜',
        role: 'field-testing',
      });
      expect(messages).toEqual([`idNumber: ${reason}`]);
      expect(messages.join()).not.toContain(idNumber.slice(0, 10));
    });

    it('takes a person as technical unless told otherwise', async () => {
      const person = { idNumber: '11010519491231002X', name: '李娜', role: 'field-om' };
      expect((await accept(AddPersonnelDto, person)).technical).toBe(true);
      expect((await accept(AddPersonnelDto, { ...person, technical: false })).technical).toBe(
        false,
      );
    });

    it('refuses a move to any status but non-technical', async () => {
      expect(
        await reject(PersonnelStatusDto, { status: 'active', changedAt: '2026-03-01' }),
      ).toEqual(['status: must be one of non-technical']);
    });
  });

  describe('inspections', () => {
    const inspection = GOOD[8][1];

    it('accepts an inspection that found nothing', async () => {
      await accept(RecordInspectionDto, { ...inspection, findings: [] });
    });

    it('names the index and field of a bad finding', async () => {
      expect(
        await reject(RecordInspectionDto, {
          ...inspection,
          findings: [
            { code: 'record-keeping' },
            { code: 'fraud', description: 2, note: 'x' },
            'untrue-report',
          ],
          measures: ['fine'],
        }),
      ).toEqual([
        'findings.1.note: is not allowed',
        'findings.1.code: must be one of non-standard-monitoring, sample-management, record-keeping, quality-system, capability-mismatch, untrue-report, false-report, refused-inspection, refused-rectification, other',
        'findings.1.description: must be a string',
        'findings.2: must be an object',
        'measures: each value must be one of written-notice, interview, public-notice',
      ]);
    });

    it.each([
      ['an array holding a finding', [[{ code: 'record-keeping' }]]],
      ['an empty array', [[]]],
      ['null', [null]],
      ['a number', [7]],
    ])('refuses a finding that is %s, naming its index', async (_what, findings) => {
      expect(await reject(RecordInspectionDto, { ...inspection, findings })).toEqual([
        'findings.0: must be an object',
      ]);
    });

    it('names each finding that is not an object, and validates the others', async () => {
      expect(
        await reject(RecordInspectionDto, {
          ...inspection,
          findings: [{ code: 'record-keeping' }, [], { code: 'fraud' }, [{ code: 'other' }]],
        }),
      ).toEqual([
        'findings.1: must be an object',
        expect.stringMatching(/^findings\.2\.code: must be one of /),
        'findings.3: must be an object',
      ]);
    });

    it('hands over good findings as they were sent', async () => {
      const findings = [{ code: 'record-keeping', description: '原始记录不全' }, { code: 'other' }];
      const accepted = await accept(RecordInspectionDto, { ...inspection, findings });
      expect(accepted.findings).toEqual(findings);
    });

    it('refuses too many findings', async () => {
      const findings = Array.from({ length: 101 }, () => ({ code: 'other' }));
      expect(await reject(RecordInspectionDto, { ...inspection, findings })).toEqual([
        'findings: must have at most 100 items',
      ]);
    });

    it(`reports at most ${MAX_VALIDATION_MESSAGES} messages`, async () => {
      const findings = Array.from({ length: 100 }, () => ({ code: 'bad' }));
      const messages = await reject(RecordInspectionDto, { ...inspection, findings });
      expect(messages).toHaveLength(MAX_VALIDATION_MESSAGES + 1);
      expect(messages.at(-1)).toBe('body: 50 more errors not shown');
    });
  });

  describe('penalties and credit findings', () => {
    it.each([
      [-1, 'must not be negative'],
      [0.001, 'must have at most 2 decimals'],
      [Number.MAX_VALUE, 'must be at most 1000000000000'],
    ])('refuses a fine of %p yuan', async (fineYuan, reason) => {
      expect(await reject(ImposePenaltyDto, { ...GOOD[9][1], fineYuan })).toEqual([
        `fineYuan: ${reason}`,
      ]);
    });

    it('accepts a fine of 0 and of 0.1 + 0.2 yuan', async () => {
      await accept(ImposePenaltyDto, { ...GOOD[9][1], fineYuan: 0 });
      await accept(ImposePenaltyDto, { ...GOOD[9][1], fineYuan: 0.1 + 0.2 });
    });

    it('refuses an article that is not a rule id', async () => {
      expect(
        await reject(RecordCreditFindingDto, { ...GOOD[10][1], article: 'Article 9(3)' }),
      ).toEqual(['article: must be a rule id such as beijing-9-3']);
    });
  });
});
