/**
 * The evaluation's data analysis: the direction of travel of the key basket for England, as the sector module computes
 * it (its directionOfTravel: the same classification, counts by service area and clustering flags as /sector), never
 * recomputed here. The evaluation of the current year compares each measure's most recent period with a figure against
 * the basket's baseline; an earlier year's compares the period including 31 December of that year (or the nearest with
 * a figure, noted by the sector module), so a later release does not rewrite it.
 */
import { AppError } from '../../platform/errors.ts';
import type { SectorService } from '../sector/index.ts';
import { fig, table, tooLittle, type EvaluationSection, type Paragraph } from './evaluation-model.ts';

export type BasketSource = Pick<SectorService, 'directionOfTravel'>;

const TITLE = 'Data analysis: direction of travel of the key measures';

export async function basketSection(
  sector: BasketSource | undefined,
  year: number,
  thisYear: number,
): Promise<EvaluationSection> {
  if (!sector) return tooLittle('basket', 'approach', TITLE, 'the sector overview is not part of this service.');
  const latest = year >= thisYear ? 'latest' : `${year}-12-31`;
  let r: Awaited<ReturnType<BasketSource['directionOfTravel']>>;
  try {
    r = await sector.directionOfTravel({ latest });
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return tooLittle('basket', 'approach', TITLE, e.message);
    throw e;
  }
  const o = r.summary.overall;
  if (o.classified === 0)
    return tooLittle(
      'basket',
      'approach',
      TITLE,
      `none of the ${o.metrics} measures of the basket "${r.basket.name}" has a baseline and a ${latest === 'latest' ? 'latest' : year} figure to compare for England.`,
    );
  const query = `basket=${encodeURIComponent(`${r.basket.id}@${r.basket.version}`)}`;
  const source =
    latest === 'latest' ? `/sector?${query}` : `/api/v1/sector/direction-of-travel.json?${query}&latest=${latest}`;
  const themes = r.summary.byTheme.filter((t) => t.metrics > 0);
  const T = 'basket-themes';
  const counts = table({
    id: T,
    caption: `Direction of travel of the key measures by service area: ${latest === 'latest' ? 'most recent' : `to ${year}`} compared with the baseline`,
    columns: ['Service area', 'Improved', 'No change', 'Worsened', 'No polarity', 'Not compared'],
    rows: [
      ...themes.map((t) => [
        `${t.title}${t.flagged ? ' (flagged)' : ''}`,
        `${t.improved} of ${t.classified}`,
        t.noChange,
        t.worsened,
        t.noPolarity,
        t.notComparable + t.noData,
      ]),
      [
        'All service areas',
        `${o.improved} of ${o.classified}`,
        o.noChange,
        o.worsened,
        o.noPolarity,
        o.notComparable + o.noData,
      ],
    ],
    base: `Base: ${o.metrics} measures of the basket "${r.basket.name}" (version ${r.basket.version}), England; ${o.classified} with a direction.`,
    source,
  });
  const headline: Paragraph = [
    fig(o.improved, T),
    ' of ',
    fig(o.classified, T),
    ` key measures with a direction improved in England between the baseline and ${latest === 'latest' ? 'the latest period' : year}; `,
    fig(o.noChange, T),
    ' did not change materially and ',
    fig(o.worsened, T),
    ' worsened.',
  ];
  const flagged = themes.filter((t) => t.flagged);
  const areas: Paragraph = [];
  for (const t of themes.filter((x) => x.classified > 0)) {
    areas.push(
      areas.length ? '; ' : 'By service area: ',
      `${t.title} `,
      fig(t.improved, T),
      ' of ',
      fig(t.classified, T),
      ' improved',
    );
  }
  if (areas.length) areas.push('.');
  const cluster: Paragraph = flagged.length
    ? [
        `Worsening measures cluster in ${flagged.map((t) => `${t.title} (${t.flagReason})`).join('; ')}: this may point to a wider problem in that service area.`,
      ]
    : [
        'Where measures worsened they were not clustered in one service area, which is a positive sign: clustering may point to a wider problem.',
      ];
  return {
    id: 'basket',
    part: 'approach',
    title: TITLE,
    status: 'ok',
    headline,
    paragraphs: [[r.methodology.slice(0, 3).join(' ')], headline, areas, cluster].filter((p) => p.length > 0),
    tables: [counts],
  };
}
