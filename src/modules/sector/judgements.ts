/**
 * A categorical measure (an inspection judgement such as Ofsted's) in a basket: never averaged, aggregated or medianed.
 * A council's direction is its latest judgement against the one before it, whenever each was published, better or
 * worse by the label order and the polarity; England's is how many councils moved to a better, the same or a worse
 * judgement, by council type, with how many were "Good or better" before and now (the metrics module's
 * `categoryMovement`, the same count as the "Movement between judgements" table of the metric's page). Beside it,
 * England's distribution now: each council's latest judgement counted by category and council type, "Good or better: x
 * of n councils", with the span of years the judgements were published over (distribution.ts); where no council has
 * two judgements held (a publisher's file of each council's latest, such as Ofsted's), that is all it shows, and says
 * movement cannot be shown rather than "no change".
 */
import type { Db } from '../../platform/db.ts';
import { typeInfo, type AreasService } from '../areas/index.ts';
import { categoryLabel, categoryMove, categoryMovement, type CategoryMove, type Metric } from '../metrics/index.ts';
import { observationColumns } from '../observations/index.ts';
import type { Classification, EndPoint, MetricDirection, SeriesSource } from './direction.ts';
import { distributionHeadline, latestDistribution, publishedSpan, type LatestHeld } from './distribution.ts';
import type { PeriodInfo } from './periods.ts';
import { indexSeries } from './series.ts';

export type JudgementMovement = NonNullable<MetricDirection['judgements']>;
export type LatestJudgements = NonNullable<MetricDirection['latestJudgements']>;

/** Said instead of a movement when no council has two judgements held. */
export const ONE_PER_COUNCIL = 'movement cannot be shown: one judgement per council in the published file';

const MOVE: Record<CategoryMove, { classification: Classification; words: string }> = {
  better: { classification: 'improved', words: 'a better judgement' },
  worse: { classification: 'worsened', words: 'a worse judgement' },
  same: { classification: 'no-change', words: 'the same judgement' },
  later: { classification: 'increased', words: 'later in the list (the categories have no better or worse)' },
  earlier: { classification: 'decreased', words: 'earlier in the list (the categories have no better or worse)' },
};

const SAME_COUNT = 'a move of one category and of several count the same';

/** The periods whose judgements count: all, or those starting on or before the basket's latest anchor (a date). */
const upTo = (periods: PeriodInfo[], latestAnchor: string) =>
  latestAnchor === 'latest' ? periods : periods.filter((p) => p.start_date <= latestAnchor);

/** A judgement as an end point: its label beside the stored position (the value is a code, not a quantity). */
function judgementPoint(m: Metric, p: PeriodInfo, s: SeriesSource): EndPoint & { category: string | null } {
  const x = s.point(p.id)!;
  return {
    period: p.iso,
    label: p.label,
    value: x.value,
    category: categoryLabel(m, x.value),
    status: x.status,
    lci: null,
    uci: null,
    // A predecessor's judgement of the same area (the figure-source rule) is marked so, with its note.
    source: x.source === 'predecessor' ? 'predecessor' : 'publisher',
    method: null,
    note: x.note ?? null,
  };
}

/**
 * One council's latest judgement against the one before it, up to the basket's latest anchor: its own, or for a
 * judgement published before the council began, its same-area predecessor's by the figure-source rule (a re-coded
 * council such as Barnsley in 2025), marked as the predecessor's; never an aggregate of several councils' judgements.
 */
export function councilJudgement(
  info: MetricDirection['metric'],
  metric: Metric,
  entry: { theme: string; why: string },
  latestAnchor: string,
  series: SeriesSource,
  councilName: string,
): MetricDirection {
  const held = upTo(series.periods, latestAnchor).filter((p) => series.point(p.id)?.value != null);
  const base = { metric: info, theme: entry.theme, why: entry.why, change: null, relativeChange: null };
  if (held.length === 0)
    return {
      ...base,
      baseline: null,
      latest: null,
      classification: 'no-data',
      reason: `no judgement for ${councilName}`,
      rule: 'none',
    };
  const latest = judgementPoint(metric, held.at(-1)!, series);
  if (held.length === 1)
    return {
      ...base,
      baseline: null,
      latest,
      classification: 'not-comparable',
      reason: `movement cannot be shown: only one judgement held (${latest.category}, ${latest.label}), nothing to compare with`,
      rule: 'categories',
    };
  const baseline = judgementPoint(metric, held.at(-2)!, series);
  const move = MOVE[categoryMove(metric, baseline.value!, latest.value!)];
  return {
    ...base,
    baseline,
    latest,
    classification: move.classification,
    reason: `${baseline.category} (${baseline.label}) to ${latest.category} (${latest.label}): ${move.words}; the latest judgement against the one before it, whenever each was published; ${SAME_COUNT}`,
    rule: 'categories',
  };
}

/** The movement between judgements of councils of the metric's types, each type named. */
function movementOf(metric: Metric, rows: { area: string; value: number | null }[]): JudgementMovement {
  const r = categoryMovement(metric, rows);
  return { ...r, rows: r.rows.map((t) => ({ ...t, type: t.type, name: typeInfo(t.type).name })) };
}

/**
 * Each current council's latest judgement held, counted by category and council type, each type named; `movement` says
 * when no movement can be shown.
 */
function distributionOf(
  metric: Metric,
  councils: readonly { code: string; type: string }[],
  latest: ReadonlyMap<string, LatestHeld>,
  movementShown: boolean,
  borrowed: string[],
): LatestJudgements {
  const d = latestDistribution(metric, councils, latest);
  const same = borrowed.length
    ? `; ${borrowed.join(', ')}: the judgement of the same area under the code or council before (${borrowed.length === 1 ? 'it' : 'they'} began after it was published)`
    : '';
  const note = `each council's latest judgement, ${publishedSpan(d.published)}: the judgements are of different dates, not one year's picture${same}`;
  return {
    ...d,
    rows: d.rows.map((t) => ({ ...t, name: typeInfo(t.type).name })),
    headline: distributionHeadline(d),
    note,
    movement: movementShown ? null : ONE_PER_COUNCIL,
  };
}

/**
 * England's direction on a categorical measure: every current council of the metric's types, its latest judgement
 * against the one before it; improved when more councils moved to a better judgement than to a worse one, worsened
 * when fewer, no change when as many. Counts of labels, never an average.
 */
export async function englandJudgements(
  db: Db,
  areas: AreasService,
  info: MetricDirection['metric'],
  metric: Metric,
  entry: { theme: string; why: string },
  latestAnchor: string,
  periods: PeriodInfo[],
): Promise<MetricDirection> {
  const [councils, lineage] = await Promise.all([
    areas.liveAreas({ types: metric.applicableAreaTypes }),
    areas.lineage(),
  ]);
  // A judgement published before a council existed is its predecessor's of the same area, by the figure-source rule
  // (Barnsley and Sheffield under their codes before 2025): their judgements are read too.
  const index = indexSeries(
    await observationColumns(db, [metric.id], lineage.withSources(councils.map((c) => c.id))),
    () => periods,
  );
  const counted = upTo(periods, latestAnchor);
  const rows: { area: string; value: number | null }[] = [];
  const latest = new Map<string, LatestHeld>();
  const borrowed = new Set<string>();
  for (const c of councils) {
    for (const p of counted) {
      const f = lineage.figure(c.id, p.start_date, metric, (id) => index.point(metric.id, p.id, id));
      const v = f?.point.value;
      if (v == null) continue;
      rows.push({ area: c.code, value: v });
      latest.set(c.code, { value: v, date: p.start_date, label: p.label });
      if (f!.source) borrowed.add(c.name);
      else borrowed.delete(c.name);
    }
  }
  const judgements = movementOf(metric, rows);
  const t = judgements.total;
  const latestJudgements = distributionOf(metric, councils, latest, t.compared > 0, [...borrowed]);
  const base = {
    metric: info,
    theme: entry.theme,
    why: entry.why,
    baseline: null,
    latest: null,
    change: null,
    relativeChange: null,
    judgements,
    latestJudgements,
  };
  if (t.compared === 0)
    return {
      ...base,
      classification: rows.length ? 'not-comparable' : 'no-data',
      reason: rows.length
        ? `${ONE_PER_COUNCIL} (${t.one} councils, none with an earlier judgement to compare with); now ${latestJudgements.headline}, ${latestJudgements.note}`
        : 'no judgement held for any council',
      rule: rows.length ? 'categories' : 'none',
    };
  const polar = metric.polarity !== 'not-applicable';
  const classification: Classification =
    t.up === t.down
      ? 'no-change'
      : t.up > t.down
        ? polar
          ? 'improved'
          : 'decreased'
        : polar
          ? 'worsened'
          : 'increased';
  const better =
    judgements.betterLabel && t.betterBefore !== null
      ? `; ${judgements.betterLabel}: ${t.betterBefore} of ${t.compared} before, ${t.betterNow} now`
      : '';
  const [up, down] = polar ? ['a better', 'a worse'] : ['an earlier', 'a later'];
  return {
    ...base,
    classification,
    reason: `of ${t.compared} councils with two judgements, ${t.up} moved to ${up} judgement, ${t.same} kept the same and ${t.down} moved to ${down}${better} (each council's latest judgement against the one before it; ${SAME_COUNT}; counts, never an average)`,
    rule: 'categories',
  };
}
