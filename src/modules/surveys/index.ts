/**
 * Surveys: questionnaire definitions (definition/), fielding (waves, frames, links, respondents' pages, response
 * rates, raw responses for analysts) and analysis (analysis/).
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AreasService } from '../areas/index.ts';
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
export function createSurveys(db: Db, deps: { areas: AreasService; logger: Logger }) {
  const cache = createSurveyCache(db);
  const surveys = createSurveysService(db, cache);
  return { cache, surveys, frames: createFrames(db, surveys, deps.areas), respond: createRespond(db, cache), tables: createWaveTables(surveys), themes: createThemes(db) };
}

export const surveysModule: AppModule<{ surveys: ReturnType<typeof createSurveys>; cookieSecure: boolean }> = {
  name: 'surveys',
  register(app, { surveys: s, cookieSecure }) {
    surveysRoutes(app, s.surveys, s.frames);
    surveyPagesRoutes(app, s.surveys, s.frames, s.respond, cookieSecure);
    surveyTablesRoutes(app, s.tables, s.themes);
  },
};
export { type SurveyDefinition, TABLES_CSV_COLUMNS, formatP, readDefinitionFile, readResponsesCsv, series, tablesCsvRows, tablesXlsx, tabulate, toSurveyJs, weightResponses } from './offline.ts';
