/**
 * The budget API under /api/v1/budget: the pre-fill (a draft, nothing stored), simulators set up from it or from a
 * JSON definition, the definition as JSON and XLSX, status, unique links, and the results (dashboard JSON, the tidy
 * long CSV). Writes take the x-csrf-token header. Council users see their own council's simulators; setting one up
 * needs the consultation permission (analysts and admins: every council).
 */
import { Readable } from 'node:stream';
import type { App } from '../../platform/app-types.ts';
import { problemResponses } from '../../platform/errors.ts';
import { download, NoContent, noStore, XLSX } from '../../platform/http.ts';
import { CSVM, csvUrl, csvw, csvwResponse } from '../../platform/csvw.ts';
import { checkCsrf } from '../accounts/index.ts';
import { columnNames } from '../../platform/csv.ts';
import { definitionFromJson, definitionJson, definitionXlsx } from './exchange.ts';
import { CODEBOOK_CSV, wideColumns } from './downloads.ts';
import { LONG_CSV } from './results.ts';
import * as S from './schemas.ts';
import type { BudgetService } from './service.ts';

const BASE = '/api/v1/budget';
const TAGS = ['budget'];

export function budgetRoutes(app: App, budget: BudgetService): void {
  app.get(
    `${BASE}/prefill`,
    {
      schema: {
        tags: TAGS,
        summary:
          'A draft simulator for a council and financial year from its published spending by service (or RA budget lines), Band D and tax base; each item names its source line. Nothing is stored. Needs the consultation permission for the council, or the analyst or admin role.',
        querystring: S.PrefillQuery,
        response: { 200: S.Definition, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const code = req.query.area.trim().toUpperCase();
      budget.authoriseSetUp(req.user, code);
      return budget.prefill(code, req.query.year);
    },
  );
  app.post(
    `${BASE}/simulators`,
    {
      schema: {
        tags: TAGS,
        summary: 'Set up a simulator from the pre-fill for a council and year (a draft until opened)',
        body: S.CreateBody,
        response: { 201: S.Created, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      checkCsrf(req);
      const s = await budget.createFromPrefill(req.body.area, req.body.year, req.user);
      noStore(reply).status(201);
      return { id: s.id, openLink: `/budget/${s.openKey}`, items: s.itemIds.length };
    },
  );
  app.post(
    `${BASE}/simulators/import`,
    {
      schema: {
        tags: TAGS,
        summary: 'Set up a simulator from a whole definition (JSON); problems named by JSON path',
        body: { type: 'object' } as const,
        response: { 201: S.Created, ...problemResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      checkCsrf(req);
      const { definition, locate } = definitionFromJson('body', JSON.stringify(req.body));
      const s = await budget.create(definition, req.user, { locate, sourceNote: 'Imported as JSON' });
      noStore(reply).status(201);
      return { id: s.id, openLink: `/budget/${s.openKey}`, items: s.itemIds.length };
    },
  );
  app.get(
    `${BASE}/simulators`,
    {
      schema: {
        tags: TAGS,
        summary: "The simulators you may see (your council's; analysts and admins every council's)",
        response: { 200: S.SimulatorList },
      },
    },
    async (req, reply) => {
      noStore(reply);
      const rows = await budget.list(req.user);
      return {
        simulators: rows.map((r) => ({
          id: r.id,
          title: r.title,
          year: r.year,
          status: r.status,
          council: r.council,
          councilName: r.councilName,
          responses: Number(r.responses ?? 0),
        })),
      };
    },
  );
  app.get(
    `${BASE}/simulators/:id.json`,
    {
      schema: {
        tags: TAGS,
        summary: "A simulator's whole definition as JSON (the import format)",
        params: S.IdParams,
        response: { 200: S.Definition, ...problemResponses(401, 404) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return definitionJson((await budget.get(req.params.id, req.user)).definition);
    },
  );
  app.get(
    `${BASE}/simulators/:id.xlsx`,
    {
      schema: {
        tags: TAGS,
        summary: "A simulator's whole definition as the XLSX template (Simulator, Gap, Items, Levels, Constraints)",
        params: S.IdParams,
        response: { 200: download(XLSX, 'The definition template'), ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      noStore(reply).type(XLSX).header('content-disposition', `attachment; filename="budget-simulator-${s.id}.xlsx"`);
      return definitionXlsx(s.definition);
    },
  );
  app.post(
    `${BASE}/simulators/:id/status`,
    {
      schema: {
        tags: TAGS,
        summary: 'Open or close a simulator (draft, open, closed)',
        params: S.IdParams,
        body: S.StatusBody,
        response: { 204: NoContent('Status changed'), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      checkCsrf(req);
      await budget.setStatus(req.params.id, req.body.status, req.user);
      return reply.status(204).send();
    },
  );
  app.post(
    `${BASE}/simulators/:id/clone`,
    {
      schema: {
        tags: TAGS,
        summary:
          "Clone a simulator into another financial year as a draft (sections, items, levels, constraints kept); refresh: baselines from that year's pre-fill where the data service has it. Same access as setting up.",
        params: S.IdParams,
        body: S.CloneBody,
        response: { 201: S.Cloned, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      checkCsrf(req);
      const r = await budget.clone(req.params.id, req.body.year, req.body.refresh ?? false, req.user);
      noStore(reply).status(201);
      const s = r.simulator;
      return { id: s.id, openLink: `/budget/${s.openKey}`, items: s.itemIds.length, refreshed: r.refreshed };
    },
  );
  app.post(
    `${BASE}/simulators/:id/links`,
    {
      schema: {
        tags: TAGS,
        summary: 'Unique links for a panel: each takes one budget (returned once; only hashes are kept)',
        params: S.IdParams,
        body: S.LinksBody,
        response: { 201: S.Links, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      checkCsrf(req);
      const links = await budget.issueLinks(req.params.id, req.body.count, req.user);
      noStore(reply).status(201);
      return { links };
    },
  );
  app.get(
    `${BASE}/simulators/:id/results.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The results: responses per day, per item the share choosing each level and the mean £ change, the average council tax change, flagged responses; beside each share and mean its weighted counterpart (weightedShare, weightedMeanChange, weightedMeanTaxChangePct, weightedMeanGapClosed) and the weighting with its effective base (the council and analysts)',
        params: S.IdParams,
        response: {
          200: S.Results,
          ...problemResponses(404),
        },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      noStore(reply);
      const [d, a] = await Promise.all([budget.dashboard(s), budget.analyse(s)]);
      return { ...budget.withWeights(s, d, a) };
    },
  );
  app.get(
    `${BASE}/simulators/:id/responses.csv`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The tidy long CSV: one row per response × item (level, %, £, comment, flag); formula-safe (the council and analysts)',
        params: S.IdParams,
        response: { 200: download('text/csv', 'Responses, long', columnNames(LONG_CSV)), ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      noStore(reply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="budget-${s.id}-responses-long.csv"`);
      return Readable.from(await budget.longCsv(s));
    },
  );
  app.get(
    `${BASE}/simulators/:id/responses-wide.csv`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The wide CSV: one row per counted response (each item\'s option, £ change and comment; the "about you" answers; assisted; the weight); formula-safe; its codebook is codebook.csv (the council and analysts)',
        params: S.IdParams,
        response: { 200: download('text/csv', 'Responses, wide'), ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      noStore(reply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="budget-${s.id}-responses-wide.csv"`);
      return Readable.from(await budget.wideCsv(s));
    },
  );
  app.get(
    `${BASE}/simulators/:id/codebook.csv`,
    {
      schema: {
        tags: TAGS,
        summary: "The wide CSV's codebook: each column, its meaning, its codes and labels",
        params: S.IdParams,
        response: { 200: download('text/csv', 'Codebook', columnNames(CODEBOOK_CSV)), ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      noStore(reply)
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="budget-${s.id}-codebook.csv"`);
      return budget.codebookCsv(s);
    },
  );
  // The CSVW metadata of each CSV: the long one, the wide one (its columns follow the simulator's items and
  // questions) and the wide one's codebook.
  for (const [file, title, description, columns] of [
    [
      'responses.csv',
      'Budget consultation responses',
      'One row per response and item: the level chosen, its change in per cent and £, the gap it closes and the comment. Duplicates and bot-check hits are included and named in the flag column; only rows flagged ok are counted in the results.',
      () => LONG_CSV,
    ],
    [
      'responses-wide.csv',
      'Budget consultation responses, one row per response',
      'One row per counted response: each item\'s option, £ change and comment, the "about you" answers, whether entered with staff, and the weight to the population. codebook.csv gives every column\'s codes.',
      (s: Parameters<typeof wideColumns>[0]) => wideColumns(s),
    ],
    [
      'codebook.csv',
      'Codebook of the one-row-per-response CSV',
      'Each column of responses-wide.csv: its name, title, datatype, meaning and codes.',
      () => CODEBOOK_CSV,
    ],
  ] as const)
    app.get(
      `${BASE}/simulators/:id/${file}-metadata.json`,
      {
        schema: {
          tags: TAGS,
          summary: `The CSVW metadata of ${file} (the same access)`,
          params: S.IdParams,
          produces: [CSVM],
          response: { 200: csvwResponse, ...problemResponses(404) },
        },
      },
      async (req, reply) => {
        const s = await budget.get(req.params.id, req.user);
        noStore(reply);
        reply.type(CSVM);
        return csvw({
          url: csvUrl(req),
          title: `${title}: ${s.definition.title} (${s.definition.council})`,
          description,
          columns: columns(s),
          licences: ['Confidential: raw consultation responses for the council and analysts; not for publication'],
          attribution: ['Budget consultation (this service)'],
        });
      },
    );
  app.get(
    `${BASE}/simulators/:id/results.xlsx`,
    {
      schema: {
        tags: TAGS,
        summary:
          'The results in the government spreadsheet layout: cover, contents, notes, per-item results (shares, weighted shares), summary with the effective base, breakdowns by the "about you" answers with small cells suppressed, and the codebook',
        params: S.IdParams,
        response: { 200: download(XLSX, 'The results workbook'), ...problemResponses(404) },
      },
    },
    async (req, reply) => {
      const s = await budget.get(req.params.id, req.user);
      const body = await budget.resultsXlsx(s, await budget.dashboard(s));
      noStore(reply).type(XLSX).header('content-disposition', `attachment; filename="budget-${s.id}-results.xlsx"`);
      return body;
    },
  );
}
