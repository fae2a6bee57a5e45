/** The wave-table queries the API (routes.ts) and the pages (pages.ts) share: parameters as the service takes them. */
import type { Static } from '@sinclair/typebox';
import type { SeriesQuery, TablesQuery, TextsQuery } from './schemas.ts';
import type { Tabulation } from './tabulate.ts';
import { withThemes, type Themes } from './themes.ts';
import type { WaveTablesService } from './wave-tables.ts';

export const waveIds = (s: string) => s.split(',').map(Number);
export const fileName = (t: Tabulation, ids: number[], ext: string) =>
  `survey-tables-${t.survey.code}-waves-${ids.join('-')}.${ext}`;
export const tablesQuery = (q: Static<typeof TablesQuery>) => ({
  waves: waveIds(q.waves),
  by: q.by,
  holm: q.holm,
  continuityCorrection: q.continuityCorrection,
});
export const themesOf = (themes: string[] | string) => (Array.isArray(themes) ? themes : themes.split(','));

/** Free-text answers to one question with the themes tagged on each. */
export async function textsWithThemes(tables: WaveTablesService, themes: Themes, q: Static<typeof TextsQuery>) {
  const t = await tables.texts(waveIds(q.waves), q.question);
  return withThemes(
    t,
    await themes.themesOf(
      q.question,
      t.answers.map((a) => a.responseId),
    ),
  );
}

/** One measure across waves. */
export const seriesOf = (tables: WaveTablesService, q: Static<typeof SeriesQuery>) =>
  tables.series({ waves: waveIds(q.waves), holm: q.holm }, q.question, q.answer);
