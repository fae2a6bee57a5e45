/**
 * Versioned definitions of the sector overview, read from JSON and checked before they are stored: baskets of key
 * metrics (direction of travel) and early-warning rule sets. Every problem names its JSON path and value; a definition
 * with any problem is not stored.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FieldError } from '../../platform/errors.ts';

const Id = Type.String({
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  maxLength: 80,
  description: 'lower-case words joined by hyphens',
});
const Version = Type.String({ pattern: '^[A-Za-z0-9.]+$', maxLength: 40 });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
/**
 * A point in time that picks each metric's period: the period containing the date (the nearest if none), or the latest.
 */
export const PeriodAnchor = Type.Union([Type.Literal('latest'), DateText], {
  description: '"latest" or a date (YYYY-MM-DD) inside the period wanted',
});

export const BasketMetric = Type.Object(
  {
    metric: Type.String({ minLength: 1 }),
    /** Service area; defaults to the metric's own topic. */
    theme: Type.Optional(Type.String()),
    why: Type.String({ minLength: 1, description: 'Why this metric is in the basket' }),
    baseline: Type.Optional(PeriodAnchor),
    latest: Type.Optional(PeriodAnchor),
  },
  { additionalProperties: false },
);

export const BasketDefinition = Type.Object(
  {
    id: Id,
    version: Version,
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    baseline: PeriodAnchor,
    latest: PeriodAnchor,
    /** Relative change under which a metric counts as unchanged when it has no confidence intervals (0.02 = 2%). */
    tolerance: Type.Number({ minimum: 0, maximum: 0.5 }),
    /** A theme is flagged when at least this share of its classified metrics worsened (and at least two did). */
    clusterShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    metrics: Type.Array(BasketMetric, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type BasketDefinitionT = Static<typeof BasketDefinition>;

/** Structural problems as JSON paths (`metrics[3].metric`), from the schema. */
export function schemaProblems(schema: TSchema, value: unknown): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of Value.Errors(schema, value)) {
    const field =
      e.path
        .replace(/^\//, '')
        .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
        .replace(/\//g, '.') || '(root)';
    if (seen.has(field)) continue;
    seen.add(field);
    const v = e.value;
    out.push({ field, message: e.message, ...(v === undefined || typeof v === 'object' ? {} : { value: String(v) }) });
  }
  return out;
}

export interface CatalogueView {
  /** Metric code → its topic, polarity and applicable area types; undefined when unknown. */
  metric(
    code: string,
  ): { topic: string | null; polarity: string; periods: number; unitType?: string | undefined } | undefined;
  themes: Set<string>;
}

/** Checks a basket against the schema and the catalogue. */
export function basketProblems(raw: unknown, catalogue: CatalogueView): FieldError[] {
  const problems = schemaProblems(BasketDefinition, raw);
  if (problems.length > 0) return problems;
  const b = raw as BasketDefinitionT;
  const seen = new Map<string, number>();
  b.metrics.forEach((m, i) => {
    const at = `metrics[${i}]`;
    const known = catalogue.metric(m.metric);
    if (!known)
      problems.push({
        field: `${at}.metric`,
        value: m.metric,
        message: 'is not a metric in the catalogue (load its data first, or correct the id)',
      });
    else if (known.periods === 0)
      problems.push({ field: `${at}.metric`, value: m.metric, message: 'has no published data' });
    const earlier = seen.get(m.metric);
    if (earlier !== undefined)
      problems.push({
        field: `${at}.metric`,
        value: m.metric,
        message: `is already in the basket at metrics[${earlier}]`,
      });
    seen.set(m.metric, i);
    const theme = m.theme ?? known?.topic ?? undefined;
    if (m.theme !== undefined && !catalogue.themes.has(m.theme))
      problems.push({
        field: `${at}.theme`,
        value: m.theme,
        message: `is not a service area; use one of ${[...catalogue.themes].join(', ')}`,
      });
    if (known && theme === 'context')
      problems.push({
        field: `${at}.theme`,
        value: theme,
        message:
          'context measures (population, deprivation) describe the setting, not performance; they cannot be in a direction-of-travel basket',
      });
    const baseline = m.baseline ?? b.baseline;
    const latest = m.latest ?? b.latest;
    if (baseline === 'latest')
      problems.push({
        field: `${at}.baseline`,
        value: baseline,
        message: 'the baseline must be a date before the comparison period, not latest',
      });
    else if (latest !== 'latest' && baseline >= latest)
      problems.push({
        field: `${at}.baseline`,
        value: baseline,
        message: `must be before the comparison date ${latest}`,
      });
  });
  return problems;
}
