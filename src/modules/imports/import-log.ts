import type { Logger } from '../../platform/logger.ts';
import type { ImportSummary } from './summary.ts';

/** Problems named in the log line of a rejected import (file:line messages about public data); the rest counted. */
const PROBLEMS_LOGGED = 3;

/** The counts of a summary for a log line (no file contents, no values; pino leaves out the absent ones). */
function countsOf(s: ImportSummary) {
  const { observations, metrics, skipped, geography, boundaries, groups } = s;
  return { observations, metrics, skipped, geography, boundaries, groups };
}

/** One info line for how an import ended (the logger carries the adapter and, from the CLI, the command). */
export function logOutcome(log: Logger, s: ImportSummary): void {
  switch (s.state) {
    case 'published':
      log.info({ importId: s.importId, ...countsOf(s) }, 'import published');
      return;
    case 'draft':
      log.info({ importId: s.importId, ...countsOf(s) }, 'import held as a draft');
      return;
    case 'dry-run':
      log.info(countsOf(s), 'import dry run: rolled back, nothing written');
      return;
    case 'unchanged':
      log.info(countsOf(s), 'import changed nothing: rolled back');
      return;
    case 'rejected': {
      const first = s.errors.slice(0, PROBLEMS_LOGGED).map((e) => `${e.at.file}:${e.at.line}: ${e.message}`);
      log.info({ problems: s.errorCount, first }, 'import rolled back for problems');
      return;
    }
  }
}
