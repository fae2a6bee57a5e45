import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One pino logger for the process; request loggers are children carrying the request id. The server logs to
 * standard output; the command line to standard error (`stderr`), so that its own output (CSV, JSON) stays clean.
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino({ level, base: { service: 'sli' } }, pino.destination(to === 'stderr' ? 2 : 1));
}
