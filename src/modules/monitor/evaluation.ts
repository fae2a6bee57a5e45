/**
 * The annual evaluation document, in the structure of the sector's published evaluations: key messages; the approach
 * to sector-led improvement (the direction of travel of the key basket, from the sector module; the resident polling
 * series and the perception survey's baseline against its follow-up, from the surveys module's tables with their
 * significance tests); and the offer of support (peer challenge delivery, coverage and impact; the data service's use,
 * from the scorecard; leadership places; the surveys fielded). Every figure names the table it came from and every
 * table the platform page it was read from (evaluation-model.ts). A section with too little data says so and why; a
 * year with no evidence in any section is refused with each section's reason. Written as HTML and DOCX by
 * evaluation-output.ts.
 */
import { AppError } from '../../platform/errors.ts';
import type { PeerDelivery } from '../peer/index.ts';
import { basketSection, type BasketSource } from './evaluation-basket.ts';
import {
  fig,
  monthLabel,
  num,
  pc,
  table,
  tooLittle,
  type EvalTable,
  type EvaluationSection,
  type Paragraph,
} from './evaluation-model.ts';
import type { YearTakeUp } from '../lead/index.ts';
import { evaluationSources, PURPOSES, type Purpose, type QuestionnaireList } from './evaluation-sources.ts';

const shippedSource = (purpose: Purpose) => ({
  code: PURPOSES[purpose],
  title: PURPOSES[purpose],
  purpose,
  measures: null,
});
import { LEADERSHIP_IMPACT, PEER_IMPACT, surveySections, type SurveyDeps } from './evaluation-surveys.ts';
import type { deliveryService, LeadershipSource } from './delivery.ts';
import type { scorecardService } from './scorecard.ts';

export type { EvaluationSection, EvalTable, Part } from './evaluation-model.ts';

export interface EvaluationDeps {
  /** The loaded questionnaires (the surveys module): which ones the report reads, by their declared purpose. */
  questionnaires?: QuestionnaireList | undefined;
  /** The lead module: take-up of subsidised places by council type and region in the year's windows. */
  leadership?: LeadershipSource | undefined;
  /** The sector overview's direction of travel (absent: the section says the overview is not part of the service). */
  sector?: BasketSource | undefined;
  /** The surveys module's waves and wave tables (series with significance). */
  surveyTables?: SurveyDeps['tables'] | undefined;
  /** Peer challenge coverage of the current councils. */
  peerCoverage?:
    | ((on: string) => Promise<{ councils: number; due: number; overdue: number; notDue: number; none: number }>)
    | undefined;
}

export function evaluationService(
  scorecards: ReturnType<typeof scorecardService>,
  delivery: ReturnType<typeof deliveryService>,
  waves: SurveyDeps['waves'],
  deps: EvaluationDeps,
  today: () => string,
) {
  const sources = async () =>
    deps.questionnaires
      ? evaluationSources(deps.questionnaires)
      : new Map(Object.entries(PURPOSES).map(([purpose, code]) => [code, shippedSource(purpose as Purpose)]));
  const surveys = deps.surveyTables ? surveySections({ waves, tables: deps.surveyTables, sources }) : undefined;

  async function usage(year: number, now: string): Promise<EvaluationSection> {
    const title = 'The data service';
    const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`).filter(
      (m) => `${m}-01` <= now,
    );
    const cards = [];
    for (const m of months) cards.push(await scorecards.scorecard(m));
    if (!cards.some((c) => c.users.total > 0 || c.traffic.pageViews > 0))
      return tooLittle('usage', 'offer', title, `no registered users or recorded visits in ${year}.`);
    const last = cards.at(-1)!;
    const T = 'usage';
    const t = table({
      id: T,
      caption: `Use of the data service by month, ${year}`,
      columns: [
        'Month',
        'Registered councils',
        'Active in 30 days',
        'Page views',
        'Average daily visitors',
        'API requests',
      ],
      rows: cards.map((c) => [
        monthLabel(c.month),
        `${c.councils.total.registered} of ${c.councils.total.councils} (${pc(c.councils.total.registeredShare)})`,
        pc(c.councils.total.active30Share),
        num(c.traffic.pageViews),
        num(c.traffic.averageDailyUniqueVisitors),
        num(c.traffic.apiRequests),
      ]),
      base: 'Councils current at each month end; active: of the registered councils, those with a user active in the 30 days to the month end. Visitors are the average of daily counts, never a monthly sum.',
      source: `/monitoring?month=${last.month}`,
    });
    const c = last.councils.total;
    const at = monthLabel(last.month);
    const headline: Paragraph = c.registered
      ? [
          `At the end of ${at}, `,
          fig(c.registered, T),
          ' of ',
          fig(c.councils, T),
          ' current councils (',
          fig(pc(c.registeredShare), T),
          ') were registered with the data service, and ',
          fig(pc(c.active30Share), T),
          ' of those had a user active in the last 30 days.',
        ]
      : [
          `At the end of ${at}, none of the `,
          fig(c.councils, T),
          ' current councils had registered with the data service.',
        ];
    const traffic: Paragraph = [
      `In ${at} the service had `,
      fig(num(last.traffic.pageViews), T),
      ' page views from an average of ',
      fig(num(last.traffic.averageDailyUniqueVisitors), T),
      ' visitors a day, and answered ',
      fig(num(last.traffic.apiRequests), T),
      ' API requests. Visits are counted without cookies or stored addresses (/monitoring/privacy).',
    ];
    return { id: 'usage', part: 'offer', title, status: 'ok', headline, paragraphs: [headline, traffic], tables: [t] };
  }

  async function peer(year: number, p: PeerDelivery, all: Awaited<ReturnType<typeof waves>>, now: string) {
    const title = 'Corporate peer challenge';
    const T = 'peer-delivery';
    const paragraphs: Paragraph[] = [];
    const tables = [];
    const delivered = p.deliveredToDate > 0;
    if (delivered) {
      tables.push(
        table({
          id: T,
          caption: `Peer challenge delivery, ${year}`,
          columns: ['Measure', 'Number'],
          rows: [
            [`Delivered in ${year}`, p.delivered],
            [`Delivered on record to the end of ${year}`, p.deliveredToDate],
            [`Peer days donated in ${year}`, p.daysDonated],
            ['Confirmed at the year end', p.confirmed],
            ['Requested or being scoped at the year end', p.requested],
          ],
          base: 'Engagements as their dated steps stood at the end of the year.',
          source: '/peer-challenge/pipeline',
        }),
      );
      paragraphs.push([
        fig(p.delivered, T),
        ` peer challenges were delivered in ${year} (`,
        fig(p.deliveredToDate, T),
        ' on record by the year end), with ',
        fig(p.daysDonated, T),
        ' peer days donated by the sector; ',
        fig(p.confirmed, T),
        ' more were confirmed and ',
        fig(p.requested, T),
        ' requested at the year end.',
      ]);
    } else paragraphs.push([`No peer challenge delivered on record by the end of ${year}.`]);
    const current = year === Number(now.slice(0, 4));
    const c = deps.peerCoverage && current ? await deps.peerCoverage(now) : undefined;
    // Coverage is reported once some current council has had a challenge in the last five years.
    if (c && c.notDue + c.due > 0) {
      const C = 'peer-coverage';
      tables.push(
        table({
          id: C,
          caption: `Corporate peer challenge coverage of current councils, ${now}`,
          columns: ['Status', 'Councils'],
          rows: [
            ['Within five years of their last challenge', c.notDue],
            ['Due within the next twelve months', c.due],
            ['Overdue (more than five years)', c.overdue],
            ['None on record', c.none],
            ['All current councils', c.councils],
          ],
          base: `Every current council on ${now}.`,
          source: '/peer-challenge',
        }),
      );
      paragraphs.push([
        fig(c.notDue + c.due, C),
        ' of ',
        fig(c.councils, C),
        ' current councils have had a corporate peer challenge in the last five years.',
      ]);
    } else if (c) paragraphs.push(['No current council has had a corporate peer challenge in the last five years.']);
    else paragraphs.push(['Coverage is kept for the present only: see /peer-challenge for today’s position.']);
    const impact = surveys ? await surveys.impact(PEER_IMPACT, year, all) : { tables: [], paragraphs: [] };
    tables.push(...impact.tables);
    paragraphs.push(...impact.paragraphs);
    if (!tables.length)
      return tooLittle(
        'peer',
        'offer',
        title,
        `no peer challenge delivered on record by the end of ${year}, and no impact survey closed in ${year}.`,
      );
    const headline = delivered ? paragraphs[0]! : (impact.paragraphs[0] ?? null);
    return { id: 'peer', part: 'offer' as const, title, status: 'ok' as const, headline, paragraphs, tables };
  }

  /** Take-up of subsidised places by council type and region, per programme, from the lead module's take-up report. */
  async function takeUpParts(year: number) {
    const tables: EvalTable[] = [];
    const paragraphs: Paragraph[] = [];
    const list = deps.leadership?.takeUpInYear ? await deps.leadership.takeUpInYear(year) : [];
    for (const [i, t] of list.entries()) {
      const when = `${t.window.startsOn} to ${t.window.endsOn}`;
      const rowsOf = (rows: YearTakeUp['byType']) => [
        ...rows.map((r) => [
          r.name,
          r.councils,
          r.used,
          r.councils - r.used,
          pc(r.councils ? r.used / r.councils : null),
        ]),
        ['All current councils', t.councils, t.used, t.councils - t.used, pc(t.councils ? t.used / t.councils : null)],
      ];
      const columns = ['', 'Councils', 'Used their place', 'Not used', 'Share used'];
      const base = `Every council current at the end of the window (or today, if sooner); a place held by a council that merged into it or was re-coded as it counts. Used: booked, offered or completed.`;
      const T = `leadership-take-up-${i + 1}`;
      const R = `leadership-take-up-region-${i + 1}`;
      tables.push(
        table({
          id: T,
          caption: `${t.name}: subsidised places used by council type, window ${when}`,
          columns: ['Council type', ...columns.slice(1)],
          rows: rowsOf(t.byType),
          base,
          source: t.source,
        }),
        table({
          id: R,
          caption: `${t.name}: subsidised places used by region, window ${when}`,
          columns: ['Region', ...columns.slice(1)],
          rows: rowsOf(t.byRegion),
          base,
          source: t.source,
        }),
      );
      const top = [...t.byType].filter((r) => r.councils).sort((a, b) => b.used / b.councils - a.used / a.councils)[0];
      paragraphs.push([
        `In the window ${when}, `,
        fig(t.used, T),
        ' of ',
        fig(t.councils, T),
        ` current councils (`,
        fig(pc(t.councils ? t.used / t.councils : null), T),
        `) had used their subsidised place on ${t.name}, and `,
        fig(t.councils - t.used, T),
        ' had not',
        ...(t.waiting ? [` (${t.waiting} of them with someone applying or on the waiting list)`] : []),
        '.',
        ...(top
          ? [
              ` By type, take-up was highest among ${top.name.toLowerCase()}s (`,
              fig(pc(top.used / top.councils), T),
              '); by region it is in ',
              { figure: 'the table by region', table: R },
              '.',
            ]
          : []),
      ]);
    }
    return { tables, paragraphs };
  }

  async function leadership(
    year: number,
    l: Awaited<ReturnType<typeof delivery.delivery>>['leadership'],
    all: Awaited<ReturnType<typeof waves>>,
  ): Promise<EvaluationSection> {
    const title = 'Leadership programmes';
    const T = 'leadership';
    const placed = l.available && l.taken + l.completed > 0;
    const paragraphs: Paragraph[] = [
      placed
        ? [fig(l.taken, T), ' leadership places were taken and ', fig(l.completed, T), ` completed in ${year}.`]
        : [l.available ? `No leadership place was taken or completed in ${year}.` : l.note],
    ];
    const tables = placed
      ? [
          table({
            id: T,
            caption: `Leadership places, ${year}`,
            columns: ['Measure', 'Places'],
            rows: [
              ['Taken (booked in the year)', l.taken],
              ['Completed in the year', l.completed],
            ],
            base: 'Places on every leadership programme: booked, and completed by the programme’s rule, in the year.',
            source: '/leadership/take-up',
          }),
        ]
      : [];
    const takeUp = await takeUpParts(year);
    tables.push(...takeUp.tables);
    paragraphs.push(...takeUp.paragraphs);
    const impact = surveys ? await surveys.impact(LEADERSHIP_IMPACT, year, all) : { tables: [], paragraphs: [] };
    tables.push(...impact.tables);
    paragraphs.push(...impact.paragraphs);
    if (!tables.length)
      return tooLittle('leadership', 'offer', title, `${paragraphs.map((p) => String(p[0])).join(' ')}`);
    const headline = placed ? paragraphs[0]! : (takeUp.paragraphs[0] ?? impact.paragraphs[0]!);
    return { id: 'leadership', part: 'offer', title, status: 'ok', headline, paragraphs, tables };
  }

  function fielded(year: number, runs: Awaited<ReturnType<typeof delivery.delivery>>['surveys']): EvaluationSection {
    const title = 'Surveys fielded';
    if (!runs.length) return tooLittle('surveys', 'offer', title, `no survey wave was open in ${year}.`);
    return {
      id: 'surveys',
      part: 'offer',
      title,
      status: 'ok',
      headline: null,
      paragraphs: [
        [
          `The survey waves open during ${year} and their response rates (submitted responses as a share of the frame) are in `,
          { figure: 'the table below', table: 'surveys' },
          '.',
        ],
      ],
      tables: [
        table({
          id: 'surveys',
          caption: `Survey waves fielded in ${year}`,
          columns: ['Wave', 'Questionnaire', 'Opened', 'Closed', 'Responses', 'Response rate'],
          rows: runs.map((s) => [
            s.name,
            s.survey,
            s.opensAt.slice(0, 10),
            s.closesAt.slice(0, 10),
            s.submitted,
            pc(s.rate),
          ]),
          base: 'Every wave open on any day of the year.',
          source: '/surveys',
        }),
      ],
    };
  }

  async function evaluation(year: number) {
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw new AppError(400, 'invalid-parameter', `year must be a year such as 2026 ("${year}").`, [
        { field: 'year', message: 'must be a year such as 2026', value: String(year) },
      ]);
    const now = today();
    const [d, all] = await Promise.all([delivery.delivery(`${year}-01-01`, `${year + 1}-01-01`), waves()]);
    const notJoined = (id: string, title: string) =>
      tooLittle(id, 'approach', title, 'the surveys module is not part of this service.');
    const sections: EvaluationSection[] = [
      await basketSection(deps.sector, year, Number(now.slice(0, 4))),
      surveys ? await surveys.polling(year, all) : notJoined('polling', 'Members of the public'),
      surveys
        ? await surveys.perception(year, all)
        : notJoined('perception', 'Survey of council leaders, chief executives and chairs of scrutiny'),
      await peer(year, d.peer, all, now),
      await usage(year, now),
      await leadership(year, d.leadership, all),
      fielded(year, d.surveys),
    ];
    if (sections.every((s) => s.status !== 'ok'))
      throw new AppError(
        400,
        'no-evidence',
        `There is no evidence on this platform for ${year}. ${sections.map((s) => `${s.title}: ${String(s.paragraphs[0]![0]).replace(/^Too little data: /, '')}`).join(' ')}`,
        [{ field: 'year', message: `has no data in any section of the evaluation`, value: String(year) }],
      );
    let n = 0;
    for (const s of sections) for (const t of s.tables) t.number = ++n;
    return { year, madeOn: now, sections };
  }
  return { evaluation };
}
export type Evaluation = Awaited<ReturnType<ReturnType<typeof evaluationService>['evaluation']>>;
