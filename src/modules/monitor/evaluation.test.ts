import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProgrammeOffice } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { answeredOpenWave, isoIn } from '../../../test/helpers/surveys.ts';
import { servicesFor, type Services } from '../../app/services.ts';
import { evaluationDocx, evaluationHtml } from './evaluation-output.ts';
import { declared } from './evaluation-sources.ts';
import type { Evaluation } from './evaluation.ts';

const TRAFFORD = 'E08000009'; // metropolitan district, North West
const CUMBERLAND = 'E06000063'; // unitary authority, North West

/**
 * The evaluation report's leadership section on a real database (both dialects): take-up of subsidised places by
 * council type and region from the lead module's take-up report, and impact figures from every questionnaire that
 * declares the leadership-impact purpose (a programme office's own included), each naming its questionnaire and waves.
 * The programme, people and answers are SYNTHETIC; the councils are the real geography.
 */
describe('evaluation report: leadership take-up and questionnaires found by purpose', () => {
  let db: TestDb;
  let s: Services;
  let office: { id: number; email: string; name: string; role: 'programme_office'; council: null; csrfToken: string };
  const year = Number(isoIn(0).slice(0, 4));
  const by = { name: 'Evaluation Officer' };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    s = servicesFor(db);
    office = await addProgrammeOffice(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const said = (e: Evaluation, id: string) =>
    e.sections
      .find((x) => x.id === id)!
      .paragraphs.map((p) => p.map((x) => (typeof x === 'string' ? x : x.figure)).join(''))
      .join('\n');
  const section = (e: Evaluation, id: string) => e.sections.find((x) => x.id === id)!;

  const openWave = (survey: string, version: number, name: string, answers: [string, string][][]) =>
    answeredOpenWave(s.surveys, { survey, version, name, opensDaysAgo: 1 }, answers, by);

  it('includes take-up of subsidised places by council type and region from the lead module', async () => {
    const programme = await s.lead.createProgramme(office, {
      code: 'academy',
      name: 'Leadership Academy',
      kind: 'leadership-academy',
      crossParty: false,
      completionMinModules: null,
      rules: [{ validFrom: '2011-01-01', roles: ['councillor'], councilTypes: null }],
      windows: [{ startsOn: `${year}-01-01`, endsOn: `${year + 2}-12-31` }],
      charges: [],
    });
    const cohort = await s.lead.createCohort(office, programme, {
      number: 1,
      capacity: 5,
      startsOn: `${year}-02-01`,
      endsOn: `${year}-06-30`,
      venue: 'Warwick',
    });
    const apply = async (council: string, n: number, placeKind: string) => {
      const id = await s.lead.apply(office, cohort, {
        council,
        name: `Councillor ${n}`,
        email: `c${n}@example.org`,
        role: 'councillor',
        placeKind,
      });
      await s.lead.decide(office, id, 'approved');
      return id;
    };
    await s.lead.book(office, await apply(TRAFFORD, 1, 'subsidised'));
    await s.lead.book(office, await apply(CUMBERLAND, 2, 'subsidised'));
    await s.lead.book(office, await apply('E08000003', 3, 'full-fee')); // a full-fee place is not the subsidised one

    const e = await s.monitor.evaluation(year);
    const lead = section(e, 'leadership');
    expect(lead.status).toBe('ok');
    const current = (await s.lead.takeUp(office, { programme: 'academy' })).councils.length;
    const byType = lead.tables.find((t) => t.id === 'leadership-take-up-1')!;
    expect(byType.caption).toBe(
      `Leadership Academy: subsidised places used by council type, window ${year}-01-01 to ${year + 2}-12-31`,
    );
    expect(byType.source).toBe(`/leadership/take-up?programme=academy&window=${year}-01-01`);
    const row = (t: typeof byType, name: string) => t.rows.find((r) => r[0] === name)!;
    expect(row(byType, 'Metropolitan district').slice(2, 3)).toEqual([1]);
    expect(row(byType, 'Unitary authority').slice(2, 3)).toEqual([1]);
    expect(row(byType, 'All current councils').slice(1, 4)).toEqual([current, 2, current - 2]);
    const byRegion = lead.tables.find((t) => t.id === 'leadership-take-up-region-1')!;
    expect(byRegion.rows.find((r) => r[0] === 'North West')!.slice(2, 3)).toEqual([2]);
    expect(said(e, 'leadership')).toContain(
      `In the window ${year}-01-01 to ${year + 2}-12-31, 2 of ${current} current councils (`,
    );
    expect(said(e, 'leadership')).toContain('had used their subsidised place on Leadership Academy');
    // Each figure links to the take-up page; the DOCX carries the tables.
    const html = evaluationHtml(e, 'Test');
    expect(html).toContain(`href="/leadership/take-up?programme=academy&amp;window=${year}-01-01">2</a>`);
    expect((await evaluationDocx(e, 'Test')).subarray(0, 2).toString()).toBe('PK');
  });

  it("reads a programme office's own questionnaire by its declared purpose, naming the questionnaire and the wave", async () => {
    // The lead module's shipped impact questionnaire (its own question codes, declared in its file).
    await s.lead.loadLeadQuestionnaire(office, 'impact');
    await openWave('leadership-impact', 2, 'Academy impact', [
      [
        ['IMPROVED', '1'],
        ['NEW_ROLE', '1'],
      ],
      [
        ['IMPROVED', '4'],
        ['NEW_ROLE', '2'],
      ],
    ]);
    // A programme office's own follow-up questionnaire, declaring what it is for and the measure to read.
    const own = {
      code: 'office-academy-followup',
      version: 1,
      title: 'Academy follow-up (our own)',
      evaluation: {
        purpose: 'leadership-impact',
        measures: [{ question: 'HELPED', answer: 'N_YES', said: 'said the Academy had helped them in their role' }],
      },
      pages: [
        {
          name: 'HELPED',
          elements: [
            {
              type: 'radiogroup',
              name: 'HELPED',
              title: 'Has the Academy helped you in your role?',
              choices: [
                { value: '1', text: 'A lot' },
                { value: '2', text: 'A little' },
                { value: '3', text: 'Not at all' },
              ],
              nets: [{ code: 'N_YES', label: 'A lot or a little', codes: ['1', '2'] }],
            },
          ],
        },
      ],
    };
    await s.surveys.surveys.loadDefinition(own, by);
    await openWave('office-academy-followup', 1, 'Cohort 1 follow-up', [
      [['HELPED', '1']],
      [['HELPED', '2']],
      [['HELPED', '3']],
      [['HELPED', '1']],
    ]);
    // The same question in a questionnaire that declares no purpose: not read.
    await s.surveys.surveys.loadDefinition(
      { ...own, code: 'unrelated-survey', title: 'Something else', evaluation: undefined },
      by,
    );
    await openWave('unrelated-survey', 1, 'Unrelated wave', [[['HELPED', '3']]]);

    const e = await s.monitor.evaluation(year);
    const text = said(e, 'leadership');
    expect(text).toContain(
      'Of the participants who answered the leadership programmes impact survey (questionnaire “Academy follow-up (our own)” (office-academy-followup)), 75 per cent said the Academy had helped them in their role.',
    );
    expect(text).toContain(
      'Of the participants who answered the leadership programmes impact survey (questionnaire “Leadership programme: impact” (leadership-impact)), 50 per cent said the programme had helped them improve the way they carry out their role to a great or moderate extent; 50 per cent had taken on a new role',
    );
    expect(text).not.toContain('Something else');
    const t = section(e, 'leadership').tables.find((x) => x.caption.includes('office-academy-followup'))!;
    expect(t.base).toBe(
      'Base: 4 participants answered (questionnaire “Academy follow-up (our own)” (office-academy-followup); waves: Cohort 1 follow-up).',
    );
    expect(t.rows).toEqual([['HELPED. Has the Academy helped you in your role?', 'A lot or a little', '75 (3)']]);
  });

  it('a declaration is read only when it names a known purpose; its measures are optional', () => {
    expect(declared({ evaluation: { purpose: 'leadership-impact' } })).toEqual({
      purpose: 'leadership-impact',
      measures: null,
    });
    expect(declared({ evaluation: { purpose: 'something-else' } })).toBeUndefined();
    expect(declared({ evaluation: 'leadership-impact' })).toBeUndefined();
    expect(declared(null)).toBeUndefined();
    expect(
      declared({ evaluation: { purpose: 'resident-polling', measures: [{ question: 'Q', answer: 'A' }, { bad: 1 }] } }),
    ).toEqual({ purpose: 'resident-polling', measures: [{ question: 'Q', answer: 'A', said: 'answered A to Q' }] });
  });
});
