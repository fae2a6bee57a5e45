/**
 * The sector CSVs: their columns (one list each for the header and the CSVW metadata) and one tidy row per record,
 * shared by the API routes and the command line.
 */
import { columnNames, csvColumns, type CsvColumn } from '../../platform/csv.ts';
import { caveatLines, csvw } from '../../platform/csvw.ts';
import type { Metric } from '../metrics/index.ts';
import type { SectorService } from './service.ts';

type Report = Awaited<ReturnType<SectorService['directionOfTravel']>>;
type EveryCouncil = Awaited<ReturnType<SectorService['directionForEveryCouncil']>>;

export const DIRECTION_CSV = csvColumns([
  ['basket', 'Basket', 'string', 'The basket of key metrics'],
  ['basket_version', 'Basket version', 'string', "The basket's version"],
  ['area', 'Area code', 'string', 'GSS code of the council, or E92000001 for England'],
  ['theme', 'Service area', 'string', 'The service area (board theme) of the metric'],
  ['metric', 'Metric id', 'string', "The metric's stable id"],
  ['metric_title', 'Metric', 'string', "The metric's title"],
  ['polarity', 'Polarity', 'string', 'higher-is-better, lower-is-better or not-applicable'],
  ['baseline_period', 'Baseline period', 'string', 'The baseline period, as an ISO 8601 interval'],
  ['baseline_label', 'Baseline period label', 'string', 'The baseline period as people write it'],
  ['baseline_value', 'Baseline value', 'decimal', 'The figure at the baseline'],
  ['baseline_source', 'Baseline source', 'string', 'publisher, aggregate (method stated) or predecessor'],
  ['latest_period', 'Latest period', 'string', 'The latest period, as an ISO 8601 interval'],
  ['latest_label', 'Latest period label', 'string', 'The latest period as people write it'],
  ['latest_value', 'Latest value', 'decimal', 'The latest figure'],
  ['latest_source', 'Latest source', 'string', 'publisher, aggregate (method stated) or predecessor'],
  ['change', 'Change', 'decimal', 'Latest value minus the baseline value'],
  ['relative_change', 'Relative change', 'decimal', 'The change as a fraction of the baseline value'],
  [
    'classification',
    'Direction',
    'string',
    'improved, no-change, worsened, increased, decreased, not-comparable or no-data',
  ],
  ['reason', 'Reason', 'string', 'Why it was classified so (tolerance, intervals, a break in series…)'],
  ['group', 'Group id', 'string', 'The comparison group, when one was asked for'],
  ['group_improved', 'Group: improved', 'integer', 'Councils of the group that improved'],
  ['group_no_change', 'Group: no change', 'integer', 'Councils of the group with no change'],
  ['group_worsened', 'Group: worsened', 'integer', 'Councils of the group that worsened'],
  [
    'relative_to_group',
    'Against the group',
    'string',
    "better, worse or similar: the change against the group's median change",
  ],
  [
    'baseline_category',
    'Baseline judgement',
    'string',
    "A categorical measure: the council's judgement before its latest (the value is its position in the list)",
  ],
  ['latest_category', 'Latest judgement', 'string', "A categorical measure: the council's latest judgement"],
  [
    'councils_compared',
    'Councils with two judgements',
    'integer',
    'A categorical measure for England: councils whose latest judgement is compared with the one before it',
  ],
  ['councils_better', 'Councils: better judgement', 'integer', 'Of those, moved to a better judgement'],
  ['councils_same', 'Councils: same judgement', 'integer', 'Of those, kept the same judgement'],
  ['councils_worse', 'Councils: worse judgement', 'integer', 'Of those, moved to a worse judgement'],
  ['better_half', 'Better half', 'string', 'The better half of the ordered scale, e.g. "Good or better"'],
  ['better_half_before', 'Better half before', 'integer', 'Councils compared that were in the better half before'],
  ['better_half_now', 'Better half now', 'integer', 'Councils compared that are in the better half now'],
  [
    'judged_councils',
    'Councils with a latest judgement',
    'integer',
    "A categorical measure for England: current councils with a judgement held (each council's latest)",
  ],
  [
    'judged_better_half',
    'Latest judgement in the better half',
    'integer',
    'Of those, how many hold a judgement in the better half now (e.g. "Good or better: x of n councils")',
  ],
  [
    'judgements_by_category',
    'Latest judgements by category',
    'string',
    'Councils per latest judgement, best first, e.g. "Outstanding 20; Good 70; …"',
  ],
  [
    'judgements_by_council_type',
    'Latest judgements by council type',
    'string',
    'Per council type: councils in the better half of those with a judgement, and councils without one',
  ],
  [
    'judgements_published_from',
    'Judgements published from',
    'date',
    'The earliest publication date of the latest judgements counted',
  ],
  [
    'judgements_published_to',
    'Judgements published to',
    'date',
    'The latest publication date of the latest judgements counted',
  ],
  [
    'judgements_note',
    'About the judgements',
    'string',
    "That these are each council's latest judgement, the years they span, and when movement cannot be shown",
  ],
  ['unit', 'Unit', 'string', 'The unit of the values'],
  ['notes', 'Notes', 'string', 'Notes on the figures and how aggregates were made'],
]);
export const DIRECTION_CSV_COLUMNS = columnNames(DIRECTION_CSV);

export const EVERY_COUNCIL_CSV = csvColumns([
  ['basket', 'Basket', 'string', 'The basket of key metrics'],
  ['basket_version', 'Basket version', 'string', "The basket's version"],
  ['area', 'Area code', 'string', 'GSS code of the council'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['area_type', 'Council type', 'string', 'The GSS type of the council (E06, E07, E08, E09, E10)'],
  ['metrics', 'Metrics', 'integer', 'Metrics of the basket that apply to the council'],
  ['classified', 'Classified', 'integer', 'Metrics with a direction'],
  ['improved', 'Improved', 'integer', 'Metrics that improved'],
  ['no_change', 'No change', 'integer', 'Metrics with no change beyond the tolerance'],
  ['worsened', 'Worsened', 'integer', 'Metrics that worsened'],
  ['no_polarity', 'No polarity', 'integer', 'Metrics that increased or decreased without a better direction'],
  ['not_comparable', 'Not comparable', 'integer', 'Metrics with a break in series or no comparable periods'],
  ['no_data', 'No data', 'integer', 'Metrics with no figure'],
  [
    'flagged_service_areas',
    'Flagged service areas',
    'string',
    'Service areas where worsening clusters, separated by "; "',
  ],
]);
export const EVERY_COUNCIL_CSV_COLUMNS = columnNames(EVERY_COUNCIL_CSV);

export function everyCouncilCsvRows(r: EveryCouncil): (string | number | null)[][] {
  return r.councils.map((c) => {
    const o = c.summary.overall;
    return [
      r.basket.id,
      r.basket.version,
      c.code,
      c.name,
      c.type,
      o.metrics,
      o.classified,
      o.improved,
      o.noChange,
      o.worsened,
      o.noPolarity,
      o.notComparable,
      o.noData,
      c.summary.byTheme
        .filter((t) => t.flagged)
        .map((t) => t.title)
        .join('; ') || null,
    ];
  });
}

export function directionCsvRows(r: Report): (string | number | null)[][] {
  return r.metrics.map((m) => [
    r.basket.id,
    r.basket.version,
    r.area?.code ?? 'E92000001',
    m.theme,
    m.metric.id,
    m.metric.title,
    m.metric.polarity,
    m.baseline?.period ?? null,
    m.baseline?.label ?? null,
    m.baseline?.value ?? null,
    m.baseline?.source ?? null,
    m.latest?.period ?? null,
    m.latest?.label ?? null,
    m.latest?.value ?? null,
    m.latest?.source ?? null,
    m.change,
    m.relativeChange,
    m.classification,
    m.reason,
    m.group?.id ?? null,
    m.group?.improved ?? null,
    m.group?.noChange ?? null,
    m.group?.worsened ?? null,
    m.group?.relativeToGroup ?? null,
    m.baseline?.category ?? null,
    m.latest?.category ?? null,
    m.judgements?.total.compared ?? null,
    m.judgements ? (m.metric.polarity === 'not-applicable' ? null : m.judgements.total.up) : null,
    m.judgements?.total.same ?? null,
    m.judgements ? (m.metric.polarity === 'not-applicable' ? null : m.judgements.total.down) : null,
    m.judgements?.betterLabel ?? null,
    m.judgements?.total.betterBefore ?? null,
    m.judgements?.total.betterNow ?? null,
    ...latestJudgementCells(m.latestJudgements),
    m.metric.unit,
    [m.baseline?.note, m.latest?.note, m.baseline?.method, m.latest?.method].filter((x) => !!x).join('; ') || null,
  ]);
}

/** England's latest judgements on a categorical measure, as the CSV's cells (all empty for any other measure). */
function latestJudgementCells(d: Report['metrics'][number]['latestJudgements']): (string | number | null)[] {
  if (!d) return [null, null, null, null, null, null, null];
  const better = (c: { better: number | null; judged: number }) =>
    d.betterLabel && c.better !== null ? `${d.betterLabel} ${c.better} of ${c.judged}` : `${c.judged} judged`;
  return [
    d.total.judged,
    d.total.better,
    d.total.counts.map((c) => `${c.label} ${c.count}`).join('; '),
    d.rows.map((r) => `${r.name}: ${better(r)}${r.without ? `, ${r.without} without` : ''}`).join('; '),
    d.published?.from ?? null,
    d.published?.to ?? null,
    [d.note, d.movement].filter(Boolean).join('; '),
  ];
}

/** The CSVW metadata of a sector CSV at `url`: the basket's metrics' caveats and sources, the report's licence. */
export function sectorCsvw(
  r: Report | EveryCouncil,
  metrics: readonly Metric[],
  at: { url: string; title: string; description: string; columns: readonly CsvColumn[] },
) {
  return csvw({
    ...at,
    licences: [r.licence, ...metrics.map((m) => m.source.licence)],
    attribution: 'attribution' in r ? r.attribution : metrics.map((m) => m.source.attribution ?? m.source.publisher),
    sources: metrics.map((m) => m.source.url),
    caveats: caveatLines(metrics.map((m) => ({ id: m.code, title: m.title, caveats: m.caveats }))),
    notes: r.methodology,
  });
}
