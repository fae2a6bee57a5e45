import { describe, expect, it } from 'vitest';
import { databaseUnavailable, isDatabaseUnavailable } from './db-errors.ts';
import { AppError } from './errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const sqliteError = (message: string, errcode: number) =>
  Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode });

describe('isDatabaseUnavailable', () => {
  it('knows a connection refused, reset or timed out, and pg and pg-pool saying so', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    }
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    }
  });

  it('knows PostgreSQL shutting down, starting, connection exceptions and the statement and lock timeouts', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '57014', '55P03', '53300', '40P01', '40001']) {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
    }
  });

  it('knows SQLite busy or locked, by result code or by message', () => {
    const busy = sqliteError('database is locked', 5);
    const lockedShared = sqliteError('database table is locked', 6 | (1 << 8));
    const busySnapshot = sqliteError('busy', 5 | (2 << 8));
    expect([busy, lockedShared, busySnapshot].map((e) => isDatabaseUnavailable(e))).toEqual([true, true, true]);
    expect(isDatabaseUnavailable(new Error('reading observations in a worker: database is locked'))).toBe(true);
  });

  it('looks through causes and aggregate errors', () => {
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('ECONNREFUSED') }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([new Error('a'), withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('leaves alone errors of the request or of our code', () => {
    const constraint = sqliteError('UNIQUE constraint failed', 2067);
    for (const e of [
      new Error('boom'),
      withCode('23505'), // unique_violation
      withCode('42P01'), // undefined_table
      constraint,
      new AppError(404, 'not-found', 'Connection terminated unexpectedly'),
      null,
      'ECONNREFUSED',
    ]) {
      expect(isDatabaseUnavailable(e)).toBe(false);
    }
  });

  it('makes a 503 database-unavailable problem with a Retry-After', () => {
    const p = databaseUnavailable();
    expect([p.status, p.code, p.headers['retry-after']]).toEqual([503, 'database-unavailable', '5']);
  });
});
