/** The surveys part of `npm run bench` (issue 5): tables, raking and, per dialect, page submissions over HTTP. */
import type { Db } from '../src/platform/db.ts';
import { benchSurveyTables } from './survey-tables.ts';
import { benchRaking } from './surveys.ts';
import { benchSubmissions } from './survey-submit.ts';

export async function surveysBench(
  dialects: string[],
  freshDb: (dialect: string, name: string) => Promise<{ db: Db; url: string; drop: () => Promise<void> }>,
  httpSeconds: number,
  log: (s: string) => void,
) {
  const tables = await benchSurveyTables();
  log(
    `surveys: ${tables.respondents.toLocaleString('en-GB')} respondents × ${tables.questions} questions, ${tables.waves} waves: tabulate ${tables.tabulateSeconds} s (${tables.comparisons} comparisons), checking the responses ${tables.checkSeconds} s, whole command from a ${tables.csvMegabytes} MB CSV ${tables.fromCsvSeconds} s`,
  );
  const raking = await benchRaking();
  log(
    `surveys: raking ${raking.respondents.toLocaleString('en-GB')} respondents on ${raking.variables} variables: median ${raking.seconds} s`,
  );
  const submissions: Record<string, unknown> = {};
  for (const d of dialects) {
    const r = await benchSubmissions(d, { seconds: httpSeconds, freshDb, log });
    log(`surveys ${d}: ${r.requestsPerSecond} page submissions/s`);
    submissions[d] = { ...r, target: 'at least 300 page submissions per second' };
  }
  return {
    tables: { ...tables, target: 'tabulate under 2 seconds' },
    raking: { ...raking, target: 'under 1 second' },
    submissions,
  };
}
