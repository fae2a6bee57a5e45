/**
 * The evaluation's survey sections, read through the surveys module's wave tables (the same tables, series and
 * significance tests as /surveys/series and /surveys/tables): the resident polling series (trust and satisfaction
 * across waves), the perception survey (awareness and support, the baseline against the follow-up) and the peer
 * challenge impact survey. Only closed waves are read: a wave still in the field is left out and said so. A difference
 * between waves is called a change only when the test finds it significant, and the test is named.
 */
import { AppError } from '../../platform/errors.ts';
import { formatP, type Series, type SeriesPoint, type Surveys, type WaveDto } from '../surveys/index.ts';
import {
  fig,
  inWaves,
  perCent,
  table,
  tooLittle,
  type EvalTable,
  type EvaluationSection,
  type Paragraph,
} from './evaluation-model.ts';

/** One measure: a question (or grid row) and the answer or net followed, and what those giving it said. */
export interface SurveyMeasure {
  question: string;
  answer: string;
  /** Completes "N per cent of those who answered …". */
  said: string;
}

/** The questionnaires the evaluation reads and the measures it follows in each (the shipped examples' codes). */
export const POLLING = {
  survey: 'resident-polling',
  measures: [
    { question: 'TRUST', answer: 'N_TRUST', said: 'trusted their local council a great deal or a fair amount' },
    { question: 'SAT', answer: 'N_SAT', said: 'were very or fairly satisfied with the way their council runs things' },
    {
      question: 'INFORMED',
      answer: 'N_INFORMED',
      said: 'felt their council kept residents very or fairly well informed',
    },
  ],
} as const;
export const PERCEPTION = {
  survey: 'council-perception',
  measures: [
    { question: 'Q1', answer: 'N_KNOW', said: 'knew a great deal or a fair amount about the peer challenge programme' },
    { question: 'Q3', answer: 'N_SAT', said: 'were satisfied with the support their council had received' },
    { question: 'Q7', answer: 'N_ADVOCATE', said: 'would speak highly of the sector body to other councils' },
  ],
} as const;
/** An impact survey some months after a support offer: every wave of the year that has closed, taken together. */
export interface ImpactSurvey {
  survey: string;
  /** Its table's id and caption, and who answered ("councils", "participants"). */
  id: string;
  caption: string;
  who: string;
  measures: readonly SurveyMeasure[];
}
export const PEER_IMPACT: ImpactSurvey = {
  survey: 'peer-challenge-impact',
  id: 'peer-impact',
  caption: 'Peer challenge impact survey',
  who: 'councils',
  measures: [
    {
      question: 'IMPACT_PRIORITIES',
      answer: 'N_POSITIVE',
      said: "said the peer challenge had a great or moderate positive impact on delivering their council's priorities",
    },
    {
      question: 'IMPACT_REPUTATION',
      answer: 'N_POSITIVE',
      said: 'said it had a great or moderate positive impact on the external reputation of their council',
    },
    {
      question: 'ACTED',
      answer: 'N_MOST',
      said: "said their council had acted on all or most of the peer team's recommendations",
    },
  ],
};
export const LEADERSHIP_IMPACT: ImpactSurvey = {
  survey: 'leadership-impact',
  id: 'leadership-impact',
  caption: 'Leadership programmes impact survey',
  who: 'participants',
  measures: [
    {
      question: 'ROLE_IMPROVED',
      answer: 'N_EXTENT',
      said: 'said the programme had helped them improve the way they carry out their role to a great or moderate extent',
    },
    { question: 'NEW_ROLE', answer: '1', said: 'had taken on a new role or more responsibilities since' },
  ],
};
/** The polling table shows at most this many waves, the latest. */
const MAX_WAVES = 8;

export interface SurveyDeps {
  waves(): Promise<WaveDto[]>;
  tables: Surveys['tables'];
}

const seriesHref = (ids: number[], m: SurveyMeasure) =>
  `/surveys/series?waves=${ids.join(',')}&question=${encodeURIComponent(m.question)}&answer=${encodeURIComponent(m.answer)}`;

/** A question the waves' questionnaire does not have (a 400 from the surveys module) is reported, not thrown. */
async function orMissing<T>(work: Promise<T>): Promise<T | string> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof AppError && e.status === 400) return `Not reported: ${e.message}`;
    throw e;
  }
}

/** "This is a statistically significant increase from 40 per cent in Spring (two-proportion z-test, p = 0.004)." */
function compared(
  p: SeriesPoint,
  against: SeriesPoint,
  c: SeriesPoint['vsFirst'],
  id: string,
  what: string,
): Paragraph {
  if (!c || against.percent === null) return [];
  const p0 = fig(perCent(against.percent), id);
  const pv = formatP(c.adjustedPValue ?? c.pValue);
  const test = `${c.test}, p ${pv.startsWith('<') ? pv : `= ${pv}`}`;
  if (!c.significant)
    return [` The difference from `, p0, ` in ${against.wave} ${what}is not statistically significant (${test}).`];
  const way = c.direction === 'higher' ? 'increase' : 'decrease';
  return [` This is a statistically significant ${way} from `, p0, ` in ${against.wave} ${what}(${test}).`];
}

/** One measure's series as a table and a paragraph (the latest wave against the first and the previous). */
function measureOf(s: Series, ids: number[], m: SurveyMeasure, id: string, labels: [string, string]) {
  const points = s.points;
  const last = points.at(-1)!;
  if (last.percent === null) return `Too little data for ${s.title} (nobody answered it in ${last.wave}).`;
  const t: EvalTable = table({
    id,
    caption: `${s.title}: ${s.label}, per cent`,
    columns: ['', ...points.map((p) => p.wave)],
    rows: [[s.label, ...points.map((p) => p.display)]],
    base: `Base (those asked who answered): ${inWaves(points.map((p) => [p.answered, p.wave]))}.`,
    source: seriesHref(ids, m),
  });
  const para: Paragraph = [
    `In ${labels[1]} (${last.wave}), `,
    fig(perCent(last.percent), id),
    ` of those who answered ${m.said}.`,
  ];
  if (points.length > 1) para.push(...compared(last, points[0]!, last.vsFirst, id, `(${labels[0]}) `));
  if (points.length > 2 && last.vsPrevious?.significant)
    para.push(...compared(last, points.at(-2)!, last.vsPrevious, id, '(the previous wave) '));
  return { table: t, paragraph: para, headline: para.slice(0, 3) };
}

/** One wave's figure for a measure (a baseline with no follow-up yet), from the wave's report tables. */
async function single(deps: SurveyDeps, w: WaveDto, m: SurveyMeasure, id: string) {
  const r = await deps.tables.tables({ waves: [w.id] });
  const t = r.tabulation.tables.find((x) => x.code === m.question);
  const row = t?.rows.find((x) => x.code === m.answer);
  if (!t || !row) return `Not reported: ${m.question} (${m.answer}) is not a question of this questionnaire.`;
  const cell = row.cells.find((c) => c.column === 'total')!;
  const base = t.bases.find((b) => b.column === 'total')!;
  if (cell.percent === null) return `Too little data for ${t.title} (nobody answered it in ${w.name}).`;
  return {
    table: table({
      id,
      caption: `${t.title}: ${row.label}, per cent`,
      columns: ['', w.name],
      rows: [[row.label, cell.display]],
      base: `Base (those asked who answered): ${base.answered} in ${w.name}.`,
      source: `/surveys/tables?waves=${w.id}`,
    }),
    paragraph: [`In ${w.name}, `, fig(perCent(cell.percent), id), ` of those who answered ${m.said}.`] as Paragraph,
  };
}

const closedIn = (all: WaveDto[], code: string, yearEnd: string) =>
  all
    .filter((w) => w.survey === code && w.state === 'closed' && w.opensAt < yearEnd)
    .sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id - b.id);
const stillOut = (all: WaveDto[], code: string, yearEnd: string) =>
  all.filter((w) => w.survey === code && w.state !== 'closed' && w.opensAt < yearEnd).length;

/** A survey section of the approach: its introduction, then each measure's paragraph and table. */
const sectionOf = (
  id: string,
  title: string,
  intro: Paragraph,
  s: { tables: EvalTable[]; paragraphs: Paragraph[]; headline: Paragraph | null },
): EvaluationSection => ({
  id,
  part: 'approach',
  title,
  status: 'ok',
  headline: s.headline,
  paragraphs: [intro, ...s.paragraphs],
  tables: s.tables,
});

export function surveySections(deps: SurveyDeps) {
  /** Members of the public: the polling series of every closed wave to the year's end (the latest MAX_WAVES). */
  async function polling(year: number, all: WaveDto[]): Promise<EvaluationSection> {
    const end = `${year + 1}-01-01`;
    const title = 'Members of the public';
    const waves = closedIn(all, POLLING.survey, end).slice(-MAX_WAVES);
    const out = stillOut(all, POLLING.survey, end);
    const inField = out ? ` (${out} wave${out > 1 ? 's are' : ' is'} still in the field and left out)` : '';
    if (!waves.some((w) => w.opensAt >= `${year}-01-01`))
      return tooLittle(
        'polling',
        'approach',
        title,
        `no wave of the resident polling (questionnaire ${POLLING.survey}) fielded in ${year} has closed${inField}.`,
      );
    const ids = waves.map((w) => w.id);
    const intro: Paragraph = [
      `Results from ${waves.length} wave${waves.length > 1 ? 's' : ''} of polling of residents on their local council, ` +
        `from ${waves[0]!.name} to ${waves.at(-1)!.name}${inField}. Where the difference between two waves is ` +
        'statistically significant (95 per cent, two-tailed) this is stated, with the test used; otherwise it is not called a change.',
    ];
    const s = await measures(POLLING.measures, ids, waves, 'polling', ['the first wave', 'the most recent wave']);
    return sectionOf('polling', title, intro, s);
  }

  /** The measures' series over the waves (a single wave: its figures only, said so). */
  async function measures(
    list: readonly SurveyMeasure[],
    ids: number[],
    waves: WaveDto[],
    prefix: string,
    labels: [string, string],
  ) {
    const tables: EvalTable[] = [];
    const paragraphs: Paragraph[] = [];
    let headline: Paragraph | null = null;
    for (const [k, m] of list.entries()) {
      const id = `${prefix}-${k + 1}`;
      const r =
        waves.length > 1
          ? await orMissing(deps.tables.series({ waves: ids }, m.question, m.answer)).then((s) =>
              typeof s === 'string' ? s : measureOf(s, ids, m, id, labels),
            )
          : await single(deps, waves[0]!, m, id);
      if (typeof r === 'string') {
        paragraphs.push([r]);
        continue;
      }
      tables.push(r.table);
      paragraphs.push(r.paragraph);
      headline ??= r.paragraph;
    }
    return { tables, paragraphs, headline };
  }

  /** The perception survey: the first wave (the baseline) against the latest wave of the year (the follow-up). */
  async function perception(year: number, all: WaveDto[]): Promise<EvaluationSection> {
    const end = `${year + 1}-01-01`;
    const title = 'Survey of council leaders, chief executives and chairs of scrutiny';
    const waves = closedIn(all, PERCEPTION.survey, end);
    const followUp = waves.filter((w) => w.opensAt >= `${year}-01-01`).at(-1);
    if (!followUp)
      return tooLittle(
        'perception',
        'approach',
        title,
        `no wave of the perception survey (questionnaire ${PERCEPTION.survey}) fielded in ${year} has closed.`,
      );
    const baseline = waves[0]!;
    const pair = baseline.id === followUp.id ? [followUp] : [baseline, followUp];
    const intro: Paragraph = [
      pair.length === 1
        ? `${followUp.name} is the first wave of the perception survey: it is the baseline, and there is no earlier wave to compare it with.`
        : `The follow-up survey (${followUp.name}) against the baseline (${baseline.name}). Differences are stated as changes only where ` +
          'statistically significant (95 per cent, two-tailed), with the test used (McNemar where the same councils answered both).',
    ];
    const s = await measures(
      PERCEPTION.measures,
      pair.map((w) => w.id),
      pair,
      'perception',
      ['the baseline', 'the follow-up'],
    );
    return sectionOf('perception', title, intro, s);
  }

  /** An impact survey's figures for the year (its waves that closed, taken together), or a sentence saying none did. */
  async function impact(spec: ImpactSurvey, year: number, all: WaveDto[]) {
    const waves = closedIn(all, spec.survey, `${year + 1}-01-01`).filter((w) => w.opensAt >= `${year}-01-01`);
    const none = (why: string) => ({ tables: [] as EvalTable[], paragraphs: [[why]] as Paragraph[] });
    if (!waves.length) return none(`No wave of the ${spec.caption.toLowerCase()} (${spec.survey}) closed in ${year}.`);
    const ids = waves.map((w) => w.id);
    const r = await deps.tables.tables({ waves: ids });
    const rows: (string | number)[][] = [];
    const para: Paragraph = [`Of the ${spec.who} who answered the ${spec.caption.toLowerCase()}, `];
    let base = 0;
    for (const m of spec.measures) {
      const t = r.tabulation.tables.find((x) => x.code === m.question);
      const row = t?.rows.find((x) => x.code === m.answer);
      const cell = row?.cells.find((c) => c.column === 'total');
      if (!t || !row || !cell || cell.percent === null) continue;
      base = Math.max(base, t.bases.find((b) => b.column === 'total')!.answered);
      if (rows.length) para.push('; ');
      para.push(fig(perCent(cell.percent), spec.id), ` ${m.said}`);
      rows.push([t.title, row.label, cell.display]);
    }
    if (!rows.length)
      return none(`Too little data: nobody answered the ${spec.caption.toLowerCase()}'s questions in ${year}.`);
    para.push('.');
    return {
      tables: [
        table({
          id: spec.id,
          caption: `${spec.caption}, ${year}, per cent`,
          columns: ['Question', 'Answer', '%'],
          rows,
          base: `Base: ${base} ${spec.who} answered (${waves.map((w) => w.name).join(', ')}).`,
          source: `/surveys/tables?waves=${ids.join(',')}`,
        }),
      ],
      paragraphs: [para],
    };
  }

  return { polling, perception, impact };
}
