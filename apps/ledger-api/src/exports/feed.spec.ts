import { formatCursor, parseCursor } from './feed';

describe('the position an export reaches, as since takes it', () => {
  it('reads <position>@<asOf> and 0, and writes it back the same', () => {
    expect(parseCursor('1234@2026-11-30')).toEqual({ position: 1234, asOf: '2026-11-30' });
    expect(formatCursor(parseCursor('1234@2026-11-30')!)).toBe('1234@2026-11-30');
    expect(parseCursor('0')).toEqual({ position: 0, asOf: '1900-01-01' });
  });

  it('refuses what no export answers: a bare number, a date, an impossible day, year 0, a leading zero', () => {
    for (const value of [
      '12',
      '2026-11-30',
      '3@2026-02-30',
      '3@0000-01-01',
      '012@2026-11-30',
      '1@2026-11-30x',
      '',
    ])
      expect(parseCursor(value)).toBeNull();
  });
});
