/** View models for the catalogue and the metric page: table, bar chart, choropleth map and trend for one period. */
import { AppError } from '../../platform/errors.ts';
import { type MapsService, responsiveBarChart, responsiveChoropleth, responsiveLineChart } from '../maps/index.ts';
import {
  bestFirst,
  categoryCounts,
  categoryMovement,
  type Metric,
  type MetricsService,
  TOPICS,
} from '../metrics/index.ts';
import {
  isComputedNote,
  type AreaFigure,
  type ObservationsService,
  type ObservationDto,
} from '../observations/index.ts';
import { typeInfo, typesInWords, type AreasService } from '../areas/index.ts';
import { areaCodeFor } from './area-param.ts';
import {
  englandOffScale,
  englandOnScale,
  formatDate,
  formatValue,
  polarityWords,
  STATUS_KEY,
  valueCell,
} from './format.ts';

const COMPARATORS = new Set(['E92000001']);
const isComparator = (code: string) => COMPARATORS.has(code) || /^E1[23]/.test(code);

export function createMetricPages(deps: {
  metrics: MetricsService;
  observations: ObservationsService;
  maps: MapsService;
  areas: AreasService;
}) {
  const { metrics, observations, maps, areas } = deps;

  return {
    async catalogue(q: { topic?: string | undefined; q?: string | undefined }) {
      const list = await metrics.list({ topic: q.topic || undefined, q: q.q?.trim() || undefined, limit: 1000 });
      const groups = TOPICS.map((t) => ({ ...t, metrics: list.metrics.filter((m) => m.topic === t.id) })).filter(
        (g) => g.metrics.length > 0,
      );
      return {
        total: list.total,
        topics: TOPICS.map((t) => ({ value: t.id, text: t.title, selected: t.id === q.topic })),
        groups: groups.map((g) => ({
          ...g,
          metrics: g.metrics.map((m) => ({
            id: m.id,
            title: m.title,
            unit: m.unit,
            polarity: polarityWords(m.polarity),
            publisher: m.source.publisher,
            coverage:
              m.earliestPeriod && m.latestPeriod
                ? m.earliestPeriod.label === m.latestPeriod.label
                  ? m.latestPeriod.label
                  : `${m.earliestPeriod.label} to ${m.latestPeriod.label}`
                : 'No data yet',
          })),
        })),
        query: q.q ?? '',
      };
    },

    async metric(
      id: string,
      q: { period?: string | undefined; area?: string | undefined; prices?: string | undefined; base?: string },
    ) {
      const m = await metrics.get(id);
      const types = typesInWords(m.applicableAreaTypes);
      const appliesTo = types.charAt(0).toUpperCase() + types.slice(1);
      if (m.periods.length === 0) return { m, appliesTo, empty: true as const, polarity: polarityWords(m.polarity) };
      const chosenIso = q.period && m.periods.some((p) => p.period === q.period) ? q.period : m.periods.at(-1)!.period;
      if (q.period && chosenIso !== q.period)
        throw new AppError(
          400,
          'invalid-parameter',
          `period: ${m.title} has no data for "${q.period}"; choose one of the periods listed.`,
          [{ field: 'period', message: 'has no data for this metric', value: q.period }],
        );
      const chosen = m.periods.find((p) => p.period === chosenIso)!;
      const categorical = m.unitType === 'category';
      // Real terms (docs/REAL-TERMS.md) when asked for: refused with the reason when no deflator is loaded.
      const real = q.prices === 'real';
      if (q.prices && !real && q.prices !== 'cash')
        throw new AppError(400, 'invalid-parameter', 'prices: choose cash or real', [
          { field: 'prices', message: 'is not cash or real', value: q.prices },
        ]);
      const prices = real && !categorical ? { prices: 'real' as const, base: q.base ?? '' } : {};
      // A categorical measure (judgements, each council's on its own date): every council's latest judgement
      // published by the chosen date, not only the few published on that day.
      const data = await observations.query(
        { metric: m.id, period: categorical ? `${m.periods[0]!.period}..${chosen.period}` : chosen.period, ...prices },
        { unlimited: true },
      );
      // Oldest first by the period's start (the query's order follows when each period was first stored, so a judgement
      // imported later for an earlier date would otherwise come last).
      const chronological = categorical
        ? [...data.observations].sort((a, b) => a.period.localeCompare(b.period))
        : data.observations;
      const rows = categorical ? latestPerArea(chronological) : data.observations;
      const councils = rows.filter((o) => !isComparator(o.area));
      // A council by name or code (the areas module's rule).
      const wanted = await areaCodeFor(areas, q.area);
      const highlight = wanted ? rows.find((o) => o.area === wanted) : undefined;
      const dp = m.decimalPlaces;
      // A categorical measure (judgements): labels in the table; no shaded map, bar or line chart of its positions.
      const england = rows.find((o) => o.area === 'E92000001');
      // Where the publisher gives no England or regional figure: one made from the councils by the one rule, or the
      // median of councils, labelled as such (observations' national.ts). Not in real terms: the figures made here are
      // in cash, so only the held ones (deflated above) are shown then.
      const money = m.unitType === 'currency' || m.unitType === 'currency-per-head';
      const national =
        categorical || (real && money)
          ? { england: null, regions: [] }
          : await observations.nationalFigures(m.id, chosen.period);
      const englandMade = england?.value == null && national.england?.kind !== 'published' ? national.england : null;
      const tableRows = [...councils]
        .sort((a, b) => a.areaName.localeCompare(b.areaName))
        .map((o) => row(o, dp, m.unit, o.area === highlight?.area, categorical));
      // The map: district-level metrics on the lower-tier layer, county-level ones on the upper tier.
      const layer = m.applicableAreaTypes.includes('E07') ? 'ltla' : 'utla';
      // Drawn on the boundaries in force in the period (the maps module's one rule), so the councils with figures are
      // the ones drawn.
      const withFigures = councils.filter((o) => o.value !== null).map((o) => o.area);
      // A categorical measure's judgements are each of their own day: drawn on the boundaries in force on the chosen
      // date, coloured by category.
      const drawnOn = await maps.boundariesForPeriod(layer, chosen, withFigures);
      const values = new Map(councils.map((o) => [o.area, o.value]));
      const map = drawnOn
        ? responsiveChoropleth({
            title: `${m.title}, ${chosen.label}, by council`,
            description: `A map of ${m.title.toLowerCase()} for ${chosen.label}${categorical ? ` (each council's latest judgement published on or before it, coloured by judgement)` : ''}, on the ${drawnOn.caption.replace(/^Boundaries: /, '')}. The same figures are in the table below.`,
            unit: m.unit,
            decimalPlaces: dp,
            polarity: m.polarity,
            features: drawnOn.features,
            projected: drawnOn.paths,
            values,
            ...(categorical ? { categories: bestFirst(m) } : {}),
            boundaries: drawnOn.caption,
            ...(highlight ? { highlight: highlight.area } : {}),
          })
        : null;
      const notes: string[] = [];
      if (categorical)
        notes.push(
          `The map and the table give each council's latest judgement published on or before ${chosen.label}. The map colours each judgement by its own shade with a key of labels and counts; no bar or line chart is drawn, whose lengths would treat judgements as numbers.`,
        );
      if (!drawnOn) notes.push('No boundaries are loaded, so there is no map; the table has every figure.');
      else {
        if (drawnOn.year !== drawnOn.wanted)
          notes.push(
            `The map is drawn on the boundaries as at April ${drawnOn.year}: those of April ${drawnOn.wanted}, in force when ${chosen.label} began, ${drawnOn.wantedStored ? 'do not have the councils these figures are for' : 'are not loaded'}.`,
          );
        if (drawnOn.notDrawn.length > 0)
          notes.push(
            `${drawnOn.notDrawn.length} ${drawnOn.notDrawn.length === 1 ? 'council with a figure is' : 'councils with figures are'} not on the boundaries as at April ${drawnOn.year}; the table has their figures.`,
          );
      }
      const mapNote = notes.length > 0 ? notes.join(' ') : null;
      const mapCaption = drawnOn ? `${drawnOn.caption}.` : null;
      // The bar chart: the highlighted council among the councils of its type, or the ten highest and lowest.
      const withValue = councils.filter((o) => o.value !== null).sort((a, b) => b.value! - a.value!);
      const barRows = highlight
        ? withValue.filter((o) => o.area.slice(0, 3) === highlight.area.slice(0, 3))
        : [...withValue.slice(0, 10), ...withValue.slice(-10)];
      // England's bar only where it is on the councils' scale (a total is not: the caption says so).
      const englandBar =
        england?.value != null &&
        englandOnScale(
          [england.value],
          barRows.map((o) => o.value),
        )
          ? england.value
          : null;
      const barNote =
        england?.value != null && englandBar === null ? englandOffScale(formatValue(england.value, dp, m.unit)) : null;
      const bar = categorical
        ? null
        : responsiveBarChart({
            title: highlight
              ? `${m.title}, ${chosen.label}: ${highlight.areaName} among councils of its type`
              : `${m.title}, ${chosen.label}: the ten highest and ten lowest councils`,
            description: `Bar chart of ${m.title.toLowerCase()}${england?.value != null ? `; England ${formatValue(england.value, dp, m.unit)}` : ''}. ${barNote ? `${barNote} ` : ''}The table below has every figure.`,
            unit: m.unit,
            decimalPlaces: dp,
            bars: [
              ...barRows.map((o) => ({ label: o.areaName, value: o.value, emphasis: o.area === highlight?.area })),
              ...(englandBar !== null ? [{ label: 'England', value: englandBar, note: 'England' }] : []),
            ],
          });
      let trend: string | null = null;
      let trendNote: string | null = null;
      if (highlight && !categorical) {
        const series = (
          await observations.query(
            {
              metric: m.id,
              area: [highlight.area, england ? 'E92000001' : ''].filter(Boolean).join(','),
              period: 'all',
              ...prices,
            },
            { unlimited: true },
          )
        ).observations;
        const labels = m.periods.map((p) => p.label);
        const pts = (code: string) =>
          labels.map((label) => ({
            label,
            value: series.find((o) => o.area === code && o.periodLabel === label)?.value ?? null,
          }));
        const own = pts(highlight.area);
        const englandPoints = england ? pts('E92000001') : [];
        const values = (ps: { value: number | null }[]) => ps.map((p) => p.value);
        const drawEngland = !!england && englandOnScale(values(englandPoints), values(own));
        if (england && !drawEngland) {
          const latest = englandPoints.findLast((p) => p.value !== null)?.value ?? null;
          trendNote = englandOffScale(formatValue(latest, dp, m.unit));
        }
        trend = responsiveLineChart({
          title: `${m.title}: ${highlight.areaName}${drawEngland ? ' and England' : ''} over time`,
          description: `Trend of ${m.title.toLowerCase()} for ${highlight.areaName}.${trendNote ? ` ${trendNote}` : ''}`,
          unit: m.unit,
          decimalPlaces: dp,
          series: [
            { name: highlight.areaName, emphasis: true, points: own },
            ...(drawEngland ? [{ name: 'England', points: englandPoints }] : []),
          ],
        });
      }
      // A categorical measure: councils per judgement (the map's key as a table), and how many moved between their two
      // latest judgements, by council type.
      const judgements = categorical
        ? categoryCounts(
            { ...m, unitType: 'category' },
            councils.map((o) => o.value),
          ).map((c) => ({ label: c.label, count: c.count }))
        : null;
      const movement = categorical
        ? categoryMovementView(
            m,
            data.observations.filter((o) => !isComparator(o.area)),
          )
        : null;
      const statuses = new Set(rows.flatMap((o) => o.status));
      const query = `metric=${encodeURIComponent(m.id)}&period=${encodeURIComponent(chosen.period)}`;
      return {
        m,
        appliesTo,
        empty: false as const,
        polarity: polarityWords(m.polarity),
        released: formatDate(m.releasedAt),
        nextRelease: formatDate(m.nextReleaseAt),
        periods: [...m.periods]
          .reverse()
          .map((p) => ({ value: p.period, text: p.label, selected: p.period === chosen.period })),
        chosen,
        highlight: highlight ? { code: highlight.area, name: highlight.areaName } : null,
        barNote,
        trendNote,
        england: englandMade
          ? valueCell(englandMade.value, englandMade.status, dp, m.unit)
          : england
            ? valueCell(england.value, england.status, dp, m.unit)
            : null,
        // A figure computed here (a sum or rate over its councils) says so and how, never passed off as published; a
        // median of councils is named as such, never "England".
        englandLabel: englandMade ? englandMade.label : 'England',
        money,
        // The choice of real terms only where it can be made: a deflator is loaded (else a sentence says how).
        pricesControl: money && (real || !!(await observations.deflator())),
        real: real ? { base: q.base ?? '' } : null,
        englandMethod: englandMade ? englandMade.method : isComputedNote(england?.note) ? england.note : null,
        regions: regionRows(rows, national.regions, dp, m.unit),
        rows: tableRows,
        hasCi: councils.some((o) => o.lci !== null),
        hasRatio: councils.some((o) => o.numerator !== null),
        statusKey: STATUS_KEY.filter((s) => statuses.has(s.code)),
        bar,
        map,
        mapNote,
        mapCaption,
        trend,
        judgements,
        movement,
        csvUrl: `/api/v1/data.csv?${query}`,
        jsonUrl: `/api/v1/data.json?${query}`,
        xlsxUrl: `/api/v1/data.xlsx?${query}`,
        bulkUrl: `/api/v1/metrics/${encodeURIComponent(m.id)}/observations.csv`,
        notes: data.notes,
      };
    },
  };
}

/**
 * The regions' figures: each held one (the publisher's, or computed at import and so noted; deflated where asked) and,
 * for a region with none held, the one made from its councils or their median, labelled as such.
 */
function regionRows(rows: ObservationDto[], made: AreaFigure[], dp: number, unit: string) {
  const held = rows.filter((o) => o.area.startsWith('E12') && o.value !== null);
  const codes = new Set(held.map((o) => o.area));
  return [
    ...held.map((o) => ({
      name: o.areaName,
      value: valueCell(o.value, o.status, dp, unit),
      note: o.note,
    })),
    ...made
      .filter((r) => !codes.has(r.code) && r.kind !== 'published')
      .map((r) => ({
        name: r.kind === 'median-of-councils' ? `${r.name} (median of councils)` : r.name,
        value: valueCell(r.value, r.status, dp, unit),
        note: `${r.kind === 'median-of-councils' ? 'Median of councils, not the region’s figure' : 'Computed by this platform from the councils, not published'}: ${r.method}`,
      })),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

/** The movement between judgements (metrics' `categoryMovement`), each council type named. */
function categoryMovementView(m: Pick<Metric, 'polarity' | 'categories'>, rows: ObservationDto[]) {
  const r = categoryMovement({ ...m, unitType: 'category' }, rows);
  return { ...r, rows: r.rows.map((t) => ({ ...t, type: typeInfo(t.type).name })) };
}

/** Each area's latest observation (the rows oldest period first). */
function latestPerArea(rows: ObservationDto[]): ObservationDto[] {
  const latest = new Map<string, ObservationDto>();
  for (const o of rows) latest.set(o.area, o);
  return [...latest.values()];
}

function row(o: ObservationDto, dp: number, unit: string, highlighted: boolean, categorical: boolean) {
  const judgement = `${o.category ?? valueCell(null, o.status, dp, unit)} (published ${o.periodLabel})`;
  return {
    code: o.area,
    name: o.areaName,
    value: categorical ? judgement : valueCell(o.value, o.status, dp, unit),
    ci: o.lci !== null && o.uci !== null ? `${formatValue(o.lci, dp, unit)} to ${formatValue(o.uci, dp, unit)}` : '',
    numerator: o.numerator === null ? '' : o.numerator.toLocaleString('en-GB'),
    denominator: o.denominator === null ? '' : o.denominator.toLocaleString('en-GB'),
    note: o.note ?? '',
    highlighted,
  };
}
export type MetricPages = ReturnType<typeof createMetricPages>;
