/**
 * Early-warning rule sets: versioned data, each rule with an id, a plain-English statement, its parameters and the
 * metrics it needs. Four kinds of rule, no composite score:
 * - bottom-quartile: in the bottom quarter of a comparison group on at least K of a basket's measures (latest period);
 * - consecutive-worsening: worsened for N consecutive periods on at least K of a basket's measures;
 * - threshold: a measure's latest value beyond a threshold, each threshold with the dates it was in effect (e.g. the
 *   planning "poorly performing" designation: 40 per cent or fewer major applications decided in time);
 * - missing-latest: no figure for the latest period (which most councils have) on at least K measures.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FieldError } from '../../platform/errors.ts';
import { schemaProblems, type CatalogueView } from './definitions.ts';

const Id = Type.String({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$', maxLength: 80 });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const K = Type.Integer({ minimum: 1, maximum: 100, description: 'How many measures must meet the condition' });
const Base = { id: Id, statement: Type.String({ minLength: 10 }), source: Type.Optional(Type.String()) };

export const BottomQuartileRule = Type.Object(
  {
    ...Base,
    type: Type.Literal('bottom-quartile'),
    params: Type.Object(
      {
        basket: Type.String(),
        k: K,
        share: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: 1,
            description:
              'Also at least this share of the measures the council was compared on (fairer between tiers, which have different numbers of measures)',
          }),
        ),
        group: Type.String({
          description:
            'A group id, or "nearest-neighbours:<family>" for each council\'s own neighbour set in that family, or "same-type"',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ConsecutiveWorseningRule = Type.Object(
  {
    ...Base,
    type: Type.Literal('consecutive-worsening'),
    params: Type.Object(
      {
        basket: Type.String(),
        k: K,
        periods: Type.Integer({ minimum: 2, maximum: 10 }),
        tolerance: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ThresholdRule = Type.Object(
  {
    ...Base,
    type: Type.Literal('threshold'),
    params: Type.Object(
      {
        metric: Type.String(),
        operator: Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>=')]),
        thresholds: Type.Array(
          Type.Object(
            { value: Type.Number(), effectiveFrom: DateText, effectiveTo: Type.Union([DateText, Type.Null()]) },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const MissingLatestRule = Type.Object(
  {
    ...Base,
    type: Type.Literal('missing-latest'),
    params: Type.Object(
      {
        basket: Type.String(),
        k: K,
        minShare: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: 1,
            description: 'The latest period counts once this share of councils have a figure (default 0.8)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const Rule = Type.Union([BottomQuartileRule, ConsecutiveWorseningRule, ThresholdRule, MissingLatestRule]);
export type RuleT = Static<typeof Rule>;

export const RuleSetDefinition = Type.Object(
  {
    id: Id,
    version: Type.String({ pattern: '^[A-Za-z0-9.]+$', maxLength: 40 }),
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    rules: Type.Array(Type.Unknown(), { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type RuleSetT = Omit<Static<typeof RuleSetDefinition>, 'rules'> & { rules: RuleT[] };

const RULE_TYPES = {
  'bottom-quartile': BottomQuartileRule,
  'consecutive-worsening': ConsecutiveWorseningRule,
  threshold: ThresholdRule,
  'missing-latest': MissingLatestRule,
} as const;

export interface RuleContext extends CatalogueView {
  /** Loaded basket codes and how many measures each has. */
  basket(code: string): { metrics: number } | undefined;
  /** True when a group id (or a family code for nearest-neighbours:) exists. */
  groupExists(id: string): Promise<boolean>;
}

/** Checks a rule set's shape, then each rule by its type, then its references; every problem names its JSON path. */
export async function ruleSetProblems(raw: unknown, ctx: RuleContext): Promise<FieldError[]> {
  const problems = schemaProblems(RuleSetDefinition, raw);
  if (problems.length > 0) return problems;
  const set = raw as { rules: unknown[] };
  const ids = new Map<string, number>();
  for (const [i, r] of set.rules.entries()) {
    const at = `rules[${i}]`;
    const type = (r as { type?: unknown })?.type;
    const schema = typeof type === 'string' ? RULE_TYPES[type as keyof typeof RULE_TYPES] : undefined;
    if (!schema) {
      problems.push({
        field: `${at}.type`,
        message: `must be one of ${Object.keys(RULE_TYPES).join(', ')}`,
        ...(typeof type === 'string' ? { value: type } : {}),
      });
      continue;
    }
    const own = schemaProblems(schema, r).map((p) => ({
      ...p,
      field: `${at}.${p.field}`,
      message: p.message.replace(/^Unexpected property$/, 'is not a parameter of this rule type'),
    }));
    if (own.length > 0) {
      problems.push(...own);
      continue;
    }
    const rule = r as RuleT;
    const earlier = ids.get(rule.id);
    if (earlier !== undefined)
      problems.push({ field: `${at}.id`, value: rule.id, message: `is already used by rules[${earlier}]` });
    ids.set(rule.id, i);
    switch (rule.type) {
      case 'bottom-quartile':
      case 'consecutive-worsening':
      case 'missing-latest': {
        const b = ctx.basket(rule.params.basket);
        if (!b)
          problems.push({
            field: `${at}.params.basket`,
            value: rule.params.basket,
            message: 'is not a loaded basket; load it first with "sli sector load-basket"',
          });
        else if (rule.params.k > b.metrics)
          problems.push({
            field: `${at}.params.k`,
            value: String(rule.params.k),
            message: `asks for more measures than the basket has (${b.metrics})`,
          });
        if (rule.type === 'bottom-quartile' && !(await ctx.groupExists(rule.params.group)))
          problems.push({
            field: `${at}.params.group`,
            value: rule.params.group,
            message: 'is not a group id, "same-type" or "nearest-neighbours:<family code>" of a loaded family',
          });
        break;
      }
      case 'threshold': {
        const known = ctx.metric(rule.params.metric);
        if (!known)
          problems.push({
            field: `${at}.params.metric`,
            value: rule.params.metric,
            message: 'is not a metric in the catalogue',
          });
        else if (known.unitType === 'category')
          problems.push({
            field: `${at}.params.metric`,
            value: rule.params.metric,
            message:
              'is a categorical measure (judgements): its values are category positions, not numbers, so a numeric threshold does not apply',
          });
        const t = [...rule.params.thresholds]
          .map((x, j) => ({ ...x, j }))
          .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
        for (const x of t) {
          if (x.effectiveTo !== null && x.effectiveTo < x.effectiveFrom)
            problems.push({
              field: `${at}.params.thresholds[${x.j}].effectiveTo`,
              value: x.effectiveTo,
              message: `is before effectiveFrom ${x.effectiveFrom}`,
            });
        }
        for (let j = 1; j < t.length; j++) {
          const prev = t[j - 1]!;
          const cur = t[j]!;
          if (prev.effectiveTo === null || prev.effectiveTo >= cur.effectiveFrom) {
            problems.push({
              field: `${at}.params.thresholds[${cur.j}].effectiveFrom`,
              value: cur.effectiveFrom,
              message: `overlaps thresholds[${prev.j}] (${prev.effectiveFrom} to ${prev.effectiveTo ?? 'open'}): only one threshold may be in effect on a date`,
            });
          }
        }
        break;
      }
      default: {
        const never: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(never)}`);
      }
    }
  }
  return problems;
}

/** The threshold in effect on a date, if any. */
export function thresholdOn(
  rule: Extract<RuleT, { type: 'threshold' }>,
  date: string,
): { value: number; effectiveFrom: string; effectiveTo: string | null } | undefined {
  return rule.params.thresholds.find(
    (t) => t.effectiveFrom <= date && (t.effectiveTo === null || date <= t.effectiveTo),
  );
}

export function beyond(operator: '<' | '<=' | '>' | '>=', value: number, threshold: number): boolean {
  switch (operator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    default: {
      const never: never = operator;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}
