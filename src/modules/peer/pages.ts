/**
 * The peer challenge pages (no JavaScript needed): /peer-challenge (coverage: the full table with filters for managers,
 * the counts for everyone), /peer-challenge/pipeline, /peer-challenge/engagements/{id} (the engagement, with the forms
 * its viewer may use: next step, team builder, findings, recommendations, documents, the action plan), and
 * /peer-challenge/councils/{code} (a council's published challenges), /peer-challenge/recommendations (search of
 * findings and recommendations, a GET form), /peer-challenge/pool (days donated per peer and council). Forms post here,
 * are CSRF-checked and answer 303 back to the page, or the page again (400) with an error summary naming each field.
 */
import { readFile } from 'node:fs/promises';
import { noStore } from '../../platform/http.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { AppError } from '../../platform/errors.ts';
import { uploadsOf, withUploads, type MultipartBody } from '../../platform/multipart.ts';
import { checkCsrf } from '../accounts/index.ts';
import { isManager } from './context.ts';
import { TEAM_ROLES } from './engagements.ts';
import { DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, DOCUMENT_MAX_MB } from './files.ts';
import { ACTION_STATUSES, DOCUMENT_KINDS, FINDING_KINDS } from './outcomes.ts';
import { CalendarQuery, CodeParams, CoverageQuery, IdParams } from './schemas.ts';
import type { PeerService } from './service.ts';
import { STATE_LABELS, STATES, stateIndex, type State } from './states.ts';

const F = (max = 4000) => Type.Optional(Type.String({ maxLength: max }));
const Form = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
const FORMS = [
  'steps',
  'focus',
  'team',
  'days',
  'contacts',
  'findings',
  'recommendations',
  'actions',
  'updates',
] as const;
type FormName = (typeof FORMS)[number];
const FormParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  form: Type.Union(FORMS.map((f) => Type.Literal(f))),
});
const PageSearchQuery = Type.Object({ q: F(200), component: F(100), type: F(50) }, { additionalProperties: false });
const PageCoverageQuery = Type.Object({ ...CoverageQuery.properties, flagged: F(5) }, { additionalProperties: false });

const same = (xs: readonly string[]) => xs.map((x) => ({ value: x, text: x }));
const opt = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
const num = (s: string | undefined) => (opt(s) === undefined ? Number.NaN : Number(s));

export function peerPages(app: App, peer: PeerService): void {
  const signInFirst = (req: FastifyRequest, reply: FastifyReply) =>
    reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);

  app.get('/peer-challenge', { schema: { hide: true, querystring: PageCoverageQuery } }, async (req, reply) => {
    noStore(reply);
    if (!isManager(req.user))
      return reply.view('peer-coverage.njk', {
        title: 'Peer challenge coverage',
        counts: await peer.counts(),
        rows: null,
      });
    const q = { ...req.query, flagged: req.query.flagged === 'true' ? true : undefined };
    const { rows, counts, regions } = await peer.coverageWithCounts(q);
    const query = new URLSearchParams(
      Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    ).toString();
    return reply.view('peer-coverage.njk', {
      title: 'Peer challenge coverage',
      counts,
      rows,
      regions,
      q: req.query,
      csv: `/api/v1/peer-challenge/coverage.csv${query ? `?${query}` : ''}`,
      statuses: ['overdue', 'none', 'due', 'not-due'],
      tagClass: {
        overdue: 'govuk-tag--red',
        none: 'govuk-tag--grey',
        due: 'govuk-tag--yellow',
        'not-due': 'govuk-tag--green',
      },
    });
  });

  app.get('/peer-challenge/pipeline', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    if (!isManager(req.user)) throw new AppError(403, 'forbidden', 'The pipeline is for peer challenge managers.');
    noStore(reply);
    const states = (await peer.pipeline()).map((s) => ({ ...s, label: STATE_LABELS[s.state as State] ?? s.state }));
    return reply.view('peer-pipeline.njk', { title: 'Peer challenge pipeline', states });
  });

  const engagementPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: { href: string; text: string }[] = [],
    form: Record<string, string> = {},
    notices: string[] = [],
  ) => {
    const e = await peer.get(req.user, id);
    const manager = e.standing === 'manager';
    const next = STATES[stateIndex(e.state) + 1];
    const stateOptions = [
      ...(e.state === 'postponed' ? [] : next ? [next] : []),
      ...(e.state !== 'withdrawn' && e.state !== 'closed' ? ['withdrawn'] : []),
      ...(stateIndex(e.state) >= 0 && stateIndex(e.state) < stateIndex('on-site') ? ['postponed'] : []),
    ].map((s) => ({ value: s, text: STATE_LABELS[s as State] }));
    if (e.state === 'postponed') {
      const last = e.steps.filter((s) => s.state !== 'postponed').at(-1);
      if (last) stateOptions.unshift({ value: last.state, text: `${STATE_LABELS[last.state as State]} (resume)` });
    }
    noStore(reply);
    return reply.view('peer-engagement.njk', {
      title: `${errors.length ? 'Error: ' : ''}${e.kind.name}: ${e.council.name}`,
      e,
      errors,
      form,
      notices,
      canManage: manager,
      contacts: manager ? await peer.contacts(req.user, id) : null,
      canRecordDays: manager && stateIndex(e.state) >= stateIndex('on-site'),
      canFind: manager || e.standing === 'peer',
      canPlan: manager || e.standing === 'council',
      canFocus:
        (manager || e.standing === 'council') &&
        stateIndex(e.state) >= 0 &&
        stateIndex(e.state) < stateIndex('feedback-presented'),
      stateOptions,
      o: {
        peers: (manager ? await peer.peers(req.user) : [])
          .filter((p) => p.active)
          .map((p) => ({
            value: String(p.id),
            text: `${p.name} (${p.role}${p.politicalGroup ? `, ${p.politicalGroup}` : ''})`,
          })),
        teamRoles: same(TEAM_ROLES),
        findingKinds: same(FINDING_KINDS),
        actionStatuses: same(ACTION_STATUSES),
        documentKinds: same(DOCUMENT_KINDS),
        recommendations: e.recommendations.map((r) => ({ value: r.id, text: r.id })),
        team: e.team.map((t) => ({ value: String(t.peerId), text: `${t.name} (${t.teamRole})` })),
        actions: e.recommendations.flatMap((r) =>
          r.actions.map((a) => ({ value: String(a.id), text: `${r.id}: ${a.text.slice(0, 60)}` })),
        ),
      },
      findingsByComponent: [
        ...e.framework.components.map((c) => ({ code: c.code, title: c.title })),
        ...e.focusAreas.map((f) => ({ code: `focus:${f}`, title: `Local focus: ${f}` })),
      ].map((c) => ({ ...c, findings: e.findings.filter((f) => f.component === c.code) })),
      components: [
        ...e.framework.components.map((c) => ({ value: c.code, text: c.title })),
        ...e.focusAreas.map((f) => ({ value: `focus:${f}`, text: `Local focus: ${f}` })),
      ],
      csv: `/api/v1/peer-challenge/engagements/${e.id}/action-plan.csv`,
      documentFiles: { extensions: DOCUMENT_EXTENSIONS.map((x) => `.${x}`).join(', '), maxMb: DOCUMENT_MAX_MB },
    });
  };

  app.get('/peer-challenge/engagements/:id', { schema: { hide: true, params: IdParams } }, async (req, reply) =>
    engagementPage(req, reply, req.params.id),
  );

  app.post(
    '/peer-challenge/engagements/:id/:form',
    { schema: { hide: true, params: FormParams, body: Form } },
    async (req, reply) => {
      if (!req.user) return signInFirst(req, reply);
      checkCsrf(req);
      const { id, form } = req.params;
      const b = req.body;
      try {
        const r = await submit(peer, req, id, form, b);
        if (r && typeof r === 'object' && r.warnings.length) return engagementPage(req, reply, id, [], {}, r.warnings);
        return reply.redirect(`/peer-challenge/engagements/${id}#${form}`, 303);
      } catch (e) {
        return refused(req, reply, id, form, b, e);
      }
    },
  );

  /** A refused form: the engagement page again (400 or 409) with an error summary naming each field. */
  const refused = (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    form: string,
    b: Record<string, string>,
    e: unknown,
  ) => {
    if (!(e instanceof AppError) || (e.status !== 400 && e.status !== 409)) throw e;
    const errors = (e.errors.length ? e.errors : [{ field: form, message: e.message }]).map((x) => ({
      href: `#${form}-${x.field.replace(/[^\w-]/g, '')}`,
      text: `${x.field}${x.value ? ` "${x.value}"` : ''}: ${x.message}`,
    }));
    return engagementPage(req, reply.status(e.status), id, errors, { ...b, _form: form });
  };

  // Documents: a link or an uploaded file, so the form is multipart (read in a scope of its own, twice the largest
  // file taken so that a file somewhat too large is named on the page; a larger body is a 413).
  withUploads(app, 2 * DOCUMENT_MAX_BYTES, (scope) => {
    scope.post(
      '/peer-challenge/engagements/:id/documents',
      { schema: { hide: true, params: IdParams } },
      async (req, reply) => {
        if (!req.user) return signInFirst(req, reply);
        checkCsrf(req);
        const id = req.params.id;
        const body = (req.body ?? {}) as MultipartBody;
        const b = Object.fromEntries(
          Object.entries(body).filter((x): x is [string, string] => typeof x[1] === 'string'),
        );
        try {
          const [file] = uploadsOf(body, 'file');
          await peer.addDocument(req.user, id, {
            kind: b.kind ?? '',
            title: b.title ?? '',
            url: opt(b.url),
            file: file && { filename: file.filename, data: await readFile(file.path) },
            publishedAt: opt(b.publishedAt),
            public: b.public === 'yes',
          });
          return reply.redirect(`/peer-challenge/engagements/${id}#documents`, 303);
        } catch (e) {
          return refused(req, reply, id, 'documents', b, e);
        }
      },
    );
  });

  app.get('/peer-challenge/calendar', { schema: { hide: true, querystring: CalendarQuery } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const c = await peer.onsiteWeeks(req.user, req.query.year);
    return reply.view('peer-calendar.njk', { title: `On-site weeks ${c.year}`, c, labels: STATE_LABELS });
  });

  app.get('/peer-challenge/pool', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    return reply.view('peer-pool.njk', { title: 'Peer pool', p: await peer.pool(req.user) });
  });

  app.get(
    '/peer-challenge/recommendations',
    { schema: { hide: true, querystring: PageSearchQuery } },
    async (req, reply) => {
      noStore(reply);
      const q = Object.fromEntries(Object.entries(req.query).filter(([, x]) => x !== undefined && x !== ''));
      const ref = await peer.reference();
      const components = new Map<string, string>();
      for (const f of ref.frameworks) for (const c of f.components) components.set(c.code, `${c.title} (${f.version})`);
      const page = (r: Awaited<ReturnType<PeerService['searchOutcomes']>> | null, errors: object[] = []) =>
        reply.view('peer-search.njk', {
          title: 'Peer challenge recommendations and findings',
          r,
          q: req.query,
          errors,
          components: [
            { value: '', text: 'Any component' },
            ...[...components].map(([value, text]) => ({ value, text, selected: value === req.query.component })),
          ],
          api: `/api/v1/peer-challenge/recommendations?${new URLSearchParams(q as Record<string, string>).toString()}`,
        });
      try {
        return await page(await peer.searchOutcomes(req.user, q));
      } catch (e) {
        if (!(e instanceof AppError) || e.status !== 400) throw e;
        reply.status(400);
        return page(
          null,
          e.errors.map((x) => ({
            href: `#search-${x.field}`,
            text: `${x.field}${x.value ? ` "${x.value}"` : ''}: ${x.message}`,
          })),
        );
      }
    },
  );

  app.get('/peer-challenge/councils/:code', { schema: { hide: true, params: CodeParams } }, async (req, reply) => {
    noStore(reply);
    const c = await peer.council(req.user, req.params.code);
    return reply.view('peer-council.njk', { title: `Peer challenge: ${c.council.name}`, c });
  });
}

/** A form's fields handed to the service as the API's body would be. */
async function submit(
  peer: PeerService,
  req: FastifyRequest,
  id: number,
  form: FormName,
  b: Record<string, string>,
): Promise<{ warnings: string[] } | undefined> {
  const v = req.user;
  switch (form) {
    case 'steps':
      return void (await peer.step(v, id, {
        state: b.state ?? '',
        date: b.date ?? '',
        reason: opt(b.reason),
        onsiteStart: opt(b.onsiteStart),
        onsiteEnd: opt(b.onsiteEnd),
      }));
    case 'team':
      return peer.addTeamMember(v, id, {
        peerId: num(b.peerId),
        teamRole: b.teamRole ?? '',
        daysCommitted: num(b.daysCommitted),
      });
    case 'days':
      return void (await peer.recordDaysDelivered(
        v,
        id,
        num(b.peerId),
        opt(b.daysDelivered) === undefined ? null : num(b.daysDelivered),
      ));
    case 'contacts':
      return void (await peer.setContacts(v, id, {
        leaderName: b.leaderName,
        leaderEmail: b.leaderEmail,
        chiefExecutiveName: b.chiefExecutiveName,
        chiefExecutiveEmail: b.chiefExecutiveEmail,
      }));
    case 'focus':
      return void (await peer.addFocusArea(v, id, { name: b.name ?? '' }));
    case 'findings':
      return void (await peer.addFinding(v, id, {
        component: b.component ?? '',
        kind: b.kind ?? '',
        text: b.text ?? '',
      }));
    case 'recommendations':
      return void (await peer.addRecommendation(v, id, { component: b.component ?? '', text: b.text ?? '' }));
    case 'actions':
      return void (await peer.addAction(v, id, {
        recommendation: b.recommendation ?? '',
        text: b.text ?? '',
        ownerRole: b.ownerRole ?? '',
        dueDate: b.dueDate ?? '',
      }));
    case 'updates':
      return void (await peer.updateAction(v, id, num(b.action), {
        date: b.date ?? '',
        status: b.status ?? '',
        note: opt(b.note),
      }));
  }
}
