/**
 * Report-table pages from fielded waves: /surveys/tables with a chart and a table per question, /surveys/series, and
 * the free-text answers with their themes at /surveys/texts (raw responses: analysts only). Visitors are sent to sign
 * in, council users refused. The API is in routes.ts.
 */
import type { App } from '../../../platform/app-types.ts';
import { invalidParameter } from '../../../platform/errors.ts';
import { checkCsrf, csrfToken, requireRole } from '../../accounts/index.ts';
import { ANALYSTS, privately, readsResponses, RESPONSE_READERS, signedIn } from '../fielding/http.ts';
import { seriesOf, tablesQuery, textsWithThemes, themesOf } from './query.ts';
import { SeriesQuery, TablesQuery, TextsQuery, ThemeBody } from './schemas.ts';
import type { Themes } from './themes.ts';
import { seriesPageModel, tablesPageModel } from './view.ts';
import type { WaveTablesService } from './wave-tables.ts';

export function surveyTablesPages(app: App, tables: WaveTablesService, themes: Themes): void {
  app.get('/surveys/tables', { schema: { hide: true, querystring: TablesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const user = requireRole(req, ANALYSTS);
    privately(reply);
    const r = await tables.tables(tablesQuery(req.query));
    return reply.view('survey-tables.njk', tablesPageModel(r, req.query, readsResponses(user.role)));
  });
  app.get('/surveys/series', { schema: { hide: true, querystring: SeriesQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, ANALYSTS);
    privately(reply);
    return reply.view('survey-series.njk', seriesPageModel(await seriesOf(tables, req.query), req.query.waves));
  });
  app.get('/surveys/texts', { schema: { hide: true, querystring: TextsQuery } }, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    requireRole(req, RESPONSE_READERS);
    privately(reply);
    const t = await textsWithThemes(tables, themes, req.query);
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
