/**
 * The group pages: /groups (the groups a visitor can use, and yours; ?area= one council's), /groups/{id} (one group,
 * its
 * members, model, source and licence), /groups/new and POST /groups (save a custom group), POST /groups/{id}/delete.
 * Thin handlers: who may see, save and delete is the service's; view.ts builds the view models.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/app-types.ts';
import { pageKey } from '../../platform/page-cache.ts';
import { AppError } from '../../platform/errors.ts';
import { checkCsrf, requireRole, type SessionUser, ROLES as SIGNED_IN } from '../accounts/index.ts';
import { type AreasService, nameWithCode, parseAt, typedCode } from '../areas/index.ts';
import { GroupParams } from './schemas.ts';
import { VISIBILITIES, type GroupsService } from './service.ts';
import {
  byKind,
  customView,
  familyView,
  formErrors,
  groupPath,
  groupView,
  longDate,
  parseMembers,
  VISIBILITY_CHOICES,
  type FormError,
  type GroupForm,
} from './view.ts';

const Field = (max: number) => Type.Optional(Type.String({ maxLength: max }));
/** A date as the API takes it, or nothing (a date field left empty). */
const At = Type.Optional(Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }));
const ListQuery = Type.Object(
  { area: Field(20), at: At, deleted: Type.Optional(Type.String({ pattern: '^custom-\\d+$' })) },
  { additionalProperties: false },
);
const GroupPageQuery = Type.Object({ at: At }, { additionalProperties: false });
const GroupBody = Type.Object({
  name: Field(1000),
  description: Field(2000),
  visibility: Field(20),
  members: Field(20000),
  _csrf: Field(100),
});
const CsrfBody = Type.Object({ _csrf: Field(100) });

const visibilityOptions = VISIBILITIES.map((v) => ({ value: v, text: VISIBILITY_CHOICES[v] }));

export function groupsPages(app: App, groups: GroupsService, areas: AreasService): void {
  /** The council asked for with ?area=, and the groups it can be compared with; a problem for the field otherwise. */
  async function forArea(code: string, at: string) {
    try {
      const area = await areas.getArea(code, at);
      return {
        area: { code: area.code, name: area.name },
        areaGroups: byKind(await groups.groupsForArea(area.code, at)),
        problem: null,
      };
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      return {
        area: null,
        areaGroups: null,
        problem: { status: e.status, text: `${code}: ${e.errors[0]?.message ?? e.message}` },
      };
    }
  }

  /** The listing as at today changes only with the groups, the geography or the date: its stamp. */
  const listingStamp = async () => {
    const [g, a] = await Promise.all([groups.lastModified(), areas.lastModified()]);
    return `${g ?? '-'}|${a ?? '-'}|${new Date().toISOString().slice(0, 10)}`;
  };

  /** The listing page's status and view model, for a visitor (user null) or a signed-in user. */
  async function listing(query: { at?: string; area?: string; deleted?: string }, user: SessionUser | null) {
    const at = parseAt(query.at || undefined);
    // The council by name or code (as the areas module matches names); one that fits none or several is a problem.
    const field = await areas.councilField(query.area, at);
    const code = field?.area?.code;
    const unmatched = field && !field.area ? { status: 400, text: field.error! } : null;
    const [chosen, builtIn, families, shared, mine] = await Promise.all([
      code ? forArea(code, at) : Promise.resolve({ area: null, areaGroups: null, problem: unmatched }),
      field ? Promise.resolve([]) : groups.builtInGroups(at),
      groups.families(),
      groups.publicCustomGroups(),
      user ? groups.customGroupsOf(user) : Promise.resolve(null),
    ]);
    return {
      status: chosen.problem?.status ?? 200,
      view: {
        title: chosen.problem ? 'Error: Comparison groups' : 'Comparison groups',
        at: longDate(at),
        atGiven: query.at || null,
        ...chosen,
        areaInput: field && chosen.problem ? { ...field, error: chosen.problem.text } : field,
        builtIn: byKind(builtIn),
        families: families.map(familyView),
        publicGroups: shared.map(customView),
        mine: mine?.map(customView) ?? null,
        deleted: user ? (query.deleted ?? null) : null,
        csrf: user?.csrfToken ?? null,
      },
    };
  }

  app.get('/groups', { schema: { hide: true, querystring: ListQuery } }, async (req, reply) => {
    const user = req.user ?? null;
    reply.header('cache-control', user ? 'private, no-store' : 'public, max-age=60').header('vary', 'cookie');
    // The plain listing (no query) is the same for every visitor until a group or the geography changes: kept.
    if (!user && pageKey('/groups', req.url, {}) !== undefined)
      return reply.viewCached(
        '/groups',
        await listingStamp(),
        'groups.njk',
        async () => (await listing({}, null)).view,
      );
    const { status, view } = await listing(req.query, user);
    return reply.code(status).view('groups.njk', view);
  });

  const formPage = (reply: FastifyReply, user: SessionUser, form: GroupForm, errors: FormError[] = []) => {
    reply.header('cache-control', 'private, no-store');
    const byField: Record<string, string[]> = {};
    for (const e of errors) (byField[e.field] ??= []).push(e.text);
    return reply.view('group-new.njk', {
      title: errors.length ? 'Error: Create a group' : 'Create a group',
      form,
      errors,
      byField,
      csrf: user.csrfToken,
      visibilityOptions,
    });
  };

  app.get('/groups/new', { schema: { hide: true } }, async (req, reply) => {
    if (!req.user) return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    const user = requireRole(req, SIGNED_IN);
    return formPage(reply, user, { visibility: 'private', members: user.council?.code ?? '' });
  });

  app.post('/groups', { schema: { hide: true, body: GroupBody } }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    // Councils by name or code: a name is matched as the areas module matches names; one that fits no council, or
    // several, is said with the choices, before anything is saved.
    const listed = parseMembers(req.body.members);
    const members: string[] = [];
    const nameErrors: FormError[] = [];
    for (const [i, text] of listed.entries()) {
      const m = await areas.matchArea(text);
      if (m.kind === 'match') members.push(m.area.code);
      else if (typedCode(text)) members.push(text);
      else
        nameErrors.push({
          field: 'members',
          href: '#members',
          text: `Council ${i + 1} in the list, “${text}”: ${
            m.kind === 'choices'
              ? `more than one council has this name; write one of ${m.choices.map(nameWithCode).join(', ')}`
              : 'no council has this name; check the spelling, or give its code, such as E08000009'
          }`,
        });
    }
    if (nameErrors.length) return formPage(reply.status(400), user, req.body, nameErrors);
    try {
      const g = await groups.createCustom(user, {
        name: req.body.name ?? '',
        description: req.body.description,
        visibility: req.body.visibility,
        members,
      });
      return reply.redirect(groupPath(g.id), 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      return formPage(
        reply.status(400),
        user,
        req.body,
        formErrors(e.errors.length ? e.errors : [{ field: 'name', message: e.message }]),
      );
    }
  });

  const groupPage = { hide: true, params: GroupParams, querystring: GroupPageQuery };
  app.get('/groups/:id', { schema: groupPage }, async (req, reply) => {
    const user = req.user ?? undefined;
    // A custom group may be private, and a signed-in page names its user: neither goes through shared caches, not even
    // a 404.
    const custom = req.params.id.trim().startsWith('custom-');
    reply
      .header('cache-control', custom || user ? 'private, no-store' : 'public, max-age=300')
      .header('vary', 'cookie');
    const g = await groups.getGroup(req.params.id, req.query.at || undefined, user);
    const canDelete = custom && user ? await groups.canDelete(user, g.id) : false;
    return reply.view('group.njk', { title: g.name, g, v: groupView(g), canDelete, csrf: user?.csrfToken ?? null });
  });

  const deleteForm = { hide: true, params: GroupParams, body: CsrfBody };
  app.post('/groups/:id/delete', { schema: deleteForm }, async (req, reply) => {
    const user = requireRole(req, SIGNED_IN);
    checkCsrf(req);
    await groups.deleteCustom(user, req.params.id);
    return reply.redirect(`/groups?deleted=${encodeURIComponent(req.params.id.trim())}`, 303);
  });
}
