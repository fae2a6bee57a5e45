/**
 * The fielding API (/api/v1/surveys/…) for analysts and administrators: questionnaire versions, waves, frames and
 * links, live response rates, and the raw responses (analysts only).
 */
import type { App } from '../../../platform/app-types.ts';
import { checkCsrf, requireRole } from '../../accounts/index.ts';
import type { Frames } from './frames.ts';
import { ANALYSTS, csvDownload, linksCsv, origin, privately, RESPONSE_READERS } from './http.ts';
import { CSVM, csvUrl, csvwResponse } from '../../../platform/csvw.ts';
import { LINK_CSV, RATE_CSV, surveyCsvw } from './csv.ts';
import { rateCsvRows } from './rates.ts';
import {
  csvFile,
  DefinitionDetail,
  DefinitionList,
  DefinitionParams,
  FrameBody,
  FrameList,
  FrameResult,
  LinksQuery,
  LoadResult,
  PROBLEMS,
  Rates,
  Responses,
  ResponsesQuery,
  SurveyJsBody,
  Wave,
  WaveBody,
  WaveList,
  WaveListQuery,
  WaveParams,
} from './schemas.ts';
import type { SurveysService } from './service.ts';

export function surveysRoutes(app: App, surveys: SurveysService, frames: Frames): void {
  const tags = ['surveys'];
  app.post(
    '/api/v1/surveys/definitions',
    {
      schema: {
        tags,
        summary: 'Load a questionnaire version (SurveyJS JSON; analysts and administrators; x-csrf-token header)',
        body: SurveyJsBody,
        response: { 200: LoadResult, 201: LoadResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, ANALYSTS);
      checkCsrf(req);
      const r = await surveys.loadDefinition(req.body, user);
      return reply.status(r.created ? 201 : 200).send(r);
    },
  );
  app.get(
    '/api/v1/surveys/definitions',
    {
      schema: { tags, summary: 'Loaded questionnaire versions', response: { 200: DefinitionList, ...PROBLEMS } },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return { definitions: await surveys.definitions() };
    },
  );
  app.get(
    '/api/v1/surveys/definitions/:code/versions/:version',
    {
      schema: {
        tags,
        summary: 'One questionnaire version, normalised and as loaded',
        params: DefinitionParams,
        response: { 200: DefinitionDetail, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return surveys.definition(req.params.code, req.params.version);
    },
  );

  app.post(
    '/api/v1/surveys/waves',
    {
      schema: {
        tags,
        summary: 'Open a wave on one questionnaire version (x-csrf-token header)',
        body: WaveBody,
        response: { 201: Wave, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      const user = requireRole(req, ANALYSTS);
      checkCsrf(req);
      const w = await surveys.createWave(req.body, user);
      return reply.status(201).header('location', `/api/v1/surveys/waves/${w.id}`).send(w);
    },
  );
  app.get(
    '/api/v1/surveys/waves',
    {
      schema: {
        tags,
        summary: 'Waves, optionally of one questionnaire',
        querystring: WaveListQuery,
        response: { 200: WaveList, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return { waves: await surveys.waves(req.query.survey) };
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id',
    {
      schema: { tags, summary: 'One wave', params: WaveParams, response: { 200: Wave, ...PROBLEMS } },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return surveys.wave(req.params.id);
    },
  );

  app.post(
    '/api/v1/surveys/waves/:id/frame',
    {
      schema: {
        tags,
        summary:
          "Add members to a wave's sample frame: from a rule (council types as at a date, one role each), " +
          'a list or CSV (x-csrf-token header)',
        params: WaveParams,
        body: FrameBody,
        response: { 201: FrameResult, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      checkCsrf(req);
      return reply.status(201).send(await frames.build(req.params.id, req.body));
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/frame',
    {
      schema: {
        tags,
        summary: "The frame's members with type, region and state (never tokens)",
        params: WaveParams,
        response: { 200: FrameList, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return { wave: await surveys.wave(req.params.id), members: await frames.members(req.params.id) };
    },
  );
  app.post(
    '/api/v1/surveys/waves/:id/links',
    {
      schema: {
        tags,
        summary:
          'Issue personal links (CSV of area, role, contact, link), shown this once: only a hash of each token ' +
          'is kept (x-csrf-token header)',
        params: WaveParams,
        querystring: LinksQuery,
        produces: ['text/csv'],
        response: { 200: csvFile('The links: area_code, area_name, role, contact_name, link'), ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      checkCsrf(req);
      const rows = await frames.issueLinks(req.params.id, origin(req), req.query.reissue === true);
      return linksCsv(req, reply, rows, req.params.id);
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/links-metadata.json',
    {
      schema: {
        tags,
        summary: 'The CSVW metadata of the links CSV a POST to …/links answers with: its columns',
        params: WaveParams,
        produces: [CSVM],
        response: { 200: csvwResponse, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const wave = await surveys.wave(req.params.id);
      privately(reply).type(CSVM);
      return surveyCsvw(wave, {
        url: `${origin(req)}/api/v1/surveys/waves/${wave.id}/links`,
        title: `Personal links of wave ${wave.name} (${wave.survey} version ${wave.version})`,
        description:
          'One row per frame member: the council, role, contact and personal link. Issued by POST and shown once; only a hash of each token is kept.',
        columns: LINK_CSV,
      });
    },
  );

  app.get(
    '/api/v1/surveys/waves/:id/response-rates.json',
    {
      schema: {
        tags,
        summary: 'Live response rates: respondents, frame size and rate by authority type, by region and overall',
        params: WaveParams,
        response: { 200: Rates, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      privately(reply);
      return surveys.responseRates(req.params.id);
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/response-rates.csv',
    {
      schema: {
        tags,
        summary: 'The same as CSV',
        params: WaveParams,
        produces: ['text/csv'],
        response: {
          200: csvFile('One row per line: breakdown, code, label, frame, counts, rate_percent'),
          ...PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const r = await surveys.responseRates(req.params.id);
      return csvDownload(req, reply, rateCsvRows(r), RATE_CSV, `response-rates-wave-${req.params.id}.csv`);
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/response-rates.csv-metadata.json',
    {
      schema: {
        tags,
        summary: 'The CSVW metadata of the response rates CSV: its columns',
        params: WaveParams,
        produces: [CSVM],
        response: { 200: csvwResponse, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, ANALYSTS);
      const wave = await surveys.wave(req.params.id);
      privately(reply).type(CSVM);
      return surveyCsvw(wave, {
        url: csvUrl(req),
        title: `Response rates of wave ${wave.name} (${wave.survey} version ${wave.version})`,
        description: 'One row per line: overall, then by authority type, then by region.',
        columns: RATE_CSV,
      });
    },
  );

  app.get(
    '/api/v1/surveys/waves/:id/responses.json',
    {
      schema: {
        tags,
        summary: 'Raw responses, one wide row each (analysts only)',
        params: WaveParams,
        querystring: ResponsesQuery,
        response: { 200: Responses, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, RESPONSE_READERS);
      privately(reply);
      return surveys.responses(req.params.id, req.query.include ?? 'submitted');
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/responses.csv',
    {
      schema: {
        tags,
        summary: 'The same as CSV: the wide responses file `sli survey tabulate` reads (analysts only)',
        params: WaveParams,
        querystring: ResponsesQuery,
        produces: ['text/csv'],
        response: { 200: csvFile('The wide responses file: one row per response, one column per answer'), ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, RESPONSE_READERS);
      const r = await surveys.responses(req.params.id, req.query.include ?? 'submitted');
      const { columns } = await surveys.responsesCsvColumns(req.params.id);
      const file = `responses-${r.wave.survey}-v${r.wave.version}-wave-${r.wave.id}.csv`;
      return csvDownload(req, reply, r.rows, columns, file);
    },
  );
  app.get(
    '/api/v1/surveys/waves/:id/responses.csv-metadata.json',
    {
      schema: {
        tags,
        summary:
          'The CSVW metadata of the raw responses CSV: each column with the question (and answer or row) behind it and its codes (analysts only)',
        params: WaveParams,
        querystring: ResponsesQuery,
        produces: [CSVM],
        response: { 200: csvwResponse, ...PROBLEMS },
      },
    },
    async (req, reply) => {
      requireRole(req, RESPONSE_READERS);
      const { wave, columns } = await surveys.responsesCsvColumns(req.params.id);
      privately(reply).type(CSVM);
      return surveyCsvw(wave, {
        url: csvUrl(req),
        title: `Responses to wave ${wave.name} (${wave.survey} version ${wave.version})`,
        description:
          'The wide responses file `sli survey tabulate` reads: one row per response, one column per answer (multiple choice one column per answer, grids one column per row).',
        columns,
      });
    },
  );
}
