/**
 * Analysis of a simulator's counted responses for the council and analysts: each response's levels and "about you"
 * answers, its weight (weighting.ts: age raked to the council's population, effective base), weighted shares per item,
 * and breakdowns of each item's choices by each single-choice or dropdown "about you" answer with small-cell
 * suppression: a cell or a column base under MIN_CELL is shown as suppressed, never as its number, and a second cell
 * of the same row or column is suppressed with it, so no suppressed figure can be found by subtraction from the totals.
 * Residents' comments are broken down the same way (commentBreakdowns): per item and group the number of comments and
 * of those carrying each theme, with the same suppression.
 */
import type { Db } from '../../platform/db.ts';
import type { MetricsService } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import { answerLabel, type AboutAnswers, type AboutQuestion } from './about.ts';
import { flatItems } from './model.ts';
import { withThemes } from '../surveys/index.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';
import { reviewRepository } from './review-repository.ts';
import type { Dashboard } from './results.ts';
import { POPULATION_BANDS, weigh, type PopulationTargets, type Weighting } from './weighting.ts';

/**
 * The smallest count shown in a breakdown. The surveys module suppresses breakdown columns of councils under 5;
 * residents are individuals answering about themselves, so the budget's breakdowns use the stricter 10.
 */
export const MIN_CELL = 10;
export const SUPPRESSED = '[c]';

export interface Analysed {
  rows: {
    id: number;
    submittedAt: string;
    channel: string;
    assisted: boolean;
    gapClosed: number;
    taxChangePct: number;
  }[];
  /** Per response, the chosen level's position for each item. */
  levels: number[][];
  /** Per response, its "about you" answers (null when none; an answer null when its question was not asked). */
  answers: (AboutAnswers | null)[];
  weighting: Weighting;
  population: PopulationTargets | null;
}

/** The dashboard with weighted figures beside the unweighted ones (null where there are no responses). */
export interface WeightedDashboard extends Omit<Dashboard, 'items'> {
  weightedMeanTaxChangePct: number | null;
  weightedMeanGapClosed: number | null;
  weighting: Pick<
    Weighting,
    'weighted' | 'effectiveBase' | 'efficiency' | 'byAge' | 'bySex' | 'basis' | 'source' | 'margins' | 'notes'
  >;
  items: (Omit<Dashboard['items'][number], 'levels'> & {
    weightedMeanChange: number | null;
    levels: (Dashboard['items'][number]['levels'][number] & { weightedShare: number | null })[];
  })[];
}

/** Comments per breakdown group: per item the number of comments and of each theme; null means suppressed. */
export interface CommentBreakdown {
  question: AboutQuestion;
  columns: Breakdown['columns'];
  items: {
    code: string;
    title: string;
    comments: (number | null)[];
    themes: { theme: string; cells: (number | null)[] }[];
  }[];
}

/** A breakdown cell: null count means suppressed. */
export interface BreakdownCell {
  n: number | null;
  /** Weighted share of the column choosing the level (0–1); null when suppressed or the column is empty. */
  share: number | null;
}
export interface Breakdown {
  question: AboutQuestion;
  columns: { code: string | null; label: string; base: number | null }[];
  items: { code: string; title: string; levels: { code: string; consequence: string; cells: BreakdownCell[] }[] }[];
}

/**
 * Secondary suppression on a grid (rows × columns) whose row and column totals are published: while a row or column
 * has exactly one suppressed cell, the smallest other non-zero cell of that line is suppressed too.
 */
export function protect(counts: number[][], hidden: boolean[][]): void {
  const lines: [number, number][][] = [];
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => [r, c]));
  for (let c = 0; c < cols; c++) lines.push(Array.from({ length: rows }, (_, r) => [r, c]));
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      if (line.filter(([r, c]) => hidden[r]![c]).length !== 1) continue;
      // A known zero hides nothing: the smallest non-zero cell, else any.
      const open = line.filter(([r, c]) => !hidden[r]![c]);
      const nonZero = open.filter(([r, c]) => counts[r]![c]! > 0);
      const pool = nonZero.length ? nonZero : open;
      if (pool.length === 0) continue;
      const [r, c] = pool.reduce((a, b) => (counts[b[0]]![b[1]]! < counts[a[0]]![a[1]]! ? b : a));
      hidden[r]![c] = true;
      changed = true;
    }
  }
}

export function createAnalysis(db: Db, deps: { metrics: MetricsService; observations: ObservationsService }) {
  const cache = new Map<number, { at: number; p: PopulationTargets | null }>();

  /** The council's population by age band from the latest mid-year estimate held (kept a minute). */
  async function population(areaId: number): Promise<PopulationTargets | null> {
    const hit = cache.get(areaId);
    if (hit && Date.now() - hit.at < 60_000) return hit.p;
    const codes = POPULATION_BANDS.map((b) => b.metric);
    const [metrics, periods] = await Promise.all([deps.metrics.byCodes(codes), deps.metrics.periodsOfCodes(codes)]);
    const byId = new Map(metrics.map((m) => [m.id, m.code]));
    const latest = [...new Map(periods.map((p) => [p.id, p])).values()].sort((a, b) =>
      b.start_date.localeCompare(a.start_date),
    );
    let p: PopulationTargets | null = null;
    for (const period of latest) {
      const figures = await deps.observations.figures(metrics, [period], [areaId]);
      const counts = new Map<string, number>();
      for (const f of figures) {
        const band = POPULATION_BANDS.find((b) => b.metric === byId.get(f.metric_id));
        if (band && f.value !== null) counts.set(band.code, f.value);
      }
      if (counts.size === POPULATION_BANDS.length) {
        const note = figures.find((f) => f.source)?.source?.note ?? null;
        p = { year: `mid-${period.start_date.slice(0, 4)}`, period: period.iso, counts, note };
        break;
      }
    }
    cache.set(areaId, { at: Date.now(), p });
    return p;
  }

  async function analyse(s: StoredSimulator): Promise<Analysed> {
    const [stored, pop] = await Promise.all([repo.responses(db.kysely, s.id), population(s.areaId)]);
    const rows = stored.map((r) => ({
      id: r.id,
      submittedAt: r.submitted_at,
      channel: r.channel,
      assisted: r.assisted === 1,
      gapClosed: r.gap_closed,
      taxChangePct: r.tax_change_pct,
    }));
    const levels = stored.map((r) => r.levels.split(',').map(Number));
    const answers = stored.map((r) => (r.about ? (JSON.parse(r.about) as AboutAnswers) : null));
    const weighting = weigh(s.aboutYou, answers, s.definition.population, pop, s.definition.council);
    return { rows, levels, answers, weighting, population: pop };
  }

  /** Weighted share of responses choosing each level of each item (null when there are none). */
  function weightedShares(s: StoredSimulator, a: Analysed): (number | null)[][] {
    const items = flatItems(s.definition);
    const sums = items.map((it) => new Array<number>(it.levels.length).fill(0));
    let total = 0;
    a.levels.forEach((lv, r) => {
      const w = a.weighting.weights[r]!;
      total += w;
      lv.forEach((l, i) => {
        if (sums[i] && l < sums[i].length) sums[i][l]! += w;
      });
    });
    return sums.map((row) => row.map((x) => (total > 0 ? x / total : null)));
  }

  /**
   * The dashboard's figures with their weighted counterparts beside them (the results JSON, the dashboard page and the
   * XLSX): per level the weighted share, per item the weighted mean £ change, the weighted mean council tax change and
   * gap closed, and the weighting itself (effective base, efficiency, what was weighted and why not).
   */
  function withWeights(s: StoredSimulator, d: Dashboard, a: Analysed): WeightedDashboard {
    const shares = weightedShares(s, a);
    const items = flatItems(s.definition);
    const w = a.weighting.weights;
    let total = 0;
    let tax = 0;
    let gap = 0;
    a.rows.forEach((row, r) => {
      total += w[r]!;
      tax += w[r]! * row.taxChangePct;
      gap += w[r]! * row.gapClosed;
    });
    const mean = (x: number) => (total > 0 ? x / total : null);
    return {
      ...d,
      weightedMeanTaxChangePct: mean(tax),
      weightedMeanGapClosed: mean(gap),
      weighting: {
        weighted: a.weighting.weighted,
        effectiveBase: a.weighting.effectiveBase,
        efficiency: a.weighting.efficiency,
        byAge: a.weighting.byAge,
        bySex: a.weighting.bySex,
        basis: a.weighting.basis,
        source: a.weighting.source,
        margins: a.weighting.margins,
        notes: a.weighting.notes,
      },
      items: d.items.map((it, i) => {
        const row = shares[i] ?? [];
        const baseline = items[i]?.baseline ?? 0;
        const change = it.levels.reduce((sum, l, li) => sum + ((baseline * l.pctChange) / 100) * (row[li] ?? 0), 0);
        return {
          ...it,
          weightedMeanChange: total > 0 ? change : null,
          levels: it.levels.map((l, li) => ({ ...l, weightedShare: row[li] ?? null })),
        };
      }),
    };
  }

  /** The "about you" questions results are broken down by: single choice and dropdown (never free text). */
  const breakdownQuestions = (s: StoredSimulator) => (s.aboutYou?.questions ?? []).filter((q) => q.kind !== 'text');

  /**
   * The groups of a breakdown question: each answer, "Not answered", and "Not asked" where the question is routed;
   * each response's group; each group's base, suppressed under MIN_CELL (and a second with it: the total is published).
   */
  function groupsOf(q: AboutQuestion, a: Analysed) {
    const keys: (string | null | undefined)[] = [...q.choices.map((c) => c.code), undefined];
    if (q.visibleIf) keys.push(null);
    const colOf = (r: number) => {
      const v = a.answers[r]?.[q.code];
      const i = v === null ? keys.indexOf(null) : v === undefined ? -1 : keys.indexOf(v);
      return i < 0 ? keys.indexOf(undefined) : i;
    };
    const cols = a.levels.map((_, r) => colOf(r));
    const base = keys.map(() => 0);
    const wBase = keys.map(() => 0);
    cols.forEach((c, r) => {
      base[c]!++;
      wBase[c]! += a.weighting.weights[r]!;
    });
    const baseHidden = [base.map((n) => n > 0 && n < MIN_CELL)];
    protect([base], baseHidden);
    const columns = keys.map((k, c) => ({
      code: k ?? null,
      label: answerLabel(q, k),
      base: baseHidden[0]![c] ? null : base[c]!,
    }));
    return { keys, cols, wBase, baseHidden: baseHidden[0]!, columns };
  }

  /** Counts on a grid (rows × groups) suppressed: a group's hidden base, a count under MIN_CELL, then protect(). */
  function suppressed(counts: number[][], baseHidden: boolean[]): (number | null)[][] {
    const hidden = counts.map((row) => row.map((n, c) => baseHidden[c]! || (n > 0 && n < MIN_CELL)));
    protect(counts, hidden);
    return counts.map((row, r) => row.map((n, c) => (hidden[r]![c] ? null : n)));
  }

  /** Breakdowns of every item by each single-choice or dropdown "about you" question, suppressed. */
  function breakdowns(s: StoredSimulator, a: Analysed): Breakdown[] {
    const items = flatItems(s.definition);
    return breakdownQuestions(s).map((q) => {
      const { keys, cols, wBase, baseHidden, columns } = groupsOf(q, a);
      return {
        question: q,
        columns,
        items: items.map((it, i) => {
          const counts = it.levels.map(() => keys.map(() => 0));
          const weighted = it.levels.map(() => keys.map(() => 0));
          a.levels.forEach((lv, r) => {
            const l = lv[i]!;
            if (counts[l]) {
              counts[l][cols[r]!]!++;
              weighted[l]![cols[r]!]! += a.weighting.weights[r]!;
            }
          });
          const shown = suppressed(counts, baseHidden);
          return {
            code: it.code,
            title: it.title,
            levels: it.levels.map((l, li) => ({
              code: l.code,
              consequence: l.consequence,
              cells: keys.map((_, c) => {
                const n = shown[li]![c]!;
                return n === null
                  ? { n: null, share: null }
                  : { n, share: wBase[c]! > 0 ? weighted[li]![c]! / wBase[c]! : null };
              }),
            })),
          };
        }),
      };
    });
  }

  /**
   * Residents' comments by each breakdown question: per item, how many counted comments each group made and how many
   * of them carry each theme (the surveys module's withThemes over the group's comments), counts under MIN_CELL
   * suppressed with a second cell of the row or column, as the choices are.
   */
  async function commentBreakdowns(s: StoredSimulator, a: Analysed): Promise<CommentBreakdown[]> {
    const [comments, tags] = await Promise.all([
      repo.comments(db.kysely, s.id),
      reviewRepository.themes(db.kysely, s.id),
    ]);
    const rowOf = new Map(a.rows.map((row, r) => [row.id, r]));
    const items = flatItems(s.definition);
    return breakdownQuestions(s).map((q) => {
      const { keys, cols, baseHidden, columns } = groupsOf(q, a);
      return {
        question: q,
        columns,
        items: items.map((it, i) => {
          const id = s.itemIds[i]!;
          const tagged = new Map<number, string[]>();
          for (const t of tags)
            if (t.item_id === id) tagged.set(t.response_id, [...(tagged.get(t.response_id) ?? []), t.theme]);
          const byGroup = keys.map(() => [] as { responseId: number }[]);
          for (const c of comments) {
            const r = rowOf.get(c.response_id);
            if (c.item_id === id && r !== undefined) byGroup[cols[r]!]!.push({ responseId: c.response_id });
          }
          const themed = byGroup.map((answers) => withThemes({ answers }, tagged).themeCounts);
          const themes = [...new Set(themed.flatMap((t) => t.map((x) => x.theme)))].sort();
          const counts = [
            byGroup.map((g) => g.length),
            ...themes.map((th) => themed.map((t) => t.find((x) => x.theme === th)?.answers ?? 0)),
          ];
          const [total, ...rows] = suppressed(counts, baseHidden);
          return {
            code: it.code,
            title: it.title,
            comments: total!,
            themes: themes.map((theme, t) => ({ theme, cells: rows[t]! })),
          };
        }),
      };
    });
  }

  return { population, analyse, weightedShares, withWeights, breakdowns, breakdownQuestions, commentBreakdowns };
}
export type Analysis = ReturnType<typeof createAnalysis>;
