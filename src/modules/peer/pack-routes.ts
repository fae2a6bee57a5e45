/**
 * The evidence pack API: generate (POST, x-csrf-token), and read the frozen pack as JSON or XLSX (the latest, or an
 * earlier one with ?pack=ID). Managers, administrators, the council and the team only.
 */
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { AppError, problemResponses } from '../../platform/errors.ts';
import { download, XLSX, noStore } from '../../platform/http.ts';
import { checkCsrf } from '../accounts/index.ts';
import { packSpreadsheet } from './pack-output.ts';
import { Created, IdParams } from './schemas.ts';
import type { PeerService } from './service.ts';

const BASE = '/api/v1/peer-challenge/engagements/:id/evidence-pack';
const TAGS = ['peer-challenge'];
const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);
export const PackQuery = Type.Object(
  {
    pack: Type.Optional(
      Type.Integer({ minimum: 1, description: 'An earlier pack of the engagement (default the latest)' }),
    ),
  },
  { additionalProperties: false },
);
export const EvidencePackSchema = Type.Object(
  {
    id: Type.Integer(),
    engagement: Type.Integer(),
    council: Type.Object({ code: Type.String(), name: Type.String() }),
    asAt: Type.String({
      format: 'date',
      description: 'The day the pack was generated: its figures are as published then',
    }),
    generatedAt: Type.String({ format: 'date-time' }),
    generatedBy: Type.String(),
    sections: Type.Array(
      Type.Object({
        key: Type.Union([
          Type.Literal('headline'),
          Type.Literal('value'),
          Type.Literal('flags'),
          Type.Literal('survey'),
        ]),
        title: Type.String(),
        unavailable: Type.Union([Type.String(), Type.Null()], { description: 'Why the section has no rows' }),
        about: Type.Array(Type.String()),
        columns: Type.Array(Type.String()),
        rows: Type.Array(Type.Array(Cell)),
        notes: Type.Array(Type.String()),
        sources: Type.Array(Type.String()),
        licences: Type.Array(Type.String()),
      }),
    ),
    packs: Type.Array(Type.Object({ id: Type.Integer(), asAt: Type.String(), generatedBy: Type.String() })),
  },
  {
    description: 'An evidence pack as at its date (frozen): its sections as tables, and every pack of the engagement',
  },
);
const NONE = 'No such engagement or pack, no pack generated yet, or an engagement you may not see';
const errors = problemResponses(400, 401, 403, [404, NONE]);

export function packRoutes(app: App, peer: PeerService): void {
  const frozen = async (user: Parameters<PeerService['evidencePack']>[0], id: number, pack?: number) => {
    const p = await peer.evidencePack(user, id, pack);
    if (!p) throw new AppError(404, 'not-found', `No evidence pack has been generated for engagement ${id} yet.`);
    return p;
  };
  app.post(
    BASE,
    {
      schema: {
        tags: TAGS,
        summary:
          'Generate the position-statement evidence pack from the data published now and freeze it (the council, managers, administrators; x-csrf-token header)',
        params: IdParams,
        response: { 201: Created, ...errors },
      },
    },
    async (req, reply) => {
      if (req.user) checkCsrf(req);
      const id = await peer.generatePack(req.user, req.params.id);
      return noStore(reply).status(201).send({ id, warnings: [] });
    },
  );
  app.get(
    `${BASE}.json`,
    {
      schema: {
        tags: TAGS,
        summary:
          "The engagement's evidence pack as at its date: headline report against similar councils, value for money, early-warning flags with evidence, the latest perception survey (managers, administrators, the council, the team)",
        params: IdParams,
        querystring: PackQuery,
        response: { 200: EvidencePackSchema, ...errors },
      },
    },
    async (req, reply) => {
      const p = await frozen(req.user, req.params.id, req.query.pack);
      noStore(reply);
      return p;
    },
  );
  app.get(
    `${BASE}.xlsx`,
    {
      schema: {
        tags: TAGS,
        summary: 'The evidence pack as a spreadsheet: cover, contents, notes, one section per sheet (the same access)',
        params: IdParams,
        querystring: PackQuery,
        response: { 200: download(XLSX, 'The evidence pack as an XLSX workbook'), ...errors },
      },
    },
    async (req, reply) => {
      const p = await frozen(req.user, req.params.id, req.query.pack);
      noStore(reply);
      reply.header(
        'content-disposition',
        `attachment; filename="evidence-pack-${p.council.code}-${p.engagement}-${p.asAt}.xlsx"`,
      );
      reply.type(XLSX);
      return reply.send(await packSpreadsheet(p));
    },
  );
}
