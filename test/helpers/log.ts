/** A logger that keeps its lines (parsed) for a test to read, at info level and above. */
import { pino, type Logger } from 'pino';

export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const keep = (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>);
  const logger = pino({ level: 'info' }, { write: keep });
  return { logger, lines };
}
