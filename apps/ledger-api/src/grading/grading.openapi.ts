import {
  anyObject,
  arrayOf,
  bool,
  date,
  int,
  nullable,
  num,
  objectSchema,
  str,
} from '../http/openapi';

/** The answers of the grading routes, as the OpenAPI document shows them. */
const written = {
  version: int('the stream version after the command; also the ETag'),
  position: int('global position of the last event appended'),
  eventIds: arrayOf(str(), 'the events appended (empty: nothing new)'),
};
const grade = str('A … E, ungraded, no-business or not-graded');
const decidedBy = objectSchema({ eventId: str(), position: int() }, [], 'the decision in force');
const explanation = arrayOf(
  objectSchema({ rule: str(), article: str('the article it applies'), facts: arrayOf(str()) }),
  'why: each rule applied, its article and the facts (event ids) it read',
);
const policy = objectSchema({ jurisdiction: str(), version: str() });

export const CYCLE_STARTED = objectSchema({
  cycleId: str('e.g. beijing-2025'),
  policy,
  publicityStartsOn: date(),
  publicityEndsOn: date(),
  objectionWindowEndsOn: date(),
  proposals: arrayOf(
    objectSchema({ uscc: str(), grade, score: nullable(num()), riskLevel: str() }, [
      'uscc',
      'grade',
    ]),
  ),
  ...written,
});
export const CYCLE = objectSchema(
  {
    cycleId: str(),
    status: str('in-publicity or published'),
    publishedOn: nullable(date()),
    proposals: arrayOf(anyObject()),
    objections: arrayOf(anyObject()),
    version: int(),
  },
  ['cycleId', 'status', 'proposals'],
);
const recordedReplayed = objectSchema({ recorded: nullable(date()), replayed: nullable(date()) });
export const CYCLE_REPLAY = objectSchema({
  cycleId: str(),
  calendar: nullable(anyObject('the calendar versions the decisions recorded, by year')),
  publicityEndsOn: recordedReplayed,
  objectionWindowEndsOn: recordedReplayed,
  objections: arrayOf(
    objectSchema({
      objectionId: str(),
      recorded: nullable(date()),
      replayed: nullable(date()),
      calendar: nullable(anyObject()),
    }),
  ),
  matches: bool('every recomputed date equals the recorded one'),
});
export const CYCLE_PUBLISHED = objectSchema({
  cycleId: str(),
  publishedOn: date(),
  grades: arrayOf(objectSchema({ uscc: str(), grade })),
  ...written,
});
export const OBJECTION_FILED = objectSchema({
  uscc: str(),
  cycleId: str(),
  objectionId: str(),
  reviewDueOn: nullable(date('null while the calendar of that year is not recorded')),
  ...written,
});
export const OBJECTION_DECIDED = objectSchema({
  uscc: str(),
  cycleId: str(),
  objectionId: str(),
  revised: nullable(anyObject('the revised proposal, when upheld with a new score')),
  ...written,
});
export const AGENCY_WRITTEN = objectSchema({ uscc: str(), ...written });
export const UPGRADE_REQUESTED = objectSchema({ uscc: str(), currentGrade: grade, ...written });
export const REPAIR_WRITTEN = objectSchema({ uscc: str(), repairId: str(), ...written });
export const FULFILMENT_WRITTEN = objectSchema({ uscc: str(), penaltyEventId: str(), ...written });
export const GRADE = objectSchema(
  {
    uscc: str(),
    asOf: date(),
    knownAt: str('ISO instant'),
    grade,
    score: nullable(num()),
    riskLevel: str('low, medium or high where the policy has one (Jiaxing)'),
    policy,
    effectiveFrom: nullable(date()),
    decidedBy: nullable(decidedBy),
    explanation,
  },
  ['uscc', 'asOf', 'knownAt', 'grade'],
);
export const GRADE_HISTORY = objectSchema({
  uscc: str(),
  knownAt: str(),
  periods: arrayOf(
    objectSchema(
      {
        grade,
        score: nullable(num()),
        riskLevel: str(),
        from: date(),
        to: nullable(date('null while in force')),
        cause: str(),
        decidedBy,
        policy,
        explanation,
      },
      ['grade', 'from', 'to', 'cause'],
    ),
  ),
});
export const CREDIT_RECORD = objectSchema(
  {
    uscc: str(),
    asOf: date(),
    knownAt: str(),
    records: arrayOf(
      objectSchema(
        {
          eventId: str(),
          kind: str(),
          summary: anyObject(),
          displayed: bool(),
          displayUntil: nullable(date('公示截止期')),
          recordedIn: str('the jurisdiction that recorded it'),
        },
        ['eventId', 'kind'],
      ),
    ),
  },
  ['uscc', 'records'],
);
export const REPLAY = objectSchema({
  recomputed: anyObject('the grade recomputed from the raw facts'),
  recorded: anyObject('the grade the ledger recorded'),
  match: bool(),
});
export const APPLICATION_FILED = objectSchema({
  uscc: str(),
  applicationId: str(),
  delistedOn: nullable(date()),
  barredUntil: nullable(date()),
  ...written,
});
export const APPLICATION_DECIDED = objectSchema({
  uscc: str(),
  applicationId: str(),
  outcome: str('approved or rejected'),
  ...written,
});
