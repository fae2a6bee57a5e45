/**
 * A short questionnaire (every question kind the fielding pages handle: radios, checkboxes with "none", routing and
 * piping, a grid, a number) and form-post helpers for survey tests.
 */
import type { App } from '../../src/platform/app-types.ts';
import type { Db } from '../../src/platform/db.ts';
import type { Signed } from './auth.ts';
import { servicesFor, type Services } from '../../src/app/services.ts';

export const PERCEPTION_V1 = {
  code: 'council-perception',
  version: 1,
  title: 'Council perception survey',
  description: 'A test questionnaire.',
  pages: [
    {
      elements: [
        {
          type: 'radiogroup',
          name: 'Q1',
          title: 'How well informed do you feel about sector-led improvement?',
          isRequired: true,
          choices: [
            { value: '1', text: 'Very well informed' },
            { value: '2', text: 'Fairly well informed' },
            { value: '3', text: 'Not well informed' },
          ],
        },
        {
          type: 'checkbox',
          name: 'Q2',
          title: 'Which kinds of support have you used?',
          isRequired: true,
          choices: [
            { value: 'peer', text: 'Peer challenge' },
            { value: 'mentor', text: 'Mentoring' },
          ],
          showNoneItem: true,
        },
        { type: 'comment', name: 'Q3', title: 'What made {Q2} useful?', visibleIf: "{Q2} notcontains 'none'" },
        {
          type: 'matrix',
          name: 'Q4',
          title: 'How far do you agree with each statement?',
          isRequired: true,
          columns: [
            { value: '1', text: 'Agree' },
            { value: '2', text: 'Neither agree nor disagree' },
            { value: '3', text: 'Disagree' },
          ],
          rows: [
            { value: 'a', text: 'Support is easy to find' },
            { value: 'b', text: 'Support is good value' },
          ],
        },
        {
          type: 'text',
          inputType: 'number',
          name: 'Q5',
          title: 'How many staff work on improvement?',
          min: 0,
          max: 500,
        },
      ],
    },
  ],
};

/** A frame of three contacts with email addresses, as an evaluation officer uploads it (synthetic people). */
export const FRAME_CONTACTS = [
  'area,role,contact,email',
  'E08000009,Chief Executive,Tess Trafford,tess@trafford.example',
  'E08000003,Chief Executive,Manny Chester,manny@manchester.example',
  'E08000001,Chief Executive,Bo Bolton,bo@bolton.example',
].join('\n');

/** The surveys module's services over a test database, handed what the app hands them (a silent logger). */
export const surveysFor = (db: Db) => servicesFor(db).surveys;

export const isoIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** POSTs a JSON body to the API as a signed-in user (session cookie and CSRF header). */
export const apiPost = (app: App, who: Signed | null, url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {},
    payload: body as object,
  });

/** POSTs a form as a browser would (repeated fields for checkboxes). */
export function formPost(app: App, url: string, fields: Record<string, string | number | string[]>, cookie?: string) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, String(x));
  return app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      ...(cookie ? { cookie } : {}),
    },
    payload: body.toString(),
  });
}

/** The revision a respondent's form carries. */
export const revisionOf = (html: string): number => Number(/name="revision" value="(\d+)"/.exec(html)?.[1] ?? NaN);

/** Links from the links CSV: [area_code, link] pairs. */
export const linksOf = (csv: string): { area: string; link: string; path: string; key: string; token: string }[] =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const cells = line.split(',');
      const link = cells.at(-1)!;
      const path = new URL(link).pathname;
      const [, , key, token] = path.split('/');
      return { area: cells[0]!, link, path, key: key!, token: token! };
    });

/** A respondent's answers to PERCEPTION_V1, page by page, then sent: as if filled in, through the fielding service. */
export async function answerAndSubmit(
  db: Db,
  path: string,
  answers: readonly (readonly [page: string, value: string | readonly string[]])[],
): Promise<void> {
  const s = surveysFor(db);
  const [, , key, token] = new URL(path, 'http://x').pathname.split('/');
  let a = await s.respond.resolve(key!, token!);
  for (const [p, v] of answers) {
    await s.respond.save(a, p, a.revision, typeof v === 'string' ? v : [...v]);
    a = await s.respond.resolve(key!, token!);
  }
  await s.respond.submit(a, a.revision);
}

/**
 * An open wave answered by anonymous respondents through the fielding service (each respondent a list of
 * [question page, answer]), then closed: its id.
 */
export async function answeredOpenWave(
  { surveys, respond, mailings }: Services['surveys'],
  wave: { survey: string; version: number; name: string; opensDaysAgo: number },
  answers: [string, string][][],
  by = { name: 'Evaluation Officer' },
): Promise<number> {
  const w = await surveys.createWave(
    {
      survey: wave.survey,
      version: wave.version,
      name: wave.name,
      mode: 'open',
      opensAt: isoIn(-wave.opensDaysAgo),
      closesAt: isoIn(30),
    },
    by,
  );
  const key = w.openLink!.split('/').at(-1)!;
  for (const pages of answers) {
    const token = await respond.startAnonymous((await respond.waveByKey(key)).wave);
    for (const [page, v] of pages) {
      const a = await respond.resolve(key, token);
      const saved = await respond.save(a, page, a.revision, v);
      if (saved.kind !== 'saved') throw new Error(`answer ${page}=${v} was not saved: ${saved.kind}`);
    }
    const a = await respond.resolve(key, token);
    const done = await respond.submit(a, a.revision);
    if (done.kind !== 'submitted') throw new Error(`the response was not submitted: ${done.kind}`);
  }
  await mailings.close(w.id, by);
  return w.id;
}
