/**
 * Which errors mean "the database cannot answer just now" rather than "this request or our code is wrong": the
 * connection was refused, lost or timed out, the server is shutting down or starting, a statement or a lock wait ran
 * past its timeout, or (SQLite) another process holds the write lock beyond the busy timeout. The app answers them
 * with 503 database-unavailable and a Retry-After; the next request, once the database answers, succeeds.
 */
import { AppError } from './errors.ts';

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** Socket errors of a connection refused, reset, cut or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: 57P01 admin_shutdown (also pg_terminate_backend), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up or in recovery), 57014 query_canceled (statement_timeout), 55P03
 * lock_not_available (lock_timeout), 53300 too_many_connections, 40P01 deadlock_detected and 40001
 * serialization_failure (the transaction was rolled back whole; trying again succeeds). Class 08 (connection
 * exceptions) is matched below.
 */
const PG_CODES = new Set(['57P01', '57P02', '57P03', '57014', '55P03', '53300', '40P01', '40001']);

/** pg's and pg-pool's own messages for a connection that broke, closed under it, or could not be had in time. */
const PG_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  // Kysely's, for a request still running when the service shuts down and closes its database.
  'driver has already been destroyed',
];

/** SQLite's result codes SQLITE_BUSY (5) and SQLITE_LOCKED (6), extended codes included (the low byte). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
/** The same as text, for errors passed on as a message only (the observations reader's worker thread). */
const SQLITE_MESSAGE = /database is locked|database table is locked|database is busy/i;

function matches(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const { code, errcode, message } = e as { code?: unknown; errcode?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || PG_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    const primary = errcode & 0xff;
    if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) return true;
  }
  if (typeof message === 'string') {
    if (PG_MESSAGES.some((m) => message.startsWith(m)) || SQLITE_MESSAGE.test(message)) return true;
  }
  return false;
}

/** True when the error, or one it wraps (cause, AggregateError), says the database is unavailable or busy. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5 || !err || typeof err !== 'object' || err instanceof AppError) return false;
  if (matches(err)) return true;
  const { cause, errors } = err as { cause?: unknown; errors?: unknown };
  if (cause !== undefined && isDatabaseUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x, depth + 1));
}

/** The problem a request answers when the database is unavailable: 503 with a Retry-After. */
export function databaseUnavailable(): AppError {
  return new AppError(
    503,
    'database-unavailable',
    `The database is unavailable or busy just now. Try again in ${RETRY_AFTER_SECONDS} seconds.`,
    [],
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
