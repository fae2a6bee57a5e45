/** Free-text themes: the table and all its SQL. */
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../../../platform/db.ts';

export interface SurveyTextThemesTable {
  id: Generated<number>;
  response_id: number;
  question: string;
  theme: string;
  tagged_by: string | null;
  tagged_at: string;
}
export interface SurveyThemesTables {
  survey_text_themes: SurveyTextThemesTable;
}

type K = Kysely<Database>;
export const themesRepository = {
  forResponses: (k: K, question: string, responseIds: number[]) =>
    responseIds.length === 0
      ? Promise.resolve([])
      : k
          .selectFrom('survey_text_themes')
          .select(['response_id', 'theme'])
          .where('question', '=', question)
          .where('response_id', 'in', responseIds)
          .orderBy('theme')
          .execute(),
  responseExists: async (k: K, id: number) =>
    (await k.selectFrom('survey_responses').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
  clear: (k: K, responseId: number, question: string) =>
    k.deleteFrom('survey_text_themes').where('response_id', '=', responseId).where('question', '=', question).execute(),
  insert: (
    k: K,
    rows: Array<{ response_id: number; question: string; theme: string; tagged_by: string; tagged_at: string }>,
  ) =>
    rows.length === 0
      ? Promise.resolve()
      : k
          .insertInto('survey_text_themes')
          .values(rows)
          .execute()
          .then(() => undefined),
};

// This module's tables join the one schema Kysely sees (platform/db.ts declares it empty; each module adds its own).
declare module '../../../platform/db.ts' {
  interface Database extends SurveyThemesTables {}
}
