import { outOfRange } from '../metrics/index.ts';
import type { ImportIssue, ObservationRecord } from './adapter.ts';
import type { ImportCatalogue } from './catalogue.ts';
import type { AreaRef, StoredMetric } from './repository.ts';

/** Comparators that any metric may carry: England, regions, Inner/Outer London. */
const COMPARATOR_TYPES = new Set(['E92', 'E12', 'E13']);

function successorText(a: AreaRef, areas: Map<string, AreaRef>): string {
  const succ = a.successors.map((c) => `${c} (${areas.get(c)?.name ?? '?'})`).join(' and ');
  return succ ? `; its successor is ${succ}` : '';
}

function unknownArea(code: string, areas: Map<string, AreaRef>): string {
  return areas.size === 0
    ? `unknown area code "${code}": no geography is loaded yet; run "sli import areas-vintages …" first`
    : `unknown area code "${code}": it is not an English council, county, region or combined authority code we know`;
}

/** The metric's applicable area types, parsed once per metric. */
function applicableTypes(m: StoredMetric, catalogue: ImportCatalogue): string[] {
  let applicable = catalogue.applicability.get(m.id);
  if (!applicable) catalogue.applicability.set(m.id, (applicable = JSON.parse(m.applicable_area_types) as string[]));
  return applicable;
}

/** A known area: still live in the observation's period, and a type the metric applies to (comparators always are). */
function checkArea(
  o: ObservationRecord,
  m: StoredMetric | undefined,
  a: AreaRef,
  catalogue: ImportCatalogue,
  report: (issue: ImportIssue) => void,
): void {
  if (a.validTo && o.period.start > a.validTo) {
    const ended = `area ${a.code} (${a.name}) ended on ${a.validTo}, before this period (${o.period.label}) began`;
    report({ at: o.at, field: 'area', value: o.area, message: `${ended}${successorText(a, catalogue.areas)}` });
  }
  if (!m || COMPARATOR_TYPES.has(a.type)) return;
  const applicable = applicableTypes(m, catalogue);
  if (!applicable.includes(a.type)) {
    const area = `${a.code} (${a.name}, ${a.type})`;
    const message = `metric ${m.code} applies to ${applicable.join(', ')} areas, not to ${area}`;
    report({ at: o.at, field: 'area', value: o.area, message });
  }
}

/** A problem with one of a row's figures (a function of its own: checking a row makes no closure). */
function figureProblem(
  o: ObservationRecord,
  report: (issue: ImportIssue) => void,
  field: string,
  value: number,
  message: string,
): void {
  report({ at: o.at, field, value: String(value), message });
}

/**
 * The figures themselves: the value within the metric's plausible range (its own, or its unit type's: a percentage
 * 0 to 100, a count never negative), a numerator and denominator never negative, and no value over a zero
 * denominator (a figure of nothing; 0/0 without a value, marked not applicable, is allowed).
 */
function checkFigures(o: ObservationRecord, m: StoredMetric | undefined, report: (issue: ImportIssue) => void): void {
  if (m && o.value !== null) {
    const why = outOfRange(o.value, { min: m.value_min, max: m.value_max });
    if (why) figureProblem(o, report, 'value', o.value, `${why} (metric ${m.code}, unit ${m.unit_type})`);
    else if (m.unit_type === 'category' && !Number.isInteger(o.value))
      figureProblem(
        o,
        report,
        'value',
        o.value,
        `a categorical metric's value is a category's position, a whole number (metric ${m.code})`,
      );
  }
  if (o.numerator != null && o.numerator < 0)
    figureProblem(o, report, 'numerator', o.numerator, 'a numerator cannot be negative');
  if (o.denominator != null && o.denominator < 0)
    figureProblem(o, report, 'denominator', o.denominator, 'a denominator cannot be negative');
  if (o.denominator === 0 && o.value !== null)
    figureProblem(
      o,
      report,
      'denominator',
      0,
      `a value (${o.value}) over a zero denominator; leave the value empty with status z`,
    );
}

/**
 * Reports every problem of one observation: the metric is known (defined in this import or in the catalogue), the
 * area is known and live in that period, the metric applies to its type, the value is plausible for the metric, the
 * numerator and denominator are in order, and so is the confidence interval.
 * The caller has looked the metric and area up (it needs them to write the row).
 */
export function checkObservation(
  o: ObservationRecord,
  m: StoredMetric | undefined,
  a: AreaRef | undefined,
  catalogue: ImportCatalogue,
  report: (issue: ImportIssue) => void,
): void {
  if (!m) {
    const message = `unknown metric "${o.metric}": it is neither defined in this import nor in the catalogue`;
    report({ at: o.at, field: 'metric', value: o.metric, message });
  }
  if (!a) report({ at: o.at, field: 'area', value: o.area, message: unknownArea(o.area, catalogue.areas) });
  else checkArea(o, m, a, catalogue, report);
  checkFigures(o, m, report);
  if (o.lci != null && o.uci != null && o.lci > o.uci) {
    const message = `lower confidence limit ${o.lci} is above the upper ${o.uci}`;
    report({ at: o.at, field: 'lci', value: String(o.lci), message });
  }
}
