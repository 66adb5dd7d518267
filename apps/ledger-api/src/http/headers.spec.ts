import { BadRequestException } from '@nestjs/common';
import {
  IDEMPOTENCY_KEY_MESSAGE,
  IF_MATCH_MESSAGE,
  parseIdempotencyKey,
  parseIfMatch,
  versionETag,
} from './headers';

function refusal(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse();
  }
  throw new Error('expected a 400');
}

describe('If-Match: the stream version the writer read', () => {
  it('is absent when not sent', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it.each([
    ['5', 5],
    ['"5"', 5],
    ['W/"5"', 5],
    [' 12 ', 12],
    ['0', 0],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    [['"7"'], 7],
  ])('reads %j as %d', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it('reads back the ETag of an answer', () => {
    expect(parseIfMatch(versionETag(42))).toBe(42);
  });

  it.each([
    '',
    '*',
    '-1',
    '5.0',
    '05',
    'five',
    '"5',
    'W/5',
    'w/"5"',
    '"5", "6"',
    '9007199254740992',
    '"abc123"',
  ])('refuses %j', (header) => {
    expect(refusal(() => parseIfMatch(header))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [IF_MATCH_MESSAGE],
    });
  });

  it('refuses a header sent twice', () => {
    expect(refusal(() => parseIfMatch(['5', '6']))).toMatchObject({ message: [IF_MATCH_MESSAGE] });
  });

  it('names the header', () => {
    expect(IF_MATCH_MESSAGE).toBe('If-Match: must be a stream version such as 5');
  });
});

describe('Idempotency-Key', () => {
  it('is absent when not sent', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each(['a', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'import 2026/03 #1', 'k'.repeat(200)])(
    'takes %j as sent',
    (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    },
  );

  it.each(['', '   ', 'k'.repeat(201), 'clé', '键', 'tab\there', 'line\nbreak'])(
    'refuses %j',
    (key) => {
      expect(refusal(() => parseIdempotencyKey(key))).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [IDEMPOTENCY_KEY_MESSAGE],
      });
    },
  );

  it('names the header', () => {
    expect(IDEMPOTENCY_KEY_MESSAGE).toMatch(/^Idempotency-Key: /);
  });
});
