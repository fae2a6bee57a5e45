/**
 * Report tables from fielded waves (analysts and administrators): API as JSON, CSV and XLSX, a series of one measure
 * across waves, and the page /surveys/tables with a chart and a table per question. Free-text answers and their themes
 * are raw responses: analysts only (API /api/v1/surveys/texts.json and the page /surveys/texts).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import type { App } from '../../../platform/app-types.ts';
import { invalidParameter } from '../../../platform/errors.ts';
import { checkCsrf, csrfToken, requireRole } from '../../accounts/index.ts';
import { renderBarChart, renderLineChart } from '../../maps/index.ts';
import { formatP, tablesCsvRows, tablesXlsx, TABLES_CSV_COLUMNS } from './output.ts';
import { ANALYSTS, RESPONSE_READERS } from '../fielding/routes.ts';
import type { SurveyTable, Tabulation } from './tabulate.ts';
import type { Themes } from './themes.ts';
import { TABLE_BREAKDOWNS, type WaveTablesService } from './wave-tables.ts';

const TablesQuery = Type.Object({
  waves: Type.String({ pattern: '^\\d+(,\\d+)*$', maxLength: 200, description: 'wave ids, comma-separated (one questionnaire)' }),
  by: Type.Optional(Type.Union(TABLE_BREAKDOWNS.map((b) => Type.Literal(b)), { description: 'breakdown: wave (a series), authority_type, region or role' })),
  holm: Type.Optional(Type.Boolean()),
  continuityCorrection: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const SeriesQuery = Type.Object({
  waves: TablesQuery.properties.waves,
  question: Type.String({ maxLength: 100 }),
  answer: Type.String({ maxLength: 100 }),
  holm: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const TextsQuery = Type.Object({ waves: TablesQuery.properties.waves, question: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
const ThemeBody = Type.Object({
  responseId: Type.Integer({ minimum: 1 }),
  question: Type.String({ maxLength: 100 }),
  themes: Type.Union([Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 }), Type.String({ maxLength: 1000 })]),
  waves: Type.Optional(TablesQuery.properties.waves),
  _csrf: Type.Optional(Type.String()),
}, { additionalProperties: false });

const waveIds = (s: string) => s.split(',').map(Number);
const privately = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');
const fileName = (t: Tabulation, ids: number[], ext: string) => `survey-tables-${t.survey.code}-waves-${ids.join('-')}.${ext}`;
const query = (q: Static<typeof TablesQuery>) => ({ waves: waveIds(q.waves), by: q.by, holm: q.holm, continuityCorrection: q.continuityCorrection });

/** A page view of one table: header, rows with significance called out in words, and a chart of the total column. */
function tableView(tab: Tabulation, t: SurveyTable) {
  const label = (key: string) => tab.columns.find((c) => c.key === key)?.label ?? key;
  const flags = (row: string, col: string) =>
    t.comparisons.filter((c) => c.significant && c.row === row && c.columns[1] === col)
      .map((c) => `${c.direction === 'higher' ? 'Higher' : 'Lower'} than ${label(c.columns[0])} (p ${formatP(c.adjustedPValue ?? c.pValue)}, ${c.test})`);
  const chart = t.rows.length === 0 ? null : renderBarChart({
    title: t.title,
    description: `Percentage of ${tab.columns[0]!.label.toLowerCase()} answering (base ${t.bases[0]!.answered}). The table below gives every figure.`,
    unit: '%', decimalPlaces: 0,
    bars: t.rows.map((r) => ({ label: r.net ? `${r.label} (net)` : r.label, value: r.cells[0]!.percent === null ? null : Math.round(r.cells[0]!.percent), emphasis: r.net })),
  });
  return {
    ...t,
    chart,
    columnLabels: tab.columns.map((c) => c.label),
    baseRows: t.bases,
    rowViews: t.rows.map((r) => ({ ...r, cellViews: r.cells.map((c) => ({ ...c, flags: flags(r.code, c.column) })) })),
    summaryViews: (t.summary ?? []).map((s) => ({ ...s, mean: s.mean === null ? '-' : s.mean.toFixed(1), median: s.median === null ? '-' : String(s.median) })),
  };
}

export function surveyTablesRoutes(app: App, tables: WaveTablesService, themes: Themes): void {
  const tags = ['surveys'];
  app.get('/api/v1/surveys/tables.json', { schema: { tags, summary: 'Report tables for one wave or several (a series): bases, nets, percentages and significant differences (analysts and administrators); format in docs/surveys.md', querystring: TablesQuery } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    privately(reply);
    const r = await tables.tables(query(req.query));
    return { waves: r.waves, ...r.tabulation };
  });
  app.get('/api/v1/surveys/tables.csv', { schema: { tags, summary: 'The same as CSV, one row per table row and column', querystring: TablesQuery, produces: ['text/csv'] } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    const r = await tables.tables(query(req.query));
    privately(reply).type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName(r.tabulation, waveIds(req.query.waves), 'csv')}"`);
    return stringify([[...TABLES_CSV_COLUMNS], ...tablesCsvRows(r.tabulation)]);
  });
  app.get('/api/v1/surveys/tables.xlsx', { schema: { tags, summary: 'The same as a spreadsheet: cover, contents, notes, one table per sheet', querystring: TablesQuery, produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    const r = await tables.tables(query(req.query));
    privately(reply).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${fileName(r.tabulation, waveIds(req.query.waves), 'xlsx')}"`);
    return tablesXlsx(r.tabulation);
  });
  app.get('/api/v1/surveys/series.json', { schema: { tags, summary: 'One measure across waves with tests against the first and the previous wave', querystring: SeriesQuery } }, async (req, reply) => {
    requireRole(req, ANALYSTS);
    privately(reply);
    return tables.series({ waves: waveIds(req.query.waves), holm: req.query.holm }, req.query.question, req.query.answer);
  });

  const texts = async (q: Static<typeof TextsQuery>) => {
    const t = await tables.texts(waveIds(q.waves), q.question);
    const tagged = await themes.themesOf(q.question, t.answers.map((a) => a.responseId));
    const answers = t.answers.map((a) => ({ ...a, themes: tagged.get(a.responseId) ?? [] }));
    const counts = new Map<string, number>();
    for (const a of answers) for (const th of a.themes) counts.set(th, (counts.get(th) ?? 0) + 1);
    return { ...t, answers, themeCounts: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([theme, n]) => ({ theme, answers: n })), untagged: answers.filter((a) => a.themes.length === 0).length };
  };
  app.get('/api/v1/surveys/texts.json', { schema: { tags, summary: 'Free-text answers to one question with the respondent\'s type and region only, their themes and theme counts (analysts only)', querystring: TextsQuery } }, async (req, reply) => {
    requireRole(req, RESPONSE_READERS);
    privately(reply);
    return texts(req.query);
  });
  app.post('/api/v1/surveys/texts/themes', { schema: { tags, summary: 'Replace the themes of one free-text answer (analysts only; x-csrf-token header)', body: ThemeBody } }, async (req, reply) => {
    const user = requireRole(req, RESPONSE_READERS);
    checkCsrf(req);
    const list = await themes.tag(req.body.responseId, req.body.question, Array.isArray(req.body.themes) ? req.body.themes : req.body.themes.split(','), user.name);
    return reply.send({ responseId: req.body.responseId, question: req.body.question, themes: list });
  });

  // Pages: visitors are sent to sign in, council users refused.
  const signedIn = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!req.user) { void reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303); return false; }
    return true;
  };
  app.get('/surveys/tables', { schema: { hide: true, querystring: TablesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, ANALYSTS);
    privately(reply);
    const r = await tables.tables(query(req.query));
    const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]) => [k, String(v)])).toString();
    const problems = Object.entries(r.tabulation.problemCounts).map(([k, v]) => `${v} ${k.replace(/-/g, ' ')}`);
    return reply.view('survey-tables.njk', {
      title: `${r.definition.title}: tables`,
      survey: r.definition, waves: r.waves, waveIds: req.query.waves, tab: r.tabulation, qs, problems,
      tables: r.tabulation.tables.map((t) => tableView(r.tabulation, t)),
      textQuestions: r.definition.questions.filter((q) => q.kind === 'text').map((q) => q.code),
      canReadTexts: (RESPONSE_READERS as readonly string[]).includes(req.user!.role),
    });
  });
  app.get('/surveys/series', { schema: { hide: true, querystring: SeriesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, ANALYSTS);
    privately(reply);
    const s = await tables.series({ waves: waveIds(req.query.waves), holm: req.query.holm }, req.query.question, req.query.answer);
    const verdict = (c: (typeof s.points)[number]['vsFirst']) => (c === null ? '' : c.significant ? `Significantly ${c.direction} (p ${formatP(c.adjustedPValue ?? c.pValue)}, ${c.test})` : 'No significant difference');
    const chart = renderLineChart({
      title: `${s.label}: ${s.title}`,
      description: `Percentage answering "${s.label}" in each wave. The table below gives every figure, its base and the tests.`,
      unit: '%', decimalPlaces: 0, fromZero: true,
      series: [{ name: s.label, emphasis: true, points: s.points.map((p) => ({ label: p.wave, value: p.percent === null ? null : Math.round(p.percent) })) }],
    });
    return reply.view('survey-series.njk', {
      title: `${s.label}: series`, s, chart, waves: req.query.waves,
      points: s.points.map((p) => ({ ...p, effective: p.effectiveBase === undefined ? null : Math.round(p.effectiveBase), againstFirst: verdict(p.vsFirst), againstPrevious: verdict(p.vsPrevious) })),
    });
  });
  app.get('/surveys/texts', { schema: { hide: true, querystring: TextsQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, RESPONSE_READERS);
    privately(reply);
    return reply.view('survey-texts.njk', { title: 'Free-text answers', t: await texts(req.query), waves: req.query.waves, csrf: csrfToken(req, reply, false) });
  });
  app.post('/surveys/texts/themes', { schema: { hide: true, body: ThemeBody } }, async (req, reply) => {
    const user = requireRole(req, RESPONSE_READERS);
    checkCsrf(req);
    if (!req.body.waves) throw invalidParameter('waves', 'the form must say which waves it came from');
    await themes.tag(req.body.responseId, req.body.question, Array.isArray(req.body.themes) ? req.body.themes : req.body.themes.split(','), user.name);
    return reply.redirect(`/surveys/texts?waves=${req.body.waves}&question=${encodeURIComponent(req.body.question)}#r${req.body.responseId}`, 303);
  });
}
