/**
 * Report tables from fielded waves (analysts and administrators): API as JSON, CSV and XLSX, a series of one measure
 * across waves, and the page /surveys/tables with a chart and a table per question. Free-text answers and their themes
 * are raw responses: analysts only (API /api/v1/surveys/texts.json and the page /surveys/texts).
 */
import type { Static } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import type { App } from '../../../platform/app-types.ts';
import { invalidParameter } from '../../../platform/errors.ts';
import { checkCsrf, csrfToken, requireRole } from '../../accounts/index.ts';
import { ANALYSTS, privately, readsResponses, RESPONSE_READERS, signedIn } from '../fielding/http.ts';
import { tablesCsvRows, tablesXlsx, TABLES_CSV_COLUMNS } from './output.ts';
import { csvFile, PROBLEMS, XLSX, xlsxFile } from '../fielding/schemas.ts';
import {
  SeriesQuery, SeriesResult, TablesQuery, TextsQuery, TextsResult, ThemeBody, ThemesResult, WaveTablesResult,
} from './schemas.ts';
import type { Tabulation } from './tabulate.ts';
import { withThemes, type Themes } from './themes.ts';
import { seriesPageModel, tablesPageModel } from './views.ts';
import type { WaveTablesService } from './wave-tables.ts';

const waveIds = (s: string) => s.split(',').map(Number);
const fileName = (t: Tabulation, ids: number[], ext: string) =>
  `survey-tables-${t.survey.code}-waves-${ids.join('-')}.${ext}`;
const query = (q: Static<typeof TablesQuery>) => ({
  waves: waveIds(q.waves), by: q.by, holm: q.holm, continuityCorrection: q.continuityCorrection,
});
const themesOf = (themes: string[] | string) => (Array.isArray(themes) ? themes : themes.split(','));

export function surveyTablesRoutes(app: App, tables: WaveTablesService, themes: Themes): void {
  const tags = ['surveys'];
  const texts = async (q: Static<typeof TextsQuery>) => {
    const t = await tables.texts(waveIds(q.waves), q.question);
    return withThemes(t, await themes.themesOf(q.question, t.answers.map((a) => a.responseId)));
  };
  const series = (q: Static<typeof SeriesQuery>) =>
    tables.series({ waves: waveIds(q.waves), holm: q.holm }, q.question, q.answer);

  app.get('/api/v1/surveys/tables.json', {
    schema: {
      tags,
      summary: 'Report tables for one wave or several (a series): bases, nets, percentages and significant differences '
        + '(analysts and administrators); format in docs/surveys.md',
      querystring: TablesQuery, response: { 200: WaveTablesResult, ...PROBLEMS },
    },
  }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    privately(reply);
    const r = await tables.tables(query(req.query));
    return { waves: r.waves, ...r.tabulation };
  });
  app.get('/api/v1/surveys/tables.csv', {
    schema: {
      tags, summary: 'The same as CSV, one row per table row and column', querystring: TablesQuery,
      produces: ['text/csv'], response: { 200: csvFile('Tidy: one row per table row and column'), ...PROBLEMS },
    },
  }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    const r = await tables.tables(query(req.query));
    const file = fileName(r.tabulation, waveIds(req.query.waves), 'csv');
    privately(reply).type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`);
    return stringify([[...TABLES_CSV_COLUMNS], ...tablesCsvRows(r.tabulation)]);
  });
  app.get('/api/v1/surveys/tables.xlsx', {
    schema: {
      tags, summary: 'The same as a spreadsheet: cover, contents, notes, one table per sheet', querystring: TablesQuery,
      produces: [XLSX], response: { 200: xlsxFile('Cover, contents, notes and one table per sheet'), ...PROBLEMS },
    },
  }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    const r = await tables.tables(query(req.query));
    const file = fileName(r.tabulation, waveIds(req.query.waves), 'xlsx');
    privately(reply).type(XLSX).header('content-disposition', `attachment; filename="${file}"`);
    return tablesXlsx(r.tabulation);
  });
  app.get('/api/v1/surveys/series.json', {
    schema: {
      tags, summary: 'One measure across waves with tests against the first and the previous wave',
      querystring: SeriesQuery, response: { 200: SeriesResult, ...PROBLEMS },
    },
  }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    privately(reply);
    return series(req.query);
  });

  app.get('/api/v1/surveys/texts.json', {
    schema: {
      tags,
      summary: 'Free-text answers to one question with the respondent\'s type and region only, their themes and theme '
        + 'counts (analysts only)',
      querystring: TextsQuery, response: { 200: TextsResult, ...PROBLEMS },
    },
  }, async (req, reply) => {
    requireRole(req, RESPONSE_READERS);
    privately(reply);
    return texts(req.query);
  });
  app.post('/api/v1/surveys/texts/themes', {
    schema: {
      tags, summary: 'Replace the themes of one free-text answer (analysts only; x-csrf-token header)', body: ThemeBody,
      response: { 200: ThemesResult, ...PROBLEMS },
    },
  }, async (req, reply) => {
    const user = requireRole(req, RESPONSE_READERS);
    checkCsrf(req);
    const list = await themes.tag(req.body.responseId, req.body.question, themesOf(req.body.themes), user.name);
    return reply.send({ responseId: req.body.responseId, question: req.body.question, themes: list });
  });

  // Pages: visitors are sent to sign in, council users refused.
  app.get('/surveys/tables', { schema: { hide: true, querystring: TablesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const user = requireRole(req, ANALYSTS);
    privately(reply);
    const r = await tables.tables(query(req.query));
    return reply.view('survey-tables.njk', tablesPageModel(r, req.query, readsResponses(user.role)));
  });
  app.get('/surveys/series', { schema: { hide: true, querystring: SeriesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, ANALYSTS);
    privately(reply);
    return reply.view('survey-series.njk', seriesPageModel(await series(req.query), req.query.waves));
  });
  app.get('/surveys/texts', { schema: { hide: true, querystring: TextsQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, RESPONSE_READERS);
    privately(reply);
    const t = await texts(req.query);
    const csrf = csrfToken(req, reply, false);
    return reply.view('survey-texts.njk', { title: 'Free-text answers', t, waves: req.query.waves, csrf });
  });
  app.post('/surveys/texts/themes', { schema: { hide: true, body: ThemeBody } }, async (req, reply) => {
    const user = requireRole(req, RESPONSE_READERS);
    checkCsrf(req);
    if (!req.body.waves) throw invalidParameter('waves', 'the form must say which waves it came from');
    await themes.tag(req.body.responseId, req.body.question, themesOf(req.body.themes), user.name);
    const { waves, question, responseId } = req.body;
    return reply.redirect(`/surveys/texts?waves=${waves}&question=${encodeURIComponent(question)}#r${responseId}`, 303);
  });
}
