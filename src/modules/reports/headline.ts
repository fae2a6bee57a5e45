/**
 * The headline report of a council: the key measures, by service area, against a chosen group — value, rank, quarter,
 * the group's median, England, significance, direction of travel, a small trend, a neutral sentence and the caveats beside
 * the figures. It is computed from the published data on each request, so it updates itself when data are published.
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { createAreasService } from '../areas/index.ts';
import { createCompareService, type Comparison } from '../compare/index.ts';
import { createMetricsService, TOPICS } from '../metrics/index.ts';
import { createSectorService } from '../sector/index.ts';

export interface HeadlineQuery {
  basket?: string | undefined;
  group?: string | undefined;
  period?: string | undefined;
  window?: number | undefined;
}

export type HeadlineItem = Omit<Comparison, 'members' | 'area'> & { why: string };

export interface Headline {
  area: { code: string; name: string; type: string };
  group: { id: string; name: string };
  basket: { id: string; version: string; name: string };
  themes: { theme: string; title: string; items: HeadlineItem[] }[];
  notApplicable: { metric: string; title: string; reason: string }[];
  noData: { metric: string; title: string; reason: string }[];
  notes: string[];
  licences: string[];
  attribution: string[];
}

export function createHeadlineService(db: Db) {
  const compare = createCompareService(db);
  const sector = createSectorService(db);
  const metrics = createMetricsService(db);
  const areas = createAreasService(db);

  return {
    async headline(code: string, q: HeadlineQuery = {}): Promise<Headline> {
      // Independent look-ups side by side (on PostgreSQL each is a round trip).
      const [focus, basket] = await Promise.all([compare.focusArea(code), sector.basket(q.basket)]);
      const groupId = q.group ?? `type:${focus.type}`;
      const [resolved, rows] = await Promise.all([compare.groupFor(groupId, new Date().toISOString().slice(0, 10)), metrics.resolveKnown(basket.metrics.map((m) => m.metric))]);
      const byCode = new Map(rows.map((r) => [r.code, r]));
      const applicable = rows.filter((r) => (JSON.parse(r.applicable_area_types) as string[]).includes(focus.type));
      const results = await compare.compareMany(applicable, focus, resolved, { period: q.period, window: q.window, focusOnly: true });
      const notApplicable: Headline['notApplicable'] = [];
      const noData: Headline['noData'] = [];
      let upperTier: { code: string; name: string } | null = null;
      const themes = new Map<string, HeadlineItem[]>();
      for (const entry of basket.metrics) {
        const row = byCode.get(entry.metric);
        if (!row) {
          noData.push({ metric: entry.metric, title: entry.metric, reason: 'no longer in the catalogue' });
          continue;
        }
        const types = JSON.parse(row.applicable_area_types) as string[];
        if (!types.includes(focus.type)) {
          if (focus.type === 'E07' && upperTier === null) upperTier = (await areas.getArea(focus.code)).parents.upperTier;
          const runBy = focus.type === 'E07' && types.includes('E10') && upperTier ? `; ${upperTier.name} (${upperTier.code}) runs this service for ${focus.name}` : '';
          notApplicable.push({ metric: row.code, title: row.title, reason: `published for ${types.join(', ')} councils, not ${focus.type}${runBy}` });
          continue;
        }
        const c = results.get(row.code);
        if (!c || 'problem' in c) {
          noData.push({ metric: row.code, title: row.title, reason: c && 'problem' in c ? c.problem : 'no data' });
          continue;
        }
        const { members: _m, area: _a, ...item } = c;
        const theme = entry.theme ?? row.topic_id ?? 'context';
        let list = themes.get(theme);
        if (!list) themes.set(theme, (list = []));
        list.push({ ...item, why: entry.why });
      }
      if (themes.size === 0) throw new AppError(404, 'no-data', `There are no key measures with data for ${focus.name} in basket ${basket.id}.`);
      const all = [...themes.values()].flat();
      return {
        area: { code: focus.code, name: focus.name, type: focus.type },
        group: { id: resolved.group.id, name: resolved.group.name },
        basket: { id: basket.id, version: basket.version, name: basket.name },
        themes: TOPICS.filter((t) => themes.has(t.id)).map((t) => ({ theme: t.id, title: t.title, items: themes.get(t.id)! })),
        notApplicable,
        noData,
        notes: [...new Set(all.flatMap((i) => i.notes))],
        licences: [...new Set(all.map((i) => i.licence))],
        attribution: [...new Set(all.map((i) => i.attribution))],
      };
    },
  };
}
export type HeadlineService = ReturnType<typeof createHeadlineService>;
