/**
 * Surveys: questionnaire definitions (definition/), fielding (waves, frames, links, respondents' pages, response
 * rates, raw responses for analysts) and analysis (analysis/).
 */
import type { AppDeps, AppModule } from '../../platform/app-types.ts';
import { createSurveyCache } from './fielding/cache.ts';
import { createFrames } from './fielding/frames.ts';
import { surveyPagesRoutes } from './fielding/pages.ts';
import { createRespond } from './fielding/respond.ts';
import { surveysRoutes } from './fielding/routes.ts';
import { createSurveysService } from './fielding/service.ts';
import { surveyTablesRoutes } from './reporting/routes.ts';
import { createThemes } from './reporting/themes.ts';
import { createWaveTables } from './reporting/wave-tables.ts';

export { createSurveyCache, type SurveyCache } from './fielding/cache.ts';
export { createSurveysService, answerCells, RESPONSE_META_COLUMNS, RESPONSE_DETAIL_COLUMNS, type SurveysService, type WaveDto, type WaveInput, type ResponsesTable, type DefinitionSummary, type DefinitionDetail } from './fielding/service.ts';
export { type ResponseRates, type RateLine } from './fielding/rates.ts';
export { createFrames, hashToken, TOKEN_BYTES, type Frames, type FrameInput, type FrameMemberDto, type LinkRow } from './fielding/frames.ts';
export { createRespond, type Respond, type Access } from './fielding/respond.ts';

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
