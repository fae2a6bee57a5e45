/**
 * Report tables from fielded waves (analysts and administrators), the API: JSON, CSV and XLSX, a series of one measure
 * across waves, and free-text answers with their themes (raw responses: analysts only). The pages are in pages.ts.
 */
import type { Static } from '@sinclair/typebox';
import type { App } from '../../../platform/app-types.ts';
import { csvText } from '../../../platform/csv.ts';
import { CSVM, csvUrl, csvw, csvwResponse, describedBy } from '../../../platform/csvw.ts';
import { checkCsrf, requireRole } from '../../accounts/index.ts';
import { ANALYSTS, privately, RESPONSE_READERS } from '../fielding/http.ts';
import { csvFile, PROBLEMS, XLSX, xlsxFile } from '../fielding/schemas.ts';
import { tablesCsvRows, tablesXlsx, TABLES_CSV } from './output.ts';
import { fileName, seriesOf, tablesQuery, textsWithThemes, themesOf, waveIds } from './query.ts';
import {
  SeriesQuery,
  SeriesResult,
  TablesQuery,
  TextsQuery,
  TextsResult,
  ThemeBody,
  ThemesResult,
  WaveTablesResult,
} from './schemas.ts';
import type { Themes } from './themes.ts';
import type { WaveTablesService } from './wave-tables.ts';

export function surveyTablesRoutes(app: App, tables: WaveTablesService, themes: Themes): void {
  const tags = ['surveys'];
  const texts = (q: Static<typeof TextsQuery>) => textsWithThemes(tables, themes, q);
  const series = (q: Static<typeof SeriesQuery>) => seriesOf(tables, q);

  app.get(
    '/api/v1/surveys/tables.json',
    {
      schema: {
        tags,
        summary:
          'Report tables for one wave or several (a series): bases, nets, percentages and significant differences ' +
          '(analysts and administrators); format in docs/surveys.md',
        querystring: TablesQuery,
        response: { 200: WaveTablesResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      const r = await tables.tables(tablesQuery(req.query));
      return { waves: r.waves, ...r.tabulation };
    },
  );
  app.get(
    '/api/v1/surveys/tables.csv',
    {
      schema: {
        tags,
        summary: 'The same as CSV, one row per table row and column',
        querystring: TablesQuery,
        produces: ['text/csv'],
        response: { 200: csvFile('Tidy: one row per table row and column'), ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const r = await tables.tables(tablesQuery(req.query));
      const file = fileName(r.tabulation, waveIds(req.query.waves), 'csv');
      describedBy(req, privately(reply))
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`);
      return csvText(tablesCsvRows(r.tabulation), TABLES_CSV);
    },
  );
  app.get(
    '/api/v1/surveys/tables.csv-metadata.json',
    {
      schema: {
        tags,
        summary: 'The CSVW metadata of the tables CSV for the same query: its columns and conventions',
        querystring: TablesQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const r = await tables.tables(tablesQuery(req.query));
      const t = r.tabulation;
      privately(reply).type(CSVM);
      return csvw({
        url: csvUrl(req),
        title: `${t.survey.title}: tables`,
        description: `Tables for the survey "${t.survey.title}" (${t.survey.code}, version ${t.survey.version}), one row per table row and column.`,
        columns: TABLES_CSV,
        licences: ['Confidential until published: aggregate survey results'],
        attribution: [`Survey ${t.survey.code} version ${t.survey.version}`],
        notes: [
          'Percentages of those answering; "asked" counts respondents the routing put the question to, "answered" those who answered.',
          `Differences are flagged only where significant at the ${Math.round((1 - t.settings.alpha) * 100)} per cent level (two-tailed), the test named beside each.`,
        ],
      });
    },
  );
  app.get(
    '/api/v1/surveys/tables.xlsx',
    {
      schema: {
        tags,
        summary: 'The same as a spreadsheet: cover, contents, notes, one table per sheet',
        querystring: TablesQuery,
        produces: [XLSX],
        response: { 200: xlsxFile('Cover, contents, notes and one table per sheet'), ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const r = await tables.tables(tablesQuery(req.query));
      const file = fileName(r.tabulation, waveIds(req.query.waves), 'xlsx');
      privately(reply).type(XLSX).header('content-disposition', `attachment; filename="${file}"`);
      return tablesXlsx(r.tabulation);
    },
  );
  app.get(
    '/api/v1/surveys/series.json',
    {
      schema: {
        tags,
        summary: 'One measure across waves with tests against the first and the previous wave',
        querystring: SeriesQuery,
        response: { 200: SeriesResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return series(req.query);
    },
  );

  app.get(
    '/api/v1/surveys/texts.json',
    {
      schema: {
        tags,
        summary:
          "Free-text answers to one question with the respondent's type and region only, their themes and theme " +
          'counts (analysts only)',
        querystring: TextsQuery,
        response: { 200: TextsResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, RESPONSE_READERS);
      privately(reply);
      return texts(req.query);
    },
  );
  app.post(
    '/api/v1/surveys/texts/themes',
    {
      schema: {
        tags,
        summary: 'Replace the themes of one free-text answer (analysts only; x-csrf-token header)',
        body: ThemeBody,
        response: { 200: ThemesResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, RESPONSE_READERS);
      checkCsrf(req);
      const list = await themes.tag(req.body.responseId, req.body.question, themesOf(req.body.themes), user.name);
      return reply.send({ responseId: req.body.responseId, question: req.body.question, themes: list });
    },
  );
}
