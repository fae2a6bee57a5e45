/**
 * The value-for-money mapping: for each service, its net current expenditure metric (spend per head is that metric's
 * derived `.per-head`, per household `.per-household`), which council types run it, its caveats, and the outcome
 * measures shown beside it, each with the reason it was chosen. Kept as versioned data (value-for-money.json), checked
 * against its schema when loaded, like the sector's basket.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Code = Type.String({ minLength: 1, maxLength: 200 });
export const SpendBase = Type.Union([Type.Literal('per-head'), Type.Literal('per-household')]);
export type SpendBaseT = Static<typeof SpendBase>;

export const ValueMappingSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]+$' }),
    version: Type.String({ pattern: '^[A-Za-z0-9.]+$' }),
    name: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    services: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9-]+$' }),
          title: Type.String({ minLength: 1 }),
          /** The net current expenditure metric (£ thousand); the spend compared is its derived per-head figure. */
          spend: Code,
          /** Which derived figures to show, the first drawn in the scatter (default per-head only). */
          bases: Type.Optional(Type.Array(SpendBase, { minItems: 1 })),
          /** The council types that run the service: others are not scored on it. */
          runBy: Type.Array(Type.String({ pattern: '^E\\d\\d$' }), { minItems: 1 }),
          caveats: Type.Array(Type.String({ minLength: 1 })),
          outcomes: Type.Array(Type.Object({ metric: Code, why: Type.String({ minLength: 1 }) })),
          /** Why a service has no outcome measure. */
          noOutcomes: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type ValueMapping = Static<typeof ValueMappingSchema>;
export type ValueServiceDef = ValueMapping['services'][number];

/** The derived spend metric's code for a base: `X.per-head`, `X.per-household` (the derived measures' contract). */
export const spendCode = (nce: string, base: SpendBaseT): string => `${nce}.${base}`;
export const basesOf = (s: ValueServiceDef): SpendBaseT[] => s.bases ?? ['per-head'];

/** Checks a mapping, naming the first problem's JSON path. */
export function parseMapping(raw: unknown, where: string): ValueMapping {
  const first = Value.Errors(ValueMappingSchema, raw).First();
  if (first) throw new Error(`${where}: ${first.path || '(root)'}: ${first.message}`);
  return raw as ValueMapping;
}

/** The shipped mapping (src/modules/value/value-for-money.json). */
export function defaultMapping(): ValueMapping {
  const file = new URL('./value-for-money.json', import.meta.url);
  return parseMapping(JSON.parse(readFileSync(file, 'utf8')), file.pathname);
}
