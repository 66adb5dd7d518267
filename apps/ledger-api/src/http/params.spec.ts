import { BadRequestException } from '@nestjs/common';
import { ParseUsccPipe } from './params';

describe('a USCC in the path', () => {
  const pipe = new ParseUsccPipe();
  const param = { type: 'param' as const, data: 'uscc' };

  it('passes a code of the right shape, verified or not', () => {
    expect(pipe.transform('91110000802100433B', param)).toBe('91110000802100433B');
    expect(pipe.transform('91350211M00013FA1N', param)).toBe('91350211M00013FA1N');
  });

  it.each([
    ['9111000080210043', 'uscc: must be 18 characters'],
    ['91110000802100433b', "uscc: contains a character outside GB 32100's alphabet"],
  ])('refuses %s', (code, message) => {
    expect(() => pipe.transform(code, param)).toThrow(BadRequestException);
    try {
      pipe.transform(code, param);
    } catch (error) {
      expect((error as BadRequestException).getResponse()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: [message],
      });
    }
  });
});
