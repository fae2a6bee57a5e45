/**
 * Surveys: questionnaire definitions (definition/), fielding (fielding/: waves, frames, links, the respondents' pages,
 * response rates, raw responses for analysts), reporting (reporting/: tables, series and themes from fielded waves or
 * from files) and analysis (analysis/: significance, rim weighting). The one way into the module.
 */
import type { AppModule } from '../../platform/app-types.ts';
import type { SurveyConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AreasService } from '../areas/index.ts';
import { createSurveyCache } from './fielding/cache.ts';
import { createFrames } from './fielding/frames.ts';
import { createLinkTokens } from './fielding/links.ts';
import { createMailings, type SurveyMailer } from './fielding/mailings.ts';
import { surveyOpsPages } from './fielding/ops-pages.ts';
import { surveyPages } from './fielding/pages.ts';
import { createRespond } from './fielding/respond.ts';
import { createContactRetention } from './fielding/retention.ts';
import { surveysRoutes } from './fielding/routes.ts';
import { createSurveysService } from './fielding/service.ts';
import { surveyTablesPages } from './reporting/pages.ts';
import { surveyTablesRoutes } from './reporting/routes.ts';
import { createThemes } from './reporting/themes.ts';

// Themes on free text: the rule for a theme and the count of themes over answers (the budget module's comments too).
export { normaliseThemes, withThemes } from './reporting/themes.ts';
import { createWaveTables } from './reporting/wave-tables.ts';

// Fielding.
export { createSurveyCache, type SurveyCache } from './fielding/cache.ts';
export {
  createSurveysService,
  answerCells,
  RESPONSE_META_COLUMNS,
  RESPONSE_DETAIL_COLUMNS,
  type SurveysService,
  type WaveDto,
  type WaveInput,
  type ResponsesTable,
  type DefinitionSummary,
  type DefinitionDetail,
} from './fielding/service.ts';
export { type ResponseRates, type RateLine } from './fielding/rates.ts';
export {
  createFrames,
  hashToken,
  TOKEN_BYTES,
  type Frames,
  type FrameInput,
  type FrameMemberDto,
  type LinkRow,
} from './fielding/frames.ts';
export { createRespond, type Respond, type Access } from './fielding/respond.ts';
export { createMailings, lastDay, type Mailings, type SurveyMailer, type MemberMailing } from './fielding/mailings.ts';
export { type ContactRetention, type Erased } from './fielding/retention.ts';

// Offline analysis, as `sli survey` uses it (no database): definitions from files, a responses CSV checked against the
// definition and its routing, report tables with significance, series, and rim weighting.
export {
  readDefinitionFile,
  definitionFromJson,
  definitionProblems,
  toSurveyJs,
  type SurveyDefinition,
} from './definition/index.ts';
// Routing conditions, for questions asked elsewhere (the budget module's "about you").
export { evaluate, parseExpression, references, type Expr } from './definition/expression.ts';
export { routingInWords } from './definition/words.ts';
export { readResponsesCsv } from './reporting/responses-csv.ts';
export { loadResponses, type ResponseData, type ResponseProblem } from './reporting/responses.ts';
export { tabulate, type Tabulation, type TabulateOptions, type SurveyTable } from './reporting/tabulate.ts';
export { tablesCsvRows, tablesXlsx, TABLES_CSV, TABLES_CSV_COLUMNS, formatP } from './reporting/output.ts';
export { series, type Series, type SeriesPoint } from './reporting/series.ts';
export { weightResponses, readTargets, type WeightedFile } from './analysis/weight-files.ts';
export { rake, kish, type RimTarget } from './analysis/weighting.ts';

/**
 * What the surveys module is handed: the areas service (frames' council types and regions), the mail queue
 * (invitations and reminders; the email service, handed in by src/app), the configuration's survey settings (the link
 * secret, how long contact details are kept) and the logger.
 */
export interface SurveysNeeds {
  areas: AreasService;
  mailer: SurveyMailer;
  config: SurveyConfig;
  logger: Logger;
}

/** Everything the surveys module needs, built once per app (one cache of parsed definitions and waves). */
export function createSurveys(db: Db, { areas, mailer, config, logger }: SurveysNeeds) {
  const log = logger.child({ module: 'surveys' });
  const cache = createSurveyCache(db);
  const surveys = createSurveysService(db, cache, log);
  const links = createLinkTokens(db, config.linkSecret, log);
  return {
    cache,
    surveys,
    frames: createFrames(db, surveys, areas, links, log),
    respond: createRespond(db, cache),
    mailings: createMailings(db, { surveys, cache, mailer, links, logger: log }),
    retention: createContactRetention(db, { mailer, days: config.contactDays, logger: log }),
    tables: createWaveTables(surveys),
    themes: createThemes(db),
  };
}
export type Surveys = ReturnType<typeof createSurveys>;

export const surveysModule: AppModule<{ surveys: Surveys; cookieSecure: boolean }> = {
  name: 'surveys',
  register(app, { surveys: s, cookieSecure }) {
    // Frames' contact details are erased SLI_SURVEY_CONTACT_DAYS after their wave closes, checked while the app runs.
    app.addHook('onReady', async () => s.retention.start());
    app.addHook('onClose', async () => s.retention.stop());
    surveysRoutes(app, s.surveys, s.frames);
    surveyPages(app, s.surveys, s.frames, s.respond, cookieSecure);
    surveyOpsPages(app, s.surveys, s.frames, s.mailings, s.respond, s.retention, cookieSecure);
    surveyTablesRoutes(app, s.tables, s.themes);
    surveyTablesPages(app, s.tables, s.themes);
  },
};
