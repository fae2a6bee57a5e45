/**
 * The headline report of a council: the key measures, by service area, against a chosen group — value, rank, quarter,
 * the group's median, England, significance, direction of travel, a small trend, a neutral sentence and the caveats
 * beside
 * the figures. It is computed from the published data on each request, so it updates itself when data are published.
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { stampedMemo } from '../../platform/stamped.ts';
import { isCouncilService, typeInfo, typesInWords, type AreasService } from '../areas/index.ts';
import { type CompareService, type Comparison } from '../compare/index.ts';
import type { Viewer } from '../groups/index.ts';
import { TOPICS, type MetricsService } from '../metrics/index.ts';
import { importsStamp } from '../imports/index.ts';
import { type SectorService, type BasketDefinitionT } from '../sector/index.ts';

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

interface Definitions {
  basket: BasketDefinitionT;
  rows: Awaited<ReturnType<MetricsService['byCodes']>>;
  periods: Awaited<ReturnType<MetricsService['periodsOfCodes']>>;
  /** Categorical measures outside the basket, shown beside it (JUDGEMENT_WHY). */
  judgements: Awaited<ReturnType<MetricsService['byCodes']>>;
}

/** Why a judgement outside the basket is in the headline. */
export const JUDGEMENT_WHY =
  "An inspectorate's judgement of the service, shown beside the key measures: a label, compared by counting the group's councils per judgement, never averaged or ranked.";

export function createHeadlineService(
  db: Db,
  deps: { compare: CompareService; sector: SectorService; metrics: MetricsService; areas: AreasService },
) {
  const { compare, sector, metrics, areas } = deps;

  /**
   * What a report is computed against rather than from: the basket, its metrics and their periods (with England's
   * figures, kept beside the coverage), and the
   * members of a built-in or published group. These change only when an import is made, published or discarded, or a
   * basket is loaded (custom groups, which users change, are never kept), so they are kept under a stamp of those,
   * read on every report beside the council's own look-up. The figures themselves are read afresh every time.
   */
  const remembered = stampedMemo(); // an unknown basket or group is not remembered
  async function loadDefinitions(ref: string | undefined): Promise<Definitions> {
    const basket = await sector.basket(ref);
    const codes = basket.metrics.map((m) => m.metric);
    const [rows, periods, judgements] = await Promise.all([
      metrics.byCodes(codes),
      metrics.periodsOfCodes(codes),
      metrics.categoricalWithData(),
    ]);
    // Judgements (categorical measures) the basket does not name are shown beside it; one it names is compared as
    // labels and counts like any other (compare handles categorical measures).
    const extra = judgements.filter((j) => !codes.includes(j.code));
    const extraPeriods = await metrics.periodsOf(extra.map((j) => j.id));
    return { basket, rows: [...rows, ...extra], periods: [...periods, ...extraPeriods], judgements: extra };
  }

  return {
    /** `viewer`: the signed-in user, who may compare with their own private groups. */
    async headline(code: string, q: HeadlineQuery = {}, viewer?: Viewer): Promise<Headline> {
      // The council, its group and the basket's definitions are looked up side by side (on PostgreSQL each is a round
      // trip); the group waits for the council only when it is the default, the group of its type.
      const today = new Date().toISOString().slice(0, 10);
      const focusP = compare.focusArea(code);
      const stampP = Promise.all([importsStamp(db), sector.basketsLoadedAt()]).then(
        ([imports, baskets]) => `${imports}|${baskets ?? '-'}`,
      );
      const groupOf = (id: string, at: string) =>
        id.startsWith('custom-')
          ? compare.groupFor(id, at, viewer)
          : stampP.then((stamp) => remembered(stamp, `group:${id}@${at}`, () => compare.groupFor(id, at)));
      const groupId = q.group !== undefined ? Promise.resolve(q.group) : focusP.then((f) => `type:${f.type}`);
      const groupP = groupId.then((id) => groupOf(id, today));
      const defsP = stampP.then((stamp) =>
        remembered(stamp, `basket:${q.basket ?? ''}`, () => loadDefinitions(q.basket)),
      );
      const settled = await Promise.allSettled([focusP, defsP, groupP]);
      for (const r of settled) if (r.status === 'rejected') throw r.reason; // the council's problem first, then the basket's, then the group's
      const [focus, { basket, rows, periods, judgements }, resolved, id] = [
        await focusP,
        await defsP,
        await groupP,
        await groupId,
      ];
      const byCode = new Map(rows.map((r) => [r.code, r]));
      const applicable = rows.filter((r) => r.applicableAreaTypes.includes(focus.type));
      // Each measure is compared with the group's members as at its own period, as a single comparison is.
      const results = await compare.compareMany(applicable, focus, (at) => groupOf(id, at), {
        period: q.period,
        window: q.window,
        focusOnly: true,
        periods,
      });
      const notApplicable: Headline['notApplicable'] = [];
      const noData: Headline['noData'] = [];
      let upperTier: { code: string; name: string } | null = null;
      const themes = new Map<string, HeadlineItem[]>();
      const entries = [
        ...basket.metrics,
        ...judgements
          .filter((j) => j.applicableAreaTypes.includes(focus.type))
          .map((j) => ({ metric: j.code, why: JUDGEMENT_WHY, theme: undefined })),
      ];
      for (const entry of entries) {
        const row = byCode.get(entry.metric);
        if (!row) {
          noData.push({ metric: entry.metric, title: entry.metric, reason: 'no longer in the catalogue' });
          continue;
        }
        const types = row.applicableAreaTypes;
        // A measure no council type has (homicide, published for regions and England) is not a service the council
        // does not run: it has no figure for any council.
        if (!isCouncilService(types)) {
          noData.push({
            metric: row.code,
            title: row.title,
            reason: `published for ${typesInWords(types)} only, not for councils`,
          });
          continue;
        }
        if (!types.includes(focus.type)) {
          if (focus.type === 'E07' && upperTier === null)
            upperTier = (await areas.getArea(focus.code)).parents.upperTier;
          const runBy =
            focus.type === 'E07' && types.includes('E10') && upperTier
              ? `; ${upperTier.name} (${upperTier.code}) runs this service for ${focus.name}`
              : '';
          notApplicable.push({
            metric: row.code,
            title: row.title,
            reason: `published for ${typesInWords(types)}, not ${typeInfo(focus.type).plural}${runBy}`,
          });
          continue;
        }
        const c = results.get(row.code);
        if (!c || 'problem' in c) {
          noData.push({ metric: row.code, title: row.title, reason: c && 'problem' in c ? c.problem : 'no data' });
          continue;
        }
        const { members: _m, area: _a, ...item } = c;
        const theme = entry.theme ?? row.topic ?? 'context';
        let list = themes.get(theme);
        if (!list) themes.set(theme, (list = []));
        list.push({ ...item, why: entry.why });
      }
      if (themes.size === 0)
        throw new AppError(
          404,
          'no-data',
          `There are no key measures with data for ${focus.name} in basket ${basket.id}.`,
        );
      const all = [...themes.values()].flat();
      return {
        area: { code: focus.code, name: focus.name, type: focus.type },
        group: { id: resolved.group.id, name: resolved.group.name },
        basket: { id: basket.id, version: basket.version, name: basket.name },
        themes: TOPICS.filter((t) => themes.has(t.id)).map((t) => ({
          theme: t.id,
          title: t.title,
          items: themes.get(t.id)!,
        })),
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
