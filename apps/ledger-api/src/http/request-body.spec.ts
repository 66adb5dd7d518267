import { BadRequestException, HttpException } from '@nestjs/common';
import {
  bodyShapeProblems,
  checkBodyShape,
  convertBodyParserErrors,
  isPrototypeKey,
  MAX_BODY_ARRAY_ITEMS,
  MAX_BODY_DEPTH,
  MAX_BODY_OBJECT_KEYS,
  MAX_BODY_VALUES,
  untypedBodyParserException,
} from './request-body';
import { MAX_VALIDATION_MESSAGES } from './validation';

/** `depth` arrays, one in the other: `[[[]]]` is 3. */
function nestedArrays(depth: number): unknown {
  let value: unknown[] = [];
  for (let level = 1; level < depth; level += 1) value = [value];
  return value;
}

describe('bodyShapeProblems', () => {
  it('names the JSON path of every text with a character no text may carry', () => {
    expect(
      bodyShapeProblems({
        name: 'a\u0000',
        legalRepresentative: { name: '\ud800' },
        findings: [{ description: 'ok' }, { description: '\u202e' }],
        scope: ['water', '\u0007'],
      }),
    ).toEqual([
      'name: must not contain the NUL character (U+0000)',
      'legalRepresentative.name: must be valid Unicode: unpaired surrogate U+D800',
      'findings.1.description: must not contain bidirectional override characters (U+202E)',
      'scope.1: must not contain control characters (U+0007)',
    ]);
    expect(bodyShapeProblems({ 'a\u0000b': 1 })).toEqual(['a?b: is not allowed']);
  });

  it('bounds the keys of an object, the items of an array and the values of the body', () => {
    const keys = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(bodyShapeProblems(keys(MAX_BODY_OBJECT_KEYS))).toEqual([]);
    expect(bodyShapeProblems({ changes: keys(MAX_BODY_OBJECT_KEYS + 1) })).toEqual([
      `changes: must have at most ${MAX_BODY_OBJECT_KEYS} keys`,
    ]);
    expect(bodyShapeProblems({ holidays: new Array(MAX_BODY_ARRAY_ITEMS).fill('x') })).toEqual([]);
    expect(bodyShapeProblems({ holidays: new Array(MAX_BODY_ARRAY_ITEMS + 1).fill('x') })).toEqual([
      `holidays: must have at most ${MAX_BODY_ARRAY_ITEMS} items`,
    ]);
    const wide = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`o${i}`, keys(MAX_BODY_OBJECT_KEYS - 1)]),
    );
    expect(bodyShapeProblems(wide)).toEqual([
      `body: must hold at most ${MAX_BODY_VALUES} keys and array items in all`,
    ]);
  });

  it('finds nothing wrong with an ordinary body, or with no body', () => {
    expect(
      bodyShapeProblems({
        changes: { addresses: { registered: '北京市' }, category: 'other' },
        findings: [{ code: 'record-keeping' }],
        measures: ['written-notice'],
      }),
    ).toEqual([]);
    expect(bodyShapeProblems(undefined)).toEqual([]);
    expect(bodyShapeProblems(null)).toEqual([]);
    expect(bodyShapeProblems('text')).toEqual([]);
  });

  it(`accepts ${MAX_BODY_DEPTH} levels, the body being the first`, () => {
    expect(bodyShapeProblems(nestedArrays(MAX_BODY_DEPTH))).toEqual([]);
    expect(bodyShapeProblems({ x: nestedArrays(MAX_BODY_DEPTH - 1) })).toEqual([]);
  });

  it(`refuses ${MAX_BODY_DEPTH + 1} levels`, () => {
    expect(bodyShapeProblems(nestedArrays(MAX_BODY_DEPTH + 1))).toEqual([
      'body: nested deeper than 32 levels',
    ]);
    expect(bodyShapeProblems({ x: nestedArrays(MAX_BODY_DEPTH) })).toEqual([
      'body: nested deeper than 32 levels',
    ]);
  });

  it('walks a body far deeper than the call stack goes, without recursing', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`) as unknown;
    expect(bodyShapeProblems(deep)).toEqual(['body: nested deeper than 32 levels']);
    expect(bodyShapeProblems(nestedArrays(200_000))).toEqual([
      'body: nested deeper than 32 levels',
    ]);
  });

  it("refuses keys of Object.prototype, JSON.parse's own __proto__ included, naming their path", () => {
    const body = JSON.parse(
      '{"__proto__":{"x":1},"changes":{"__proto__":{"category":"lab"},"constructor":{}},' +
        '"findings":[{"code":"other","toString":"x"}],"prototype":1,"valueOf":2}',
    ) as unknown;
    // The keys of an object before those of the objects in it.
    expect(bodyShapeProblems(body)).toEqual([
      '__proto__: is not allowed',
      'prototype: is not allowed',
      'valueOf: is not allowed',
      'changes.__proto__: is not allowed',
      'changes.constructor: is not allowed',
      'findings.0.toString: is not allowed',
    ]);
  });

  it('cuts a long or unprintable key in the path', () => {
    const body = { ['k'.repeat(100)]: { 'a\nb': { constructor: 1 } } };
    expect(bodyShapeProblems(body)).toEqual([`${'k'.repeat(64)}….a?b.constructor: is not allowed`]);
  });

  it(`reports at most ${MAX_VALIDATION_MESSAGES} keys`, () => {
    const body = Object.fromEntries(
      Array.from({ length: 60 }, (_item, index) => [`x${index}`, { constructor: 1 }]),
    );
    const problems = bodyShapeProblems(body);
    expect(problems).toHaveLength(MAX_VALIDATION_MESSAGES + 1);
    expect(problems[0]).toBe('x0.constructor: is not allowed');
    expect(problems.at(-1)).toBe('body: 10 more errors not shown');
  });

  it('tells keys of Object.prototype from others', () => {
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'isPrototypeOf']) {
      expect(isPrototypeKey(key)).toBe(true);
    }
    for (const key of ['name', 'proto', 'Constructor', '0', '']) {
      expect(isPrototypeKey(key)).toBe(false);
    }
  });
});

describe('checkBodyShape', () => {
  const run = (body: unknown): unknown => {
    const next = jest.fn();
    checkBodyShape({ body } as never, {} as never, next);
    expect(next).toHaveBeenCalledTimes(1);
    return next.mock.calls[0][0];
  };

  it('passes a good body on', () => {
    expect(run({ reason: 'voluntary' })).toBeUndefined();
    expect(run(undefined)).toBeUndefined();
  });

  it('refuses a bad one with a 400 in the API shape', () => {
    const error = run({ constructor: {} }) as HttpException;
    expect(error).toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(400);
    expect(error.getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['constructor: is not allowed'],
    });
  });
});

describe('body-parser errors without a type', () => {
  const zlibError = () =>
    Object.assign(new Error('incorrect header check'), {
      code: 'Z_DATA_ERROR',
      errno: -3,
      status: 400,
      statusCode: 400,
      expose: true,
    });

  it('answers one with a 4xx status with 400 naming the body', () => {
    expect(untypedBodyParserException(zlibError())?.getResponse()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['body: could not be decompressed as its Content-Encoding says'],
    });
    const other = Object.assign(new Error('bad'), { status: 404 });
    expect(untypedBodyParserException(other)?.getResponse()).toMatchObject({
      statusCode: 400,
      message: ['body: could not be read'],
    });
  });

  it('leaves alone errors without a 4xx status, and HttpExceptions', () => {
    expect(untypedBodyParserException(new Error('boom'))).toBeUndefined();
    expect(untypedBodyParserException(Object.assign(new Error('x'), { status: 500 }))).toBe(
      undefined,
    );
    expect(untypedBodyParserException(new BadRequestException('x'))).toBeUndefined();
    expect(untypedBodyParserException('text')).toBeUndefined();
  });

  it('are converted by convertBodyParserErrors, which passes HttpExceptions on as they are', () => {
    const next = jest.fn();
    convertBodyParserErrors(zlibError(), {} as never, {} as never, next);
    expect((next.mock.calls[0][0] as HttpException).getStatus()).toBe(400);

    const refused = new HttpException({ statusCode: 415, message: ['x'] }, 415);
    convertBodyParserErrors(refused, {} as never, {} as never, next);
    expect(next.mock.calls[1][0]).toBe(refused);

    const unexpected = new Error('boom');
    convertBodyParserErrors(unexpected, {} as never, {} as never, next);
    expect(next.mock.calls[2][0]).toBe(unexpected);
  });
});
