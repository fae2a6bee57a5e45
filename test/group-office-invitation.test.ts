import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesFor } from '../src/app/services.ts';
import type { App } from '../src/platform/app-types.ts';
import { createTestApp } from './helpers/app.ts';
import { addProgrammeOffice, cookiesOf, PASSWORD, signIn, signInEveryRole, type Signed } from './helpers/auth.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { seedAreas } from './helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from './helpers/smtp.ts';
import { formPost } from './helpers/surveys.ts';

const CHOSEN = 'a group office passphrase';
const BASE = '/api/v1/leadership';

/**
 * An administrator invites a political group's office by email, naming its group; the invitation carries the group to
 * the account accepting it makes, and the office can then put forward members of that group only. Mail goes through
 * a real SMTP server in the test process. The programme, cohort and people are SYNTHETIC; the councils are the real
 * geography.
 */
describe('inviting a group office by email', () => {
  let db: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let admin: Signed;
  let office: Signed;
  let cohort: number;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    app = await createTestApp(db, { ...smtp.env, SLI_MAIL_WORKER: 'false', SLI_PUBLIC_URL: 'https://sli.example' });
    ({ admin } = await signInEveryRole(db, app));
    office = await signIn(app, (await addProgrammeOffice(db)).email, PASSWORD);
    const programme = await api(office, '/programmes', {
      code: 'next-gen',
      name: 'Next Generation',
      kind: 'next-generation',
      crossParty: false,
      completionMinModules: 1,
      rules: [{ validFrom: '2020-01-01', roles: ['councillor'], councilTypes: null }],
      windows: [{ startsOn: '2023-04-01', endsOn: '2026-03-31' }],
      charges: [],
    });
    expect(programme.statusCode, programme.body).toBe(201);
    const c = await api(office, `/programmes/${programme.json().id}/cohorts`, {
      number: 1,
      capacity: 5,
      startsOn: '2024-09-01',
      endsOn: '2024-12-01',
      venue: 'Online',
    });
    expect(c.statusCode, c.body).toBe(201);
    cohort = c.json().id;
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await db?.drop();
  });

  function api(who: Signed, url: string, payload: object) {
    return app.inject({
      method: 'POST',
      url: `${BASE}${url}`,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
      payload,
    });
  }
  const invite = (fields: Record<string, string>) =>
    formPost(app, '/admin/users/invite', { ...fields, _csrf: admin.csrf }, admin.cookie);
  const adminPage = (url: string) => app.inject({ url, headers: { cookie: admin.cookie, accept: 'text/html' } });

  it('asks a group office for its political group, and refuses one without it or another role with one', async () => {
    const form = await adminPage('/admin/users/invite');
    expect(form.body).toContain('value="group_office"');
    expect(form.body).toMatch(/id="politicalGroup" name="politicalGroup" type="text"/);
    const person = { name: 'Gwen Group', email: 'gwen@labour.example', role: 'group_office' };
    for (const politicalGroup of [undefined, '   ']) {
      const refused = await invite(politicalGroup === undefined ? person : { ...person, politicalGroup });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(
        '<a href="#politicalGroup">Enter the political group whose members they will put forward</a>',
      );
      expect(refused.body).toMatch(/govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter/);
      // What was typed stays, and the group office's choice stays chosen.
      expect(refused.body).toMatch(/value="group_office" checked/);
    }
    // Any other role is refused a group, saying so at the field, which keeps what was typed.
    const analyst = await invite({ name: 'Ann', email: 'ann@example.org', role: 'analyst', politicalGroup: 'Labour' });
    expect(analyst.statusCode).toBe(400);
    expect(analyst.body).toContain('<a href="#politicalGroup">Only a group office has a political group</a>');
    expect(analyst.body).toMatch(
      /id="politicalGroup" name="politicalGroup" type="text" spellcheck="false" value="Labour"/,
    );
    const blank = await invite({ name: 'Ann', email: 'ann@example.org', role: 'analyst', politicalGroup: ' ' });
    expect(blank.statusCode).toBe(303);
    const pending = await servicesFor(db).onboarding.pendingInvitations();
    expect(pending.find((i) => i.email === 'ann@example.org')).toMatchObject({
      role: 'analyst',
      political_group: null,
    });
    await servicesFor(db, smtp.env).email.sendQueued();
    expect(await smtp.waitFor(1)).toHaveLength(1);
    smtp.reset();
  });

  it('invite → email → accept: the office puts forward its own group’s members and is refused another party’s', async () => {
    const sent = await invite({
      name: 'Gwen Group',
      email: 'Gwen@Labour.example',
      role: 'group_office',
      politicalGroup: ' Labour ',
    });
    expect(sent.statusCode, sent.body).toBe(303);
    expect((await adminPage('/admin/users')).body).toContain(
      'Gwen Group (gwen@labour.example), group_office for the Labour group',
    );
    await servicesFor(db, smtp.env).email.sendQueued();
    const [got] = await smtp.waitFor(1);
    expect(got!.to).toEqual(['gwen@labour.example']);
    const mail = parseMessage(got!.raw);
    expect(mail.text).toContain("as a political group's office for the Labour group.");
    expect(mail.html).toContain('for the Labour group.');
    const path = /https:\/\/sli\.example(\/password\/[\w-]+)/.exec(mail.text ?? '')![1]!;

    const welcome = await app.inject({ url: path });
    expect(welcome.statusCode).toBe(200);
    expect(welcome.body).toContain('accept the invitation as the office of the Labour group.');
    const token = /name="_csrf" value="([^"]+)"/.exec(welcome.body)![1]!;
    const accepted = await formPost(app, path, { password: CHOSEN, confirm: CHOSEN, _csrf: token }, cookiesOf(welcome));
    expect(accepted.statusCode, accepted.body).toBe(303);
    expect(accepted.headers.location).toBe('/sign-in?done=password');

    const gwen = await signIn(app, 'gwen@labour.example', CHOSEN);
    const me = (await app.inject({ url: '/api/v1/me', headers: { cookie: gwen.cookie } })).json();
    expect(me).toMatchObject({ role: 'group_office', politicalGroup: 'Labour', council: null });
    const users = (await adminPage('/admin/users')).body;
    expect(users).toMatch(
      /<td class="govuk-table__cell">gwen@labour\.example<\/td>\s*<td class="govuk-table__cell">group_office<\/td>\s*<td class="govuk-table__cell">None<\/td>\s*<td class="govuk-table__cell">Labour<\/td>/,
    );

    const person = (council: string, n: number, party?: string) => ({
      council,
      name: `Councillor ${n}`,
      email: `c${n}@example.org`,
      role: 'councillor',
      ...(party === undefined ? {} : { party }),
    });
    const own = await api(gwen, `/cohorts/${cohort}/applications`, person('E08000003', 1));
    expect(own.statusCode, own.body).toBe(201);
    const other = await api(gwen, `/cohorts/${cohort}/applications`, person('E08000009', 2, 'Conservative'));
    expect(other.statusCode).toBe(403);
    expect(other.json().errors[0]).toMatchObject({ field: 'party', value: 'Conservative' });
    const seen = await app.inject({ url: `${BASE}/cohorts/${cohort}/participants`, headers: { cookie: gwen.cookie } });
    expect((seen.json().participants as { name: string; party: string }[]).map((p) => [p.name, p.party])).toEqual([
      ['Councillor 1', 'Labour'],
    ]);
  });
});
