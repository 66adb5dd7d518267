import { forbiddenCharacter, lineBreakOrTab, queryProblems } from './text';

describe('forbiddenCharacter', () => {
  it.each([
    ['北京环测科技有限公司'],
    ['emoji 😀 (a surrogate pair)'],
    ['prose\nwith lines\r\nand\ttabs'],
    ['=HYPERLINK("x")'], // a formula is text; the CSV export neutralises it
    ['‎left-to-right mark U+200E'],
    [''],
  ])('accepts %j', (text) => {
    expect(forbiddenCharacter(text)).toBeUndefined();
  });

  it.each([
    ['a\u0000b', 'must not contain the NUL character (U+0000)'],
    ['\ud800', 'must be valid Unicode: unpaired surrogate U+D800'],
    ['x\udbff', 'must be valid Unicode: unpaired surrogate U+DBFF'],
    ['\udc00\ud800', 'must be valid Unicode: unpaired surrogate U+DC00'],
    ['\u0007', 'must not contain control characters (U+0007)'],
    ['\u001b[31m', 'must not contain control characters (U+001B)'],
    ['\u007f', 'must not contain control characters (U+007F)'],
    ['\u0085', 'must not contain control characters (U+0085)'],
    ['\u009f', 'must not contain control characters (U+009F)'],
    ['\u202a', 'must not contain bidirectional override characters (U+202A)'],
    ['\u202e', 'must not contain bidirectional override characters (U+202E)'],
    ['\u2066', 'must not contain bidirectional override characters (U+2066)'],
    ['\u2069', 'must not contain bidirectional override characters (U+2069)'],
  ])('refuses %j', (text, said) => {
    expect(forbiddenCharacter(text)).toBe(said);
  });
});

describe('lineBreakOrTab', () => {
  it('names the first tab or line break of a single-line text', () => {
    expect(lineBreakOrTab('北京 环测')).toBeUndefined();
    expect(lineBreakOrTab('a\tb\n')).toBe('must be on one line, without tabs (U+0009)');
    expect(lineBreakOrTab('a\r\n')).toBe('must be on one line, without tabs (U+000D)');
  });
});

describe('queryProblems', () => {
  it('names each parameter, nested and repeated ones included', () => {
    expect(queryProblems({ q: '环测', page: '2' })).toEqual([]);
    expect(queryProblems({ q: 'a\u0000', status: ['ok', '\u202e'] })).toEqual([
      'q: must not contain the NUL character (U+0000)',
      'status.1: must not contain bidirectional override characters (U+202E)',
    ]);
    expect(queryProblems({ 'a\u0000': 'x' })).toEqual([
      'query: a parameter name must not contain the NUL character (U+0000)',
    ]);
    expect(queryProblems('\u0000', 'uscc')).toEqual([
      'uscc: must not contain the NUL character (U+0000)',
    ]);
  });
});
