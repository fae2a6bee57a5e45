/**
 * Surveys: questionnaire definitions (definition/), fielding (waves, frames, links, respondents' pages, response
 * rates, raw responses for analysts) and analysis (analysis/).
 */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createSurveyCache } from './cache.ts';
import { createFrames } from './frames.ts';
import { surveyPagesRoutes } from './pages.ts';
import { createRespond } from './respond.ts';
import { surveysRoutes } from './routes.ts';
import { createSurveysService } from './service.ts';
import { surveyTablesRoutes } from './tables-routes.ts';
import { createThemes } from './themes.ts';
import { createWaveTables } from './wave-tables.ts';

export { createSurveyCache, type SurveyCache } from './cache.ts';
export { createSurveysService, answerCells, RESPONSE_META_COLUMNS, RESPONSE_DETAIL_COLUMNS, type SurveysService, type WaveDto, type WaveInput, type ResponseRates, type RateLine, type ResponsesTable, type DefinitionSummary, type DefinitionDetail } from './service.ts';
export { createFrames, hashToken, TOKEN_BYTES, type Frames, type FrameInput, type FrameMemberDto, type LinkRow } from './frames.ts';
export { createRespond, type Respond, type Access } from './respond.ts';

/** Everything the surveys module needs, built once per app (one cache of parsed definitions and waves). */
export function createSurveys(db: Parameters<typeof createSurveyCache>[0]) {
  const cache = createSurveyCache(db);
  const surveys = createSurveysService(db, cache);
  return { cache, surveys, frames: createFrames(db, surveys), respond: createRespond(db, cache), tables: createWaveTables(surveys), themes: createThemes(db) };
}

export const surveysModule: AppModule<AppDeps> = {
  name: 'surveys',
  register(app, deps) {
    const s = createSurveys(deps.db);
    surveysRoutes(app, s.surveys, s.frames);
    surveyPagesRoutes(app, s.surveys, s.frames, s.respond, deps.config.cookieSecure);
    surveyTablesRoutes(app, s.tables, s.themes);
  },
};
export { type SurveyDefinition, TABLES_CSV_COLUMNS, formatP, readDefinitionFile, readResponsesCsv, series, tablesCsvRows, tablesXlsx, tabulate, toSurveyJs, weightResponses } from './offline.ts';
