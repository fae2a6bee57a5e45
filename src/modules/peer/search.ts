/**
 * Learning across the sector: findings and recommendations of peer challenges searched by words (full text on both
 * databases), framework component and council type, with counts by component per year. Everyone searches the published
 * challenges (report published or later); a council user its council's engagements too and a peer the engagements
 * they are on, drafts included; peer challenge managers and administrators search every engagement.
 */
import { invalidParameter } from '../../platform/errors.ts';
import { typePrefixes } from '../areas/index.ts';
import { isManager, type PeerContext, type Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import { isPublished, STATES, stateIndex } from './states.ts';

export interface SearchQuery {
  q?: string | undefined;
  component?: string | undefined;
  type?: string | undefined;
  limit?: number | undefined;
}

const PUBLISHED_STATES = STATES.filter((s) => stateIndex(s) >= stateIndex('report-published'));
// Dropped before matching so that both databases agree (PostgreSQL's english configuration ignores them, FTS5 not).
const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in is it its of on or that the this to was were will with'.split(' '),
);
export const MAX_WORDS = 12;

/**
 * The words of a search: letters and digits only (any quote, operator, control or bidi character is a separator), lower
 * case, stop words dropped, at most twelve. Nothing of the input reaches a query but these words, as bound values.
 */
export function searchWords(q: string | undefined): string[] {
  const words =
    (q ?? '')
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w) && w.length <= 60))].slice(0, MAX_WORDS);
}

export function searchService(ctx: PeerContext) {
  const { db, log } = ctx;

  async function searchOutcomes(v: Viewer, query: SearchQuery) {
    const ref = await ctx.reference();
    const dir = await ctx.councils();
    const words = searchWords(query.q);
    const titles = new Map<string, string>();
    for (const f of ref.frameworks) for (const c of f.components) titles.set(c.code, c.title);
    const component = query.component?.trim() || undefined;
    if (component !== undefined && !titles.has(component) && !/^focus:./.test(component))
      throw invalidParameter(
        'component',
        `is not a framework component (${[...titles.keys()].join(', ')}) or a local focus area (focus:…)`,
        component,
      );
    let areaIds: number[] | undefined;
    if (query.type?.trim()) {
      const prefixes = typePrefixes(query.type);
      if (!prefixes) throw invalidParameter('type', 'is not a council type such as E07 or district', query.type);
      areaIds = [...dir.byId.values()].filter((c) => prefixes.includes(c.type)).map((c) => c.id);
    }
    const manager = isManager(v);
    const own = await ctx.own(v);
    const q = { words, component, areaIds, states: manager ? undefined : PUBLISHED_STATES, own };
    const limit = query.limit ?? 50;
    const [rows, counted] = await Promise.all([
      repo.searchOutcomes(db.kysely, db.dialect, q, limit),
      repo.countOutcomes(db.kysely, db.dialect, q),
    ]);
    const title = (code: string) =>
      titles.get(code) ?? (code.startsWith('focus:') ? `Local focus: ${code.slice(6)}` : code);
    const counts = new Map<
      string,
      { component: string; title: string; year: string | null; recommendations: number; findings: number }
    >();
    for (const c of counted) {
      const key = `${c.year}\u0000${c.component_code}`;
      const row = counts.get(key) ?? {
        component: c.component_code,
        title: title(c.component_code),
        year: c.year,
        recommendations: 0,
        findings: 0,
      };
      if (c.kind === 'finding') row.findings += Number(c.n);
      else row.recommendations += Number(c.n);
      counts.set(key, row);
    }
    const total = counted.reduce((n, c) => n + Number(c.n), 0);
    log.info({ event: 'outcomes-searched', words: words.length, component, type: query.type, total });
    return {
      q: words.join(' '),
      component: component ?? null,
      type: query.type?.trim() || null,
      scope: manager ? ('all' as const) : own ? ('published-and-own' as const) : ('published' as const),
      total,
      limit,
      results: rows.map((r) => {
        const c = dir.byId.get(r.area_id);
        return {
          kind: r.kind,
          id: r.kind === 'recommendation' ? r.ref! : `finding-${r.id}`,
          engagement: r.engagement_id,
          council: { code: c?.code ?? '', name: c?.name ?? '', currentCode: c?.currentCode ?? '' },
          councilType: c?.type ?? null,
          year: r.onsite_start?.slice(0, 4) ?? null,
          component: r.component_code,
          componentTitle: title(r.component_code),
          findingKind: r.finding_kind,
          text: r.text,
          published: isPublished(r.state),
        };
      }),
      counts: [...counts.values()],
    };
  }

  return { searchOutcomes };
}
