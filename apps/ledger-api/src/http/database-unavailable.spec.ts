import { toApiError } from './exception.filter';
import { isDatabaseUnavailable } from './database-unavailable';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('a lost database connection', () => {
  it.each([
    pgError('57P01', 'terminating connection due to administrator command'),
    pgError('57P02'),
    pgError('57P03', 'the database system is starting up'),
    pgError('08006'),
    pgError('08P01'),
    pgError('ECONNRESET'),
    pgError('ECONNREFUSED'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('timeout exceeded when trying to connect'),
    Object.assign(new Error('Query failed'), { driverError: pgError('57P01') }),
    new Error('wrapped', { cause: new Error('Connection terminated') }),
  ])('is recognised: %s', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    pgError('23505', 'duplicate key value violates unique constraint'),
    pgError('22P02'),
    new Error('something else'),
    'Connection terminated',
    null,
  ])('is not confused with other errors: %s', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('answers 503 with Retry-After, never 500', () => {
    const answer = toApiError(pgError('57P01', 'terminating connection'));
    expect(answer).toMatchObject({
      status: 503,
      unexpected: false,
      headers: { 'Retry-After': '1' },
      body: { statusCode: 503, error: 'Service Unavailable' },
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/terminating/);
  });
});
