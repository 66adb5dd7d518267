import { HOOK_TIMEOUT_MS } from '../../../../../test/support/timeouts';
import { Body, Controller, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
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
} from './index';

/** One route per DTO, so that the document describes each. */
@Controller('bodies')
class BodiesController {
  @Post('0')
  route0(@Body() _body: RegisterAgencyDto) {}

  @Post('1')
  route1(@Body() _body: ReviewRegistrationDto) {}

  @Post('2')
  route2(@Body() _body: ChangeRegistrationDto) {}

  @Post('3')
  route3(@Body() _body: AddPersonnelDto) {}

  @Post('4')
  route4(@Body() _body: PersonnelDepartureDto) {}

  @Post('5')
  route5(@Body() _body: PersonnelStatusDto) {}

  @Post('6')
  route6(@Body() _body: AddEquipmentDto) {}

  @Post('7')
  route7(@Body() _body: ScrapEquipmentDto) {}

  @Post('8')
  route8(@Body() _body: RecordInspectionDto) {}

  @Post('9')
  route9(@Body() _body: ImposePenaltyDto) {}

  @Post('10')
  route10(@Body() _body: RecordCreditFindingDto) {}

  @Post('11')
  route11(@Body() _body: DeregisterAgencyDto) {}
}

describe('the OpenAPI document of the command bodies', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [BodiesController],
    }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    await app.init();
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
  }, HOOK_TIMEOUT_MS);

  const schema = (name: string) =>
    document.components!.schemas![name] as {
      required?: string[];
      properties: Record<string, { description?: string }>;
    };

  it.each([
    [
      'RegisterAgencyDto',
      [
        'uscc',
        'name',
        'jurisdiction',
        'category',
        'serviceTypes',
        'legalRepresentative',
        'commitment',
      ],
    ],
    ['LegalRepresentativeDto', ['name']],
    ['CommitmentDto', ['signedBy', 'signedAt']],
    ['ReviewRegistrationDto', ['outcome']],
    ['ChangeRegistrationDto', ['changes', 'changedAt']],
    ['RegistrationChangesDto', []],
    ['AddPersonnelDto', ['idNumber', 'name', 'role']],
    ['PersonnelDepartureDto', ['leftAt']],
    ['PersonnelStatusDto', ['status', 'changedAt']],
    ['AddEquipmentDto', ['name']],
    ['ScrapEquipmentDto', []],
    ['RecordInspectionDto', ['inspectedAt', 'method', 'findings']],
    ['InspectionFindingDto', ['code']],
    ['ImposePenaltyDto', ['decisionNumber', 'decidedAt', 'violationType', 'legalBasis', 'content']],
    ['RecordCreditFindingDto', ['kind', 'article', 'decidedAt']],
    ['DeregisterAgencyDto', ['reason']],
  ])('%s requires %j', (name, required) => {
    expect([...(schema(name).required ?? [])].sort()).toEqual([...required].sort());
  });

  it('describes every field', () => {
    for (const [name, value] of Object.entries(document.components!.schemas!)) {
      const properties = (value as { properties?: Record<string, { description?: string }> })
        .properties;
      if (!properties) continue; // an enum
      for (const [field, property] of Object.entries(properties)) {
        expect(`${name}.${field}: ${property.description ? 'described' : 'bare'}`).toBe(
          `${name}.${field}: described`,
        );
      }
    }
  });

  it('lets changes carry the registration fields except uscc and jurisdiction', () => {
    expect(Object.keys(schema('RegistrationChangesDto').properties).sort()).toEqual(
      [
        'name',
        'category',
        'serviceTypes',
        'legalRepresentative',
        'monitoringTypes',
        'scope',
        'addresses',
        'contact',
        'ownership',
        'cmaCertificate',
        'keyPersonnel',
      ].sort(),
    );
  });

  it('names the enums', () => {
    expect(document.components!.schemas!.Jurisdiction).toMatchObject({
      type: 'string',
      enum: ['beijing', 'chongqing', 'jiaxing', 'urumqi'],
    });
  });
});
