/** TypeBox schemas of the reporting API and pages: what they accept. */
import { Type } from '@sinclair/typebox';
import { TABLE_BREAKDOWNS } from './wave-tables.ts';

const WaveIds = Type.String({
  pattern: '^\\d+(,\\d+)*$', maxLength: 200, description: 'wave ids, comma-separated (one questionnaire)',
});

export const TablesQuery = Type.Object({
  waves: WaveIds,
  by: Type.Optional(Type.Union(TABLE_BREAKDOWNS.map((b) => Type.Literal(b)), {
    description: 'breakdown: wave (a series), authority_type, region or role',
  })),
  holm: Type.Optional(Type.Boolean()),
  continuityCorrection: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export const SeriesQuery = Type.Object({
  waves: WaveIds,
  question: Type.String({ maxLength: 100 }),
  answer: Type.String({ maxLength: 100 }),
  holm: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export const TextsQuery = Type.Object(
  { waves: WaveIds, question: Type.String({ maxLength: 100 }) },
  { additionalProperties: false },
);
export const ThemeBody = Type.Object({
  responseId: Type.Integer({ minimum: 1 }),
  question: Type.String({ maxLength: 100 }),
  themes: Type.Union([Type.Array(Type.String({ maxLength: 60 }), { maxItems: 20 }), Type.String({ maxLength: 1000 })]),
  waves: Type.Optional(WaveIds),
  _csrf: Type.Optional(Type.String()),
}, { additionalProperties: false });
