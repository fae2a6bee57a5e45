/**
 * Recomputes the derived figures after a publication, in its transaction: every way figures are published (an import
 * with --publish, a draft published, an explicit withdrawal) ends here, so a derived figure can never disagree with
 * its inputs. It runs only when the publication touched an input. What it writes is recorded as an import of its own
 * (adapter "derived", naming the publication that caused it) through the same writer, coverage and change feed as any
 * other: a changed figure keeps its previous value in observation_revisions and shows in the feed.
 *
 * It writes, in order: England's and each region's figure for every summable input the publisher gives none for
 * (aggregate.ts); the derived metrics' definitions (specs.ts); and their figures for every council, England and region
 * (compute.ts). A figure that can no longer be derived (an input withdrawn) becomes "not available" (x).
 */
import type { Tx } from '../../../platform/transaction.ts';
import { Lineage } from '../../areas/index.ts';
import { statusFromText, statusToText, type StatusCode } from '../../observations/index.ts';
import { loadCatalogue, type ImportCatalogue } from '../catalogue.ts';
import { recordFeedEntries } from '../feed.ts';
import { createMetricStep } from '../metrics-step.ts';
import { importsRepository as repo, type StoredMetric } from '../repository.ts';
import { createObservationWriter } from '../writer.ts';
import type { WrittenSeries } from '../fresh-coverage.ts';
import { aggregateInput, withAggregates, type AggregationGeography } from './aggregate.ts';
import { deriveRows, type DeriveContext, type DerivedRow, type InputInfo, type PeriodRef } from './compute.ts';
import { DERIVED_ADAPTER, derivedRepository as dr, type StoredPoint } from './repository.ts';
import { derivedDefinitions, inputCodes, isSummableInput } from './specs.ts';

export interface DerivedOutcome {
  importId: number;
  /** Figures new or changed (derived metrics and computed England and regional figures). */
  written: number;
  metrics: number;
}

/** One number for an area and period (exact while area ids stay below 2^21 and period ids below 2^32). */
const pair = (areaId: number, periodId: number) => areaId * 4_294_967_296 + periodId;

const sameValue = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= Math.max(1e-9, Math.abs(a) * 1e-12));

function sameRow(s: StoredPoint, r: DerivedRow): boolean {
  return (
    sameValue(s.value, r.value) &&
    s.status === statusToText(r.status as StatusCode[]) &&
    sameValue(s.numerator, r.numerator) &&
    sameValue(s.denominator, r.denominator) &&
    (s.note ?? null) === (r.note ?? null)
  );
}

async function geography(tx: Tx) {
  const areas = await dr.areas(tx);
  const lineage = new Lineage(areas, await dr.successions(tx));
  const typeOf = new Map(areas.map((a) => [a.id, a.type]));
  const toArea = (a: (typeof areas)[number]) => lineage.area(a.id)!;
  const links = new Map<number, { parent: number; from: string; to: string | null }[]>();
  for (const l of await dr.regionLinks(tx)) {
    const list = links.get(l.area_id) ?? [];
    list.push({ parent: l.parent_id, from: l.valid_from, to: l.valid_to });
    links.set(l.area_id, list);
  }
  const geo: AggregationGeography = {
    england: areas.filter((a) => a.code === 'E92000001').map(toArea)[0],
    regions: areas.filter((a) => a.type === 'E12').map(toArea),
    councils: areas.filter((a) => ['E06', 'E07', 'E08', 'E09', 'E10', 'E31'].includes(a.type)).map(toArea),
    regionOf: (id, date) => links.get(id)?.find((l) => l.from <= date && (!l.to || l.to >= date))?.parent,
  };
  return { lineage, typeOf, geo };
}

/** An input as the catalogue describes it, with its figures. */
function inputOf(m: StoredMetric, series: InputInfo['series']): InputInfo {
  return {
    code: m.code,
    title: m.short_title ?? m.title,
    multiplier: m.multiplier,
    unitType: m.unit_type,
    applicableAreaTypes: JSON.parse(m.applicable_area_types) as string[],
    series,
  };
}

function inputInfo(m: StoredMetric, points: StoredPoint[]): InputInfo {
  const series: InputInfo['series'] = new Map();
  for (const p of points) {
    let byPeriod = series.get(p.area_id);
    if (!byPeriod) series.set(p.area_id, (byPeriod = new Map()));
    byPeriod.set(p.period_id, {
      value: p.value,
      status: statusFromText(p.status),
      numerator: p.numerator,
      denominator: p.denominator,
      computed: p.ours === 1,
    });
  }
  return inputOf(m, series);
}

/**
 * What changes of a metric: new figures, changed ones and those that can no longer be derived (an input withdrawn: not
 * available, the previous value kept as a revision).
 */
const WITHDRAWN_INPUT = 'No longer derived: an input figure was withdrawn';
const NO_LONGER_SUMMED =
  'No longer computed: this platform no longer sums this measure into England or regional figures (its caveats say why)';

function changesOf(rows: DerivedRow[], before: StoredPoint[], gone = WITHDRAWN_INPUT): DerivedRow[] {
  if (before.length === 0) return rows;
  const old = new Map(before.map((p) => [pair(p.area_id, p.period_id), p]));
  const add: DerivedRow[] = [];
  for (const r of rows) {
    const key = pair(r.areaId, r.periodId);
    const s = old.get(key);
    old.delete(key);
    if (!s || !sameRow(s, r)) add.push(r);
  }
  for (const s of old.values()) {
    if (s.value === null && s.status === 'x') continue;
    const note = gone;
    add.push({
      areaId: s.area_id,
      periodId: s.period_id,
      value: null,
      status: ['x'],
      numerator: null,
      denominator: null,
      note,
    });
  }
  return add;
}

/**
 * After a publication that touched `touched` (metric ids): recomputes what depends on them. Returns undefined when
 * nothing depends on them or nothing changed (then nothing is recorded).
 */
export async function recomputeDerived(
  tx: Tx,
  opts: {
    trigger: number | null;
    touched: number[];
    now: string;
    /** Figures of inputs the triggering publication wrote whole (none held before it), by metric id. */
    written?: ReadonlyMap<number, WrittenSeries>;
    /** The triggering import's catalogue, kept current as it wrote (else read here). */
    catalogue?: ImportCatalogue;
    /** Withdraw England and regional figures computed for inputs no longer summed (sli imports derive). */
    withdrawNarrowed?: boolean;
  },
): Promise<DerivedOutcome | undefined> {
  const { now } = opts;
  const catalogue = opts.catalogue ?? (await loadCatalogue(tx));
  const byId = new Map([...catalogue.metrics.values()].map((m) => [m.id, m]));
  const touched = new Set(opts.touched.map((id) => byId.get(id)?.code).filter((c): c is string => !!c));
  const definitions = derivedDefinitions(catalogue.metrics);
  for (const d of definitions) touched.delete(d.code); // a derived metric is no input
  const defs = definitions.filter((d) => {
    const stored = catalogue.metrics.get(d.code);
    return !stored || inputCodes(d.derivation!).some((c) => touched.has(c));
  });
  const summable = new Set([...touched].filter(isSummableInput));
  for (const d of defs) for (const c of inputCodes(d.derivation!)) if (isSummableInput(c)) summable.add(c);
  // Inputs no longer summed (the rule narrowed after their England or regional figures were computed: police and fire
  // spending): sli imports derive withdraws the figures computed then, as not available with the reason. (A rule
  // changes only with a new version, so a publication does not look.)
  const unsummed = opts.withdrawNarrowed
    ? [...touched].filter((c) => !summable.has(c)).map((c) => catalogue.metrics.get(c)!.id)
    : [];
  const stale = new Map<number, StoredPoint[]>();
  for (const p of await dr.computedAggregates(tx, unsummed)) {
    const list = stale.get(p.metric_id);
    if (list) list.push(p);
    else stale.set(p.metric_id, [p]);
  }
  if (defs.length === 0 && summable.size === 0 && stale.size === 0) return undefined;

  const importId = await repo.createImport(tx, { adapter: DERIVED_ADAPTER, files: '[]', state: 'published', now });
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const problems: string[] = [];
  const metricStep = createMetricStep(tx, {
    adapter: DERIVED_ADAPTER,
    mode: 'publish',
    importId,
    now,
    catalogue,
    counts,
    report: (issue) => void problems.push(issue.message),
  });
  for (const d of defs) await metricStep.onMetric(d, { file: '(derived)', line: 0 });
  await metricStep.flush();
  if (problems.length > 0) throw new Error(`derived metric definitions refused: ${problems.join('; ')}`);

  const { lineage, typeOf, geo } = await geography(tx);
  const periodRows = await dr.periods(tx);
  const periods = new Map<number, PeriodRef>(
    periodRows.map((p) => [p.id, { id: p.id, iso: p.iso, start: p.start_date, label: p.label }]),
  );
  const ctx: DeriveContext = {
    periods,
    periodByIso: new Map(periodRows.map((p) => [p.iso, p.id])),
    lineage,
    areaType: (id) => typeOf.get(id),
  };
  const inputNeeded = new Set([...summable, ...defs.flatMap((d) => inputCodes(d.derivation!))]);
  const inputMetrics = [...inputNeeded].map((c) => catalogue.metrics.get(c)!).filter(Boolean);
  const derivedMetrics = defs.map((d) => catalogue.metrics.get(d.code)!);
  // The inputs the triggering publication wrote whole (they had no figures before it) are read as it wrote them.
  const handed = opts.written ?? new Map<number, WrittenSeries>();
  const toRead = [...inputMetrics, ...derivedMetrics].map((m) => m.id).filter((id) => !handed.has(id));
  const stored = await dr.points(tx, toRead);
  const storedBy = new Map<number, StoredPoint[]>();
  for (const p of stored) {
    const list = storedBy.get(p.metric_id);
    if (list) list.push(p);
    else storedBy.set(p.metric_id, [p]);
  }

  // Only metrics with a figure whose key is already published take the merge; the others' new keys are plain inserts.
  // Each metric's changes are written as soon as they are worked out (on PostgreSQL the COPY of one runs while the
  // next is computed); the sets are filled in before a metric's first row reaches the writer.
  const metricsWithData = new Set([
    ...storedBy.keys(),
    ...stale.keys(),
    ...inputMetrics.filter((m) => handed.has(m.id)).map((m) => m.id),
  ]);
  const keysMayExist = new Set<number>();
  const england = geo.england?.id;
  const writer = await createObservationWriter(tx, {
    importId,
    now,
    mode: 'publish',
    metricsWithData,
    keysMayExist,
    trackSeen: false,
    englandId: () => england,
  });
  const rowsRead = new Map<number, number>();
  let line = 0;
  async function write(metricId: number, rows: DerivedRow[], before: StoredPoint[], gone?: string): Promise<void> {
    const add = changesOf(rows, before, gone);
    if (add.length === 0) return;
    const points = storedBy.get(metricId);
    if (points && !keysMayExist.has(metricId)) {
      const keys = new Set(add.map((r) => pair(r.areaId, r.periodId)));
      if (points.some((p) => keys.has(pair(p.area_id, p.period_id)))) keysMayExist.add(metricId);
    }
    rowsRead.set(metricId, add.length);
    for (const r of add) {
      const wait = writer.add({
        metricId,
        periodId: r.periodId,
        areaId: r.areaId,
        value: r.value,
        status: r.status.length === 0 ? '' : statusToText(r.status as StatusCode[]),
        lci: null,
        uci: null,
        ciLevel: null,
        numerator: r.numerator,
        denominator: r.denominator,
        note: r.note,
        fileNo: 0,
        line: ++line,
      });
      if (wait) await wait;
    }
  }

  const inputs = new Map<string, InputInfo>();
  for (const m of inputMetrics) {
    const given = handed.get(m.id);
    const points = storedBy.get(m.id) ?? [];
    const info = given ? inputOf(m, given) : inputInfo(m, points);
    inputs.set(m.code, info);
    if (!summable.has(m.code)) continue;
    const before = points.filter((p) => p.ours === 1);
    const ours = new Set(before.map((p) => pair(p.area_id, p.period_id)));
    const withFigures = new Set<number>();
    for (const byPeriod of info.series.values()) for (const periodId of byPeriod.keys()) withFigures.add(periodId);
    const aggPeriods = periodRows.filter((p) => withFigures.has(p.id)).map((p) => ({ id: p.id, end: p.end_date }));
    const rows = aggregateInput(info, aggPeriods, geo, (a, p) => ours.has(pair(a, p)));
    if (rows.some((r) => info.series.get(r.areaId)?.has(r.periodId))) keysMayExist.add(m.id);
    withAggregates(info, rows);
    await write(m.id, rows, before);
  }
  for (const d of defs) {
    const m = catalogue.metrics.get(d.code)!;
    const rows = deriveRows(d.derivation!, d.applicableAreaTypes, inputs, ctx);
    await write(m.id, rows, storedBy.get(m.id) ?? []);
  }
  for (const [metricId, points] of stale) {
    keysMayExist.add(metricId);
    await write(metricId, [], points, NO_LONGER_SUMMED);
  }
  const written = await writer.finish();
  if (writer.conflicts.length > 0) throw new Error(`derived figures conflict: ${writer.conflicts[0]!.message}`);
  const changed = written.inserted + written.updated;
  if (changed === 0 && counts.created + counts.updated === 0) {
    await tx.run('DELETE FROM imports WHERE id = ?', [importId]);
    return undefined;
  }
  const tallied = writer.freshCoverage;
  await repo.refreshCoverage(tx, [...rowsRead.keys()], importId, rowsRead, tallied?.byMetric, tallied?.added);
  const summary = { derivedAfter: opts.trigger, observations: written, metrics: counts };
  await repo.finishImport(tx, importId, {
    inserted: written.inserted,
    updated: written.updated,
    unchanged: written.unchanged,
    rejected: 0,
    summary: JSON.stringify(summary),
  });
  const detail = { derivedAfter: opts.trigger };
  await repo.logChange(tx, { at: now, entity: 'import', action: 'published', key: String(importId), importId, detail });
  await recordFeedEntries(tx, importId, now);
  return { importId, written: changed, metrics: rowsRead.size };
}

/** What the publication's message says of the derivation it caused ('' when none). */
export const derivedNote = (d: DerivedOutcome | undefined) =>
  d
    ? ` Derived figures recomputed: ${d.written.toLocaleString('en-GB')} new or changed in ${d.metrics} metrics (import #${d.importId}).`
    : '';
