/**
 * Evaluation staff's survey pages, route × role, on both dialects: importing a questionnaire (SurveyJS JSON or XLSForm,
 * uploaded as multipart/form-data, or pasted), opening a wave dated in Europe/London, building its frame from a CSV of
 * contacts, invitations and reminders through the real mail queue to a real SMTP server in the test process (once per
 * member however often the button is pressed; reminders only to those invited who have not submitted or opted out;
 * the reminder's link the invitation's, both opening the survey, a submission never counted twice), and closing the
 * wave.
 */
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../../test/helpers/smtp.ts';
import { apiPost, FRAME_CONTACTS, formPost, PERCEPTION_V1, revisionOf } from '../../../../test/helpers/surveys.ts';
import type { App } from '../../../platform/app-types.ts';
import { servicesFor } from '../../../app/services.ts';

type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer; type?: string };
/** A multipart/form-data body as a browser sends it. */
function multipart(parts: Part[]) {
  const boundary = '----sliTestBoundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head =
      'filename' in p
        ? `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}`
        : `Content-Disposition: form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`));
    chunks.push('filename' in p ? p.data : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('survey fielding pages', () => {
  let db: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let as: Record<'owner' | 'analyst' | 'admin', Signed>;
  let waveId = 0;
  const base = () => `/surveys/council-perception/waves/${waveId}`;
  const send = () => servicesFor(db, smtp.env).email.sendQueued();

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    app = await createTestApp(db, { SLI_PUBLIC_URL: 'https://sli.example' });
    as = await signInEveryRole(db, app);
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await db?.drop();
  });

  const get = (url: string, who?: Signed) =>
    app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) } });
  const upload = (url: string, who: Signed | null, parts: Part[]) => {
    const m = multipart(who ? [{ name: '_csrf', value: who.csrf }, ...parts] : parts);
    return app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': m.contentType, accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) },
      payload: m.payload,
    });
  };
  const post = (url: string, who: Signed, fields: Record<string, string | number> = {}) =>
    formPost(app, url, { _csrf: who.csrf, ...fields }, who.cookie);
  const json = (o: unknown) => ({ name: 'file', filename: 'perception.json', data: Buffer.from(JSON.stringify(o)) });

  it('imports a questionnaire: analysts and admins only; a file, a pasted text, an XLSForm; problems say where', async () => {
    expect((await get('/surveys/questionnaires/new')).statusCode).toBe(303);
    expect((await get('/surveys/questionnaires/new', as.owner)).statusCode).toBe(403);
    for (const who of [as.analyst, as.admin]) {
      const page = await get('/surveys/questionnaires/new', who);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('enctype="multipart/form-data"');
    }
    expect((await upload('/surveys/questionnaires', null, [json(PERCEPTION_V1)])).statusCode).toBe(401);
    expect((await upload('/surveys/questionnaires', as.owner, [json(PERCEPTION_V1)])).statusCode).toBe(403);
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/surveys/questionnaires',
      headers: { cookie: as.analyst.cookie, 'content-type': multipart([json(PERCEPTION_V1)]).contentType },
      payload: multipart([json(PERCEPTION_V1)]).payload,
    });
    expect(noCsrf.statusCode).toBe(403);

    const ok = await upload('/surveys/questionnaires', as.analyst, [json(PERCEPTION_V1)]);
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe('/surveys?done=loaded&definition=council-perception%3A1');
    expect((await get(ok.headers.location!, as.analyst)).body).toContain(
      'Questionnaire council-perception version 1 imported.',
    );
    const again = await upload('/surveys/questionnaires', as.admin, [json(PERCEPTION_V1)]);
    expect(again.headers.location).toContain('done=unchanged');

    // Pasted JSON with a syntax error: the line is named.
    const broken = await upload('/surveys/questionnaires', as.analyst, [
      { name: 'json', value: '{\n  "pages": [\n    { "name": "p", }\n  ]\n}\n' },
    ]);
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('govuk-error-summary');
    expect(broken.body).toMatch(/pasted\.json:3:\d+/);
    // A question without choices is refused, naming where it is.
    const untitled = {
      ...PERCEPTION_V1,
      code: 'untitled',
      pages: [{ elements: [{ type: 'radiogroup', name: 'Q1', choices: [] }] }],
    };
    const bad = await upload('/surveys/questionnaires', as.analyst, [json(untitled)]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('$.pages[0].elements[0]: a single question needs answer choices');
    // Nothing chosen.
    expect((await upload('/surveys/questionnaires', as.analyst, [])).body).toContain('Choose a questionnaire file');
    // Over the form's limit (5 MB): refused as it streams in, saying the limit.
    const huge = { name: 'file', filename: 'huge.json', data: Buffer.alloc(5 * 1024 * 1024 + 1, 32) };
    const tooBig = await upload('/surveys/questionnaires', as.analyst, [huge]);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.body).toContain('The upload is larger than 5 MB, the most this form takes.');

    // An XLSForm, and one whose row is wrong (the sheet and row are named).
    const sheet = (name: string, rows: string[][]) => ({
      sheet: name,
      data: rows.map((r) => r.map((v) => ({ value: v }))),
    });
    const xlsx = (rows: string[][]) =>
      writeXlsxFile([
        sheet('survey', rows),
        sheet('choices', [
          ['list_name', 'name', 'label'],
          ['yn', '1', 'Yes'],
          ['yn', '2', 'No'],
        ]),
        sheet('settings', [
          ['form_id', 'form_title', 'version'],
          ['peer-feedback', 'Peer feedback', '1'],
        ]),
      ]).toBuffer();
    const good = await xlsx([
      ['type', 'name', 'label'],
      ['select_one yn', 'useful', 'Was it useful?'],
    ]);
    const xl = await upload('/surveys/questionnaires', as.analyst, [
      { name: 'file', filename: 'peer.xlsx', data: good },
    ]);
    expect(xl.statusCode, xl.body).toBe(303);
    expect(xl.headers.location).toContain('peer-feedback%3A1');
    const wrong = await xlsx([
      ['type', 'name', 'label'],
      ['select_one nolist', 'useful', 'Was it useful?'],
    ]);
    const xlBad = await upload('/surveys/questionnaires', as.analyst, [
      { name: 'file', filename: 'peer2.xlsx', data: wrong },
    ]);
    expect(xlBad.statusCode).toBe(400);
    expect(xlBad.body).toMatch(/survey row 2/);
  });

  it('opens a wave dated in Europe/London; the form names each problem', async () => {
    expect((await get('/surveys/waves/new')).statusCode).toBe(303);
    expect((await get('/surveys/waves/new', as.owner)).statusCode).toBe(403);
    expect((await get('/surveys/waves/new', as.admin)).statusCode).toBe(200);
    expect((await post('/surveys/waves', as.owner, { name: 'x' })).statusCode).toBe(403);
    const bad = await post('/surveys/waves', as.analyst, {
      definition: 'council-perception:1',
      mode: 'frame',
      'opens-day': '31',
      'opens-month': '2',
      'opens-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a name for the wave');
    expect(bad.body).toContain('The opening date must be a real date');
    expect(bad.body).toContain('The closing date must include a day, month and year');
    const year = new Date().getUTCFullYear();
    const r = await post('/surveys/waves', as.analyst, {
      definition: 'council-perception:1',
      name: 'Summer',
      mode: 'frame',
      'opens-day': '1',
      'opens-month': '7',
      'opens-year': String(year - 1),
      'closes-day': '31',
      'closes-month': '12',
      'closes-year': String(year + 1),
    });
    expect(r.statusCode, r.body).toBe(303);
    waveId = Number(/waves\/(\d+)\/fielding/.exec(r.headers.location!)![1]);
    const wave = await servicesFor(db).surveys.surveys.wave(waveId);
    // Midnight in London: BST in July, GMT at the turn of the year.
    expect(wave.opensAt).toBe(`${year - 1}-06-30T23:00:00.000Z`);
    expect(wave.closesAt).toBe(`${year + 2}-01-01T00:00:00.000Z`);
    const page = await get(`${base()}/fielding`, as.analyst);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('The frame is empty.');
  });

  it('builds the frame from a CSV of contacts; a bad line is named and nothing is added', async () => {
    expect((await get(`${base()}/fielding`)).statusCode).toBe(303);
    expect((await get(`${base()}/fielding`, as.owner)).statusCode).toBe(403);
    const csv = (text: string) => ({
      name: 'csv',
      filename: 'contacts.csv',
      data: Buffer.from(text),
      type: 'text/csv',
    });
    expect((await upload(`${base()}/frame`, as.owner, [csv(FRAME_CONTACTS)])).statusCode).toBe(403);
    const wrong = await upload(`${base()}/frame`, as.analyst, [
      { name: 'from', value: 'csv' },
      csv(`${FRAME_CONTACTS}\nE08000002,Leader,Bea Bury,not-an-address`),
    ]);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('csv:5 email: is not an email address');
    expect(wrong.body).not.toContain('not-an-address');
    expect(await servicesFor(db).surveys.frames.members(waveId)).toHaveLength(0);
    const ok = await upload(`${base()}/frame`, as.analyst, [{ name: 'from', value: 'csv' }, csv(FRAME_CONTACTS)]);
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe(`${base()}/fielding?done=frame&n=3`);
    const page = await get(ok.headers.location!, as.admin);
    expect(page.body).toContain('3 members added to the frame.');
    expect(page.body).toContain('tess@trafford.example');
    expect(page.body).toContain('Send 3 invitations');
  });

  it('adds one council by name (code shown); a name that fits none or several, or no role, is said at its field', async () => {
    const one = (fields: Record<string, string>) => post(`${base()}/frame`, as.analyst, { from: 'one', ...fields });
    const form = await get(`${base()}/fielding`, as.analyst);
    expect(form.body).toMatch(/<label class="govuk-label govuk-label--s" for="frame-area">Council<\/label>/);
    expect(form.body).toContain('data-autocomplete="areas"');
    expect(form.body).not.toMatch(/GSS code/);
    const unknown = await one({ area: 'Trafforf', role: 'Leader' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/<a href="#frame-area">No council has this name: check the spelling/);
    expect(unknown.body).toContain('id="frame-area" name="area" type="text" value="Trafforf"');
    const several = await one({ area: 'Kingston', role: 'Leader' });
    expect(several.statusCode).toBe(400);
    expect(several.body).toMatch(/<a href="#frame-area">More than one council is called “Kingston”: write one of/);
    expect(several.body).toContain('id="frame-area" name="area" type="radio" value="E06000010"');
    const noRole = await one({ area: 'St Helens', role: '' });
    expect(noRole.body).toMatch(/<a href="#one-role">Enter the role to ask/);
    expect(noRole.body).toContain('value="St. Helens (E08000013)"');
    expect(await servicesFor(db).surveys.frames.members(waveId)).toHaveLength(3);
    const ok = await one({ area: 'Saint Helens', role: 'Leader' });
    expect(ok.statusCode, ok.body).toBe(303);
    expect(ok.headers.location).toBe(`${base()}/fielding?done=frame&n=1`);
    const members = await servicesFor(db).surveys.frames.members(waveId);
    expect(members.find((m) => m.area?.code === 'E08000013')).toMatchObject({ role: 'Leader' });
    const again = await one({ area: 'E08000013', role: 'leader' });
    expect(again.body).toMatch(/<a href="#frame-area">St\. Helens is already in the frame as leader/);
  });

  /**
   * Answers every page through a link (Q1 heard of, Q2 none, the grid Q4's rows as given, Q5 left blank): the revision
   * its check-your-answers page shows.
   */
  async function answerAll(link: string, [a, b]: [string, string]): Promise<number> {
    for (const [rev, [page, answer]] of [
      ['Q1', '1'],
      ['Q2', 'none'],
      ['Q4.a', a],
      ['Q4.b', b],
    ].entries()) {
      const res = await formPost(app, `${link}/q/${page}`, { answer: answer!, revision: rev });
      expect(res.statusCode, `${page}: ${res.body.slice(0, 300)}`).toBe(303);
    }
    expect((await formPost(app, `${link}/q/Q5`, { revision: 4 })).statusCode).toBe(303);
    return revisionOf((await app.inject({ method: 'GET', url: `${link}/check` })).body);
  }

  it('sends invitations once however often pressed, reminders only to non-responders, then closes the wave', async () => {
    expect((await post(`${base()}/invitations`, as.owner)).statusCode).toBe(403);
    expect((await formPost(app, `${base()}/invitations`, { _csrf: 'forged' }, as.analyst.cookie)).statusCode).toBe(403);
    const r = await post(`${base()}/invitations`, as.analyst);
    expect(r.statusCode, r.body).toBe(303);
    expect(r.headers.location).toContain('done=invited&n=3');
    expect((await post(`${base()}/invitations`, as.admin)).headers.location).toContain('done=invited&n=0');
    expect(await send()).toMatchObject({ sent: 3 });
    const got = await smtp.waitFor(3);
    expect(got.flatMap((m) => m.to).sort()).toEqual([
      'bo@bolton.example',
      'manny@manchester.example',
      'tess@trafford.example',
    ]);
    const links = new Map<string, string>();
    for (const m of got) {
      const msg = parseMessage(m.raw);
      expect(msg.header('subject')).toBe('Council perception survey: your invitation to take part');
      expect(msg.text).toContain(`closes at the end of 31 December ${new Date().getUTCFullYear() + 1}`);
      links.set(m.to[0]!, new URL(/https:\/\/sli\.example\/s\/\S+/.exec(msg.text!)![0]).pathname);
    }
    expect(new Set(links.values()).size).toBe(3);
    smtp.reset();

    // Tess answers and submits; Manny opts out of reminders; Bo does nothing.
    const tess = links.get('tess@trafford.example')!;
    const submitted = await formPost(app, `${tess}/check`, { revision: await answerAll(tess, ['1', '2']) });
    expect(submitted.headers.location).toBe(`${tess}/done`);
    const manny = links.get('manny@manchester.example')!;
    const optPage = await app.inject({ method: 'GET', url: `${manny}/opt-out`, headers: { accept: 'text/html' } });
    expect(optPage.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(optPage.body)![1]!;
    const cookie = ([optPage.headers['set-cookie']].flat().filter(Boolean) as string[])
      .map((c) => c.split(';')[0])
      .join('; ');
    const opted = await formPost(app, `${manny}/opt-out`, { _csrf: csrf }, cookie);
    expect(opted.body).toContain('You will get no more reminders');

    const page = await get(`${base()}/fielding`, as.analyst);
    expect(page.body).toContain('Send reminder 1 to 1 who has not answered');
    expect((await post(`${base()}/reminders`, as.owner, { round: 1 })).statusCode).toBe(403);
    expect((await post(`${base()}/reminders`, as.analyst, { round: 2 })).statusCode).toBe(409);
    expect((await post(`${base()}/reminders`, as.analyst, { round: 1 })).headers.location).toContain('n=1');
    expect((await post(`${base()}/reminders`, as.analyst, { round: 1 })).headers.location).toContain('n=0');
    expect(await send()).toMatchObject({ sent: 1 });
    const [reminder] = await smtp.waitFor(1);
    expect(reminder!.to).toEqual(['bo@bolton.example']);
    const rm = parseMessage(reminder!.raw);
    expect(rm.header('subject')).toContain('Reminder: Council perception survey closes at the end of 31 December');
    // The reminder carries the invitation's link: whichever message Bo opens, the survey opens.
    const bo = links.get('bo@bolton.example')!;
    const reminded = new URL(/https:\/\/sli\.example\/s\/\S+/.exec(rm.text!)![0]).pathname;
    expect(reminded).toBe(bo);
    expect(rm.text).toContain(`https://sli.example${bo}/opt-out`);
    for (const url of [bo, reminded]) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);

    const after = await get(`${base()}/fielding`, as.admin);
    expect(after.body).toContain('Reminder 1:');
    expect(after.body).toContain('Asked for no reminders on');
    expect(after.body).toContain('Submitted');
    // Bo has still not answered: the next round is offered to him alone.
    expect(after.body).toContain('Send reminder 2 to 1 who has not answered');

    // Bo answers from the reminder and submits; the same form posted again (from the invitation, say) is not a second
    // submission.
    const boRevision = await answerAll(reminded, ['2', '1']);
    expect((await formPost(app, `${reminded}/check`, { revision: boRevision })).headers.location).toBe(
      `${reminded}/done`,
    );
    const twice = await formPost(app, `${bo}/check`, { revision: boRevision });
    expect(twice.statusCode).toBe(409);
    const { submissions } = await db.kysely
      .selectFrom('survey_responses as s')
      .innerJoin('survey_respondents as r', 'r.id', 's.respondent_id')
      .select('s.submissions')
      .where('r.contact_email', '=', 'bo@bolton.example')
      .executeTakeFirstOrThrow();
    expect(submissions).toBe(1);

    // Close: analysts and admins only; the respondent's page then says it has closed.
    expect((await post(`${base()}/close`, as.owner)).statusCode).toBe(403);
    expect((await post(`${base()}/close`, as.analyst)).headers.location).toContain('done=closed');
    expect((await post(`${base()}/close`, as.analyst)).statusCode).toBe(409);
    const closed = await app.inject({ method: 'GET', url: bo, headers: { accept: 'text/html' } });
    expect(closed.statusCode).toBe(410);
    expect(closed.body).toContain('This survey has closed');
    expect((await post(`${base()}/reminders`, as.analyst, { round: 2 })).statusCode).toBe(409);
  });

  it("the API takes a member's email address too (JSON list), checked as the CSV's are", async () => {
    const url = `/api/v1/surveys/waves/${waveId}/frame`;
    const bad = await apiPost(app, as.analyst, url, {
      members: [{ area: 'E08000002', role: 'Leader', email: 'nope' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({
      field: 'members[0] email',
      message: expect.stringContaining('not an email'),
    });
    const ok = await apiPost(app, as.analyst, url, {
      members: [{ area: 'E08000002', role: 'Leader', email: 'Bea@Bury.example' }],
    });
    expect(ok.statusCode, ok.body).toBeLessThan(300);
    expect((await get(`${base()}/fielding`, as.analyst)).body).toContain('bea@bury.example');
  });

  it('adds every council of the chosen types from the page; no role is refused, naming the field', async () => {
    const rule = (fields: Part[]) => upload(`${base()}/frame`, as.admin, [{ name: 'from', value: 'rule' }, ...fields]);
    const noRole = await rule([{ name: 'type-E08', value: 'yes' }]);
    expect(noRole.statusCode).toBe(400);
    expect(noRole.body).toContain('rule.role: name the role to ask');
    const before = (await servicesFor(db).surveys.frames.members(waveId)).length;
    const ok = await rule([
      { name: 'type-E08', value: 'yes' },
      { name: 'role', value: 'Director of Public Health' },
    ]);
    expect(ok.statusCode, ok.body).toBe(303);
    const added = Number(/n=(\d+)/.exec(ok.headers.location!)![1]);
    expect(added).toBeGreaterThan(0);
    const members = await servicesFor(db).surveys.frames.members(waveId);
    expect(members).toHaveLength(before + added);
    expect(members.filter((m) => m.role === 'Director of Public Health').every((m) => m.authorityType === 'E08')).toBe(
      true,
    );
  });
});
