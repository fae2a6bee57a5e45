/**
 * The evaluation's survey sections, read through the surveys module's wave tables (the same tables, series and
 * significance tests as /surveys/series and /surveys/tables): the resident polling series (trust and satisfaction
 * across waves), the perception survey (awareness and support, the baseline against the follow-up) and the peer
 * challenge impact survey. Only closed waves are read: a wave still in the field is left out and said so. A difference
 * between waves is called a change only when the test finds it significant, and the test is named. The questionnaires
 * are found by their declared purpose (evaluation-sources.ts), not by the shipped codes alone, and each section and
 * table names the questionnaire and the waves its figures came from.
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
import type { Purpose, Source } from './evaluation-sources.ts';

/** One measure: a question (or grid row) and the answer or net followed, and what those giving it said. */
export interface SurveyMeasure {
  question: string;
  answer: string;
  /** Completes "N per cent of those who answered …". */
  said: string;
}

/** The purposes the evaluation reads and the standard measures of each (the shipped questionnaires' codes). */
export const POLLING = {
  purpose: 'resident-polling' as Purpose,
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
  purpose: 'council-perception' as Purpose,
  measures: [
    { question: 'Q1', answer: 'N_KNOW', said: 'knew a great deal or a fair amount about the peer challenge programme' },
    { question: 'Q3', answer: 'N_SAT', said: 'were satisfied with the support their council had received' },
    { question: 'Q7', answer: 'N_ADVOCATE', said: 'would speak highly of the sector body to other councils' },
  ],
} as const;
/** An impact survey some months after a support offer: every wave of the year that has closed, taken together. */
export interface ImpactSurvey {
  purpose: Purpose;
  /** Its table's id and caption, and who answered ("councils", "participants"). */
  id: string;
  caption: string;
  who: string;
  measures: readonly SurveyMeasure[];
}
export const PEER_IMPACT: ImpactSurvey = {
  purpose: 'peer-challenge-impact',
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
  purpose: 'leadership-impact',
  id: 'leadership-impact',
  caption: 'Leadership programmes impact survey',
  who: 'participants',
  measures: [
    {
      question: 'IMPROVED',
      answer: 'N_GREAT_MODERATE',
      said: 'said the programme had helped them improve the way they carry out their role to a great or moderate extent',
    },
    { question: 'NEW_ROLE', answer: '1', said: 'had taken on a new role since completing the programme' },
  ],
};
/** The polling table shows at most this many waves, the latest. */
const MAX_WAVES = 8;

export interface SurveyDeps {
  waves(): Promise<WaveDto[]>;
  tables: Surveys['tables'];
  /** The loaded questionnaires the evaluation reads, by code, with their purpose (evaluation-sources.ts). */
  sources(): Promise<Map<string, Source>>;
}

/** How a section names its questionnaire: `“Title” (code)`. */
const named = (q: Source) => `“${q.title}” (${q.code})`;

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
function measureOf(s: Series, ids: number[], m: SurveyMeasure, id: string, labels: [string, string], q: Source) {
  const points = s.points;
  const last = points.at(-1)!;
  if (last.percent === null) return `Too little data for ${s.title} (nobody answered it in ${last.wave}).`;
  const t: EvalTable = table({
    id,
    caption: `${s.title}: ${s.label}, per cent (questionnaire ${named(q)})`,
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
async function single(deps: SurveyDeps, w: WaveDto, m: SurveyMeasure, id: string, q: Source) {
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
      caption: `${t.title}: ${row.label}, per cent (questionnaire ${named(q)})`,
      columns: ['', w.name],
      rows: [[row.label, cell.display]],
      base: `Base (those asked who answered): ${base.answered} in ${w.name}.`,
      source: `/surveys/tables?waves=${w.id}`,
    }),
    paragraph: [`In ${w.name}, `, fig(perCent(cell.percent), id), ` of those who answered ${m.said}.`] as Paragraph,
  };
}

const closedIn = (all: WaveDto[], codes: readonly string[], yearEnd: string) =>
  all
    .filter((w) => codes.includes(w.survey) && w.state === 'closed' && w.opensAt < yearEnd)
    .sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id - b.id);
const stillOut = (all: WaveDto[], codes: readonly string[], yearEnd: string) =>
  all.filter((w) => codes.includes(w.survey) && w.state !== 'closed' && w.opensAt < yearEnd).length;

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
  /** The questionnaires of a purpose (their codes), and how the too-little-data sentence names them. */
  async function ofPurpose(purpose: Purpose) {
    const list = [...(await deps.sources()).values()].filter((q) => q.purpose === purpose);
    const codes = list.map((q) => q.code);
    const words = list.length
      ? `questionnaire${list.length > 1 ? 's' : ''} ${list.map(named).join(', ')}`
      : `no questionnaire loaded declares the purpose ${purpose}`;
    return { list, codes, words };
  }

  /**
   * A series section reads one questionnaire: the one whose closed wave fielded in the year is the latest (a series
   * compares the same questions). Waves of other questionnaires of the purpose are left out, and the intro says so.
   */
  async function seriesSource(purpose: Purpose, all: WaveDto[], year: number) {
    const end = `${year + 1}-01-01`;
    const p = await ofPurpose(purpose);
    const closed = closedIn(all, p.codes, end);
    const latest = closed.filter((w) => w.opensAt >= `${year}-01-01`).at(-1);
    const q = latest ? p.list.find((x) => x.code === latest.survey)! : undefined;
    const others = q ? closed.filter((w) => w.survey !== q.code).length : 0;
    const note = others
      ? ` ${others} closed wave${others > 1 ? 's' : ''} of another questionnaire with the same purpose ${others > 1 ? 'are' : 'is'} left out (a series compares one questionnaire's questions).`
      : '';
    return {
      p,
      q,
      waves: q ? closedIn(all, [q.code], end) : [],
      note,
      out: stillOut(all, q ? [q.code] : p.codes, end),
    };
  }

  /** Members of the public: the polling series of every closed wave to the year's end (the latest MAX_WAVES). */
  async function polling(year: number, all: WaveDto[]): Promise<EvaluationSection> {
    const title = 'Members of the public';
    const src = await seriesSource(POLLING.purpose, all, year);
    const waves = src.waves.slice(-MAX_WAVES);
    const inField = src.out ? ` (${src.out} wave${src.out > 1 ? 's are' : ' is'} still in the field and left out)` : '';
    if (!src.q)
      return tooLittle(
        'polling',
        'approach',
        title,
        `no wave of the resident polling (${src.p.words}) fielded in ${year} has closed${inField}.`,
      );
    const ids = waves.map((w) => w.id);
    const intro: Paragraph = [
      `Results from ${waves.length} wave${waves.length > 1 ? 's' : ''} of polling of residents on their local council ` +
        `(questionnaire ${named(src.q)}), from ${waves[0]!.name} to ${waves.at(-1)!.name}${inField}. Where the difference between two waves is ` +
        `statistically significant (95 per cent, two-tailed) this is stated, with the test used; otherwise it is not called a change.${src.note}`,
    ];
    const list = src.q.measures ?? POLLING.measures;
    const s = await measures(list, ids, waves, 'polling', ['the first wave', 'the most recent wave'], src.q);
    return sectionOf('polling', title, intro, s);
  }

  /** The measures' series over the waves (a single wave: its figures only, said so). */
  async function measures(
    list: readonly SurveyMeasure[],
    ids: number[],
    waves: WaveDto[],
    prefix: string,
    labels: [string, string],
    q: Source,
  ) {
    const tables: EvalTable[] = [];
    const paragraphs: Paragraph[] = [];
    let headline: Paragraph | null = null;
    for (const [k, m] of list.entries()) {
      const id = `${prefix}-${k + 1}`;
      const r =
        waves.length > 1
          ? await orMissing(deps.tables.series({ waves: ids }, m.question, m.answer)).then((s) =>
              typeof s === 'string' ? s : measureOf(s, ids, m, id, labels, q),
            )
          : await single(deps, waves[0]!, m, id, q);
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
    const title = 'Survey of council leaders, chief executives and chairs of scrutiny';
    const src = await seriesSource(PERCEPTION.purpose, all, year);
    const waves = src.waves;
    const followUp = waves.filter((w) => w.opensAt >= `${year}-01-01`).at(-1);
    if (!followUp || !src.q)
      return tooLittle(
        'perception',
        'approach',
        title,
        `no wave of the perception survey (${src.p.words}) fielded in ${year} has closed.`,
      );
    const baseline = waves[0]!;
    const pair = baseline.id === followUp.id ? [followUp] : [baseline, followUp];
    const intro: Paragraph = [
      pair.length === 1
        ? `${followUp.name} is the first wave of the perception survey (questionnaire ${named(src.q)}): it is the baseline, and there is no earlier wave to compare it with.${src.note}`
        : `The follow-up survey (${followUp.name}) against the baseline (${baseline.name}), questionnaire ${named(src.q)}. Differences are stated as changes only where ` +
          `statistically significant (95 per cent, two-tailed), with the test used (McNemar where the same councils answered both).${src.note}`,
    ];
    const s = await measures(
      src.q.measures ?? PERCEPTION.measures,
      pair.map((w) => w.id),
      pair,
      'perception',
      ['the baseline', 'the follow-up'],
      src.q,
    );
    return sectionOf('perception', title, intro, s);
  }

  /**
   * An impact survey's figures for the year: for each questionnaire of its purpose, its waves that closed in the year
   * taken together (one table each, naming the questionnaire and the waves), or a sentence saying none did.
   */
  async function impact(spec: ImpactSurvey, year: number, all: WaveDto[]) {
    const p = await ofPurpose(spec.purpose);
    const closed = closedIn(all, p.codes, `${year + 1}-01-01`).filter((w) => w.opensAt >= `${year}-01-01`);
    const what = spec.caption.toLowerCase();
    const tables: EvalTable[] = [];
    const paragraphs: Paragraph[] = [];
    if (!closed.length) paragraphs.push([`No wave of the ${what} (${p.words}) closed in ${year}.`]);
    const used = p.list.filter((q) => closed.some((w) => w.survey === q.code));
    for (const [k, q] of used.entries()) {
      const waves = closed.filter((w) => w.survey === q.code);
      const id = k === 0 ? spec.id : `${spec.id}-${k + 1}`;
      const ids = waves.map((w) => w.id);
      const r = await deps.tables.tables({ waves: ids });
      const rows: (string | number)[][] = [];
      const para: Paragraph = [`Of the ${spec.who} who answered the ${what} (questionnaire ${named(q)}), `];
      let base = 0;
      for (const m of q.measures ?? spec.measures) {
        const t = r.tabulation.tables.find((x) => x.code === m.question);
        const row = t?.rows.find((x) => x.code === m.answer);
        const cell = row?.cells.find((c) => c.column === 'total');
        if (!t || !row || !cell || cell.percent === null) continue;
        base = Math.max(base, t.bases.find((b) => b.column === 'total')!.answered);
        if (rows.length) para.push('; ');
        para.push(fig(perCent(cell.percent), id), ` ${m.said}`);
        rows.push([t.title, row.label, cell.display]);
      }
      const wavesIn = waves.map((w) => w.name).join(', ');
      if (!rows.length) {
        paragraphs.push([
          `Too little data: nobody answered the measured questions of ${named(q)} in ${year} (waves ${wavesIn}).`,
        ]);
        continue;
      }
      para.push('.');
      paragraphs.push(para);
      tables.push(
        table({
          id,
          caption: `${spec.caption}, ${year}, per cent (questionnaire ${named(q)})`,
          columns: ['Question', 'Answer', '%'],
          rows,
          base: `Base: ${base} ${spec.who} answered (questionnaire ${named(q)}; waves: ${wavesIn}).`,
          source: `/surveys/tables?waves=${ids.join(',')}`,
        }),
      );
    }
    return { tables, paragraphs };
  }

  return { polling, perception, impact };
}
