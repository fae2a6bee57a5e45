/**
 * The analysts' upload pages: /imports/upload (choose an importer, upload its file or files, or a long CSV), the
 * validation report with file and line, and the draft's Publish and Discard buttons on /imports/{id}. Analysts and
 * administrators only; every form carries the CSRF token; nothing needs JavaScript.
 *
 * The upload's body is read by the platform's multipart reader (platform/multipart.ts, withUploads), its files written
 * to a temporary directory as they stream in and the whole refused once over SLI_UPLOAD_MAX_MB (at once when the
 * request says its length), in a scope of its own so that no other route accepts multipart bodies.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { uploadsOf, withUploads, type MultipartBody } from '../../platform/multipart.ts';
import { ANALYST_ROLES, checkCsrf, requireRole } from '../accounts/index.ts';
import { analystOnly } from './pages.ts';
import type { ImportsService } from './preview.ts';
import { adapters } from './registry.ts';
import { ImportParams } from './schemas.ts';
import { ImportStateError } from './service.ts';
import type { UploadedFile, Uploads } from './upload.ts';
import { DATA_COLUMNS, METRIC_COLUMNS } from './adapters/long-csv.ts';

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const importerChoices = () => adapters().map((a) => ({ name: a.name, summary: a.summary, files: a.files }));

export function uploadPages(app: App, deps: { imports: ImportsService; uploads: Uploads; maxMb: number }): void {
  const { imports, uploads, maxMb } = deps;
  const maxBytes = maxMb * 1024 * 1024;
  const uploadPage = (reply: FastifyReply, extra: object = {}) =>
    reply.view('upload.njk', {
      title: 'Upload a file',
      importers: importerChoices(),
      maxMb,
      longCsv: { data: DATA_COLUMNS, metrics: METRIC_COLUMNS },
      ...extra,
    });

  app.get('/imports/upload', { schema: { hide: true } }, async (req, reply) => {
    if (!analystOnly(req, reply)) return reply;
    return uploadPage(reply, { importer: 'long-csv' });
  });

  const refusal = (size: string) =>
    new AppError(
      413,
      'upload-too-large',
      `The upload is ${size} MB; files of up to ${maxMb} MB can be uploaded here (SLI_UPLOAD_MAX_MB). Load a larger file with "npx sli import".`,
    );
  withUploads(
    app,
    maxBytes,
    (scope) => {
      // Refused before the body is read: a council user, and an upload whose stated length is over the limit (saying
      // its size and the limit); one that does not say its length is refused when it passes the limit.
      const tooLarge = async (req: FastifyRequest) => {
        if (req.user) requireRole(req, ANALYST_ROLES);
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > maxBytes) throw refusal(mb(length));
      };
      scope.post('/imports/upload', { schema: { hide: true }, onRequest: tooLarge }, async (req, reply) => {
        if (!analystOnly(req, reply)) return reply;
        if (!req.headers['content-type']?.toLowerCase().startsWith('multipart/form-data'))
          throw new AppError(415, 'unsupported-media-type', 'Upload the file with the form (multipart/form-data).');
        const form = (req.body ?? {}) as MultipartBody;
        const importer = typeof form.importer === 'string' ? form.importer : '';
        const files: UploadedFile[] = uploadsOf(form, 'files');
        checkCsrf(req);
        try {
          const summary = await uploads.stage(importer, files);
          if (summary.state === 'draft' && summary.importId !== null)
            return reply.redirect(`/imports/${summary.importId}`, 303);
          return uploadPage(reply.status(400), { importer, report: summary });
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          return uploadPage(reply.status(400), { importer, problem: e });
        }
      });
    },
    { tooLarge: () => refusal(`over ${maxMb}`) },
  );

  const draftForm = {
    hide: true,
    params: ImportParams,
    body: Type.Object({ _csrf: Type.Optional(Type.String()), missing: Type.Optional(Type.String()) }),
  };
  const importPage = async (reply: FastifyReply, id: number, problem: string) => {
    const imp = await imports.get(id);
    return reply.status(409).view('import.njk', {
      title: imp.state === 'draft' ? `Draft import ${imp.id}` : `Import ${imp.id}`,
      imp,
      fresh: imp.metrics.filter((m) => m.action === 'new'),
      changed: imp.metrics.filter((m) => m.action === 'changed'),
      problem,
    });
  };

  app.post('/imports/:id/publish', { schema: draftForm }, async (req, reply) => {
    if (!analystOnly(req, reply)) return reply;
    checkCsrf(req);
    const missing = req.body.missing;
    if (missing !== undefined && missing !== 'withdraw' && missing !== 'keep')
      throw new AppError(400, 'invalid-parameter', 'missing: choose withdraw or keep', [
        { field: 'missing', message: 'choose withdraw or keep', value: missing },
      ]);
    try {
      await uploads.publish(req.params.id, missing);
    } catch (e) {
      if (!(e instanceof ImportStateError)) throw e;
      return importPage(reply, req.params.id, e.message);
    }
    return reply.redirect(`/imports/${req.params.id}`, 303);
  });

  app.post('/imports/:id/discard', { schema: draftForm }, async (req, reply) => {
    if (!analystOnly(req, reply)) return reply;
    checkCsrf(req);
    try {
      await uploads.discard(req.params.id);
    } catch (e) {
      if (!(e instanceof ImportStateError)) throw e;
      return importPage(reply, req.params.id, e.message);
    }
    return reply.redirect(`/imports/${req.params.id}`, 303);
  });
}
