import { anyObject, arrayOf, bool, date, int, nullable, objectSchema, str } from '../http/openapi';

/** The answers of the registry and ledger routes, as the OpenAPI document shows them. */
export const REGISTRY_ENTRY = objectSchema(
  {
    uscc: str(),
    status: str('pending-review, registered or deregistered'),
    name: str(),
    jurisdiction: str(),
    category: str(),
    grade: nullable(str('the grade in force: A … E, ungraded, no-business or not-graded')),
    deregisteredOn: date('a deregistered agency: only uscc, status and this'),
    pendingChange: anyObject('a key change under review: shown to its regulator and the agency'),
    directory: objectSchema(
      { listed: bool(), delistedOn: nullable(date()), barredUntil: nullable(date()) },
      ['listed'],
      'Chongqing: the directory standing (chongqing-20)',
    ),
  },
  ['uscc', 'status'],
);
export const REGISTRY_PAGE = objectSchema({
  items: arrayOf(REGISTRY_ENTRY),
  page: int(),
  pageSize: int(),
  total: int(),
});
export const STREAM_EVENTS = arrayOf(
  objectSchema({
    eventId: str(),
    type: str(),
    version: int(),
    position: int(),
    occurredAt: str('valid time: when it happened in the world'),
    recordedAt: str('system time: when the ledger recorded it'),
    actor: str(),
    data: anyObject('personal data masked unless the caller may see it (ADR 005)'),
    metadata: anyObject(),
    hash: str(),
    prevHash: nullable(str()),
  }),
  'one page of the stream; Link rel="next" names the next page',
);
export const VERIFY_REPORT = objectSchema(
  {
    ok: bool(),
    streams: int(),
    events: int(),
    firstBadEvent: objectSchema({
      eventId: str(),
      streamId: str(),
      version: int(),
      position: int(),
      reason: str(),
    }),
  },
  ['ok', 'streams', 'events'],
);
export const READINESS = objectSchema(
  {
    status: str('ready or not-ready'),
    headPosition: nullable(int()),
    maxLag: int(),
    error: str(),
    projections: arrayOf(
      objectSchema({
        name: str(),
        position: int(),
        leader: bool(),
        lastError: nullable(anyObject()),
        lag: nullable(int()),
      }),
    ),
  },
  ['status', 'headPosition', 'maxLag', 'projections'],
);
export const CALENDAR_YEAR = objectSchema({
  year: int(),
  version: int('0: built in'),
  builtIn: bool(),
  source: objectSchema({ notice: str(), issuedOn: date() }),
  holidays: arrayOf(date()),
  makeupWorkdays: arrayOf(date()),
  recordedAt: nullable(str()),
});
export const CALENDAR_RECORDED = objectSchema({
  year: int(),
  version: int(),
  position: int(),
  eventIds: arrayOf(str()),
});
