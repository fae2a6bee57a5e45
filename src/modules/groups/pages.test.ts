import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { importFiles, runImport } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import { expectCouncilFieldSaysWhy } from '../../../test/helpers/council-field.ts';

/** The ten Greater Manchester districts (the combined authority's members). */
const GM = [
  'E08000001',
  'E08000002',
  'E08000003',
  'E08000004',
  'E08000005',
  'E08000006',
  'E08000007',
  'E08000008',
  'E08000009',
  'E08000010',
];
const DFE_TRAFFORD = 'dfe-statistical-neighbours@2025:E08000009';

describe('group pages', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed;
  let other: Signed;
  let analyst: Signed;
  let admin: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const dfe = await importFiles(
      db,
      'dfe-statistical-neighbours',
      [sharedFile('similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv')],
      { publish: true },
    );
    if (dfe.state !== 'published') throw new Error(dfe.message);
    app = await createTestApp(db);
    ({ owner, other, analyst, admin } = await signInEveryRole(db, app));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const get = (url: string, who: Signed | null = null) =>
    app.inject({ url, headers: { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) } });
  const form = (url: string, who: Signed | null, fields: Record<string, string>, csrf = who?.csrf) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        ...(who ? { cookie: who.cookie } : {}),
      },
      payload: new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), ...fields }).toString(),
    });
  /** Saves a group through the API (the form is tested on its own). */
  const save = async (
    who: Signed,
    name: string,
    visibility: string,
    members = ['E08000009', 'E08000003', 'E06000049'],
  ): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
      payload: { name, members, visibility },
    });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const exists = async (id: string) =>
    (await app.inject({ url: `/api/v1/groups/${id}`, headers: { cookie: owner.cookie } })).statusCode === 200;
  const customCount = async () =>
    (await db.kysely.selectFrom('comparison_groups').select('id').where('type', '=', 'custom').execute()).length;
  const roles = (): [string, Signed | null][] => [
    ['visitor', null],
    ['council', other],
    ['analyst', analyst],
    ['admin', admin],
  ];

  it('GET /groups lists the built-in groups by kind, the families with model, version, source and licence, and public custom groups, for every role', async () => {
    const pub = await save(owner, 'Greater Manchester and Cheshire', 'public');
    const secret = await save(owner, 'My private benchmark', 'private');
    for (const [role, user] of [...roles(), ['owner', owner] as [string, Signed]]) {
      const res = await get('/groups', user);
      expect(res.statusCode, role).toBe(200);
      expect(res.body, role).toMatch(
        /<li class="govuk-service-navigation__item govuk-service-navigation__item--active">\s*<a class="govuk-service-navigation__link" href="\/groups" aria-current="true">/,
      );
      for (const heading of [
        'Councils of one type',
        'Councils in a region',
        'Districts of a county',
        'Councils of a combined authority',
      ])
        expect(res.body, role).toContain(`<h3 class="govuk-heading-m">${heading}</h3>`);
      expect(res.body).toContain('<a class="govuk-link" href="/groups/region:E12000002">Councils in North West</a>');
      expect(res.body).toContain('href="/groups/type:E08"');
      expect(res.body).toMatch(/dfe-statistical-neighbours@2025: neighbour sets \(one per council\), 1\d\d groups/);
      expect(res.body).toMatch(/Department for Education/);
      expect(res.body).toContain('OGL-UK-3.0');
      expect(res.body).toContain(
        `<a class="govuk-link govuk-!-font-weight-bold" href="/groups/${pub}">Greater Manchester and Cheshire</a>`,
      );
      expect(res.body).toContain('3 councils · saved by Owner Officer');
      expect(res.body.includes(`/groups/${secret}`), role).toBe(role === 'owner');
      expect(res.body.includes('Your groups'), role).toBe(user !== null);
      expect(res.headers['cache-control'], role).toBe(user ? 'private, no-store' : 'public, max-age=60');
    }
    const mine = await get('/groups', owner);
    expect(mine.body).toContain(`<form method="post" action="/groups/${secret}/delete" novalidate>`);
    expect(mine.body).toContain(`<input type="hidden" name="_csrf" value="${owner.csrf}">`);
    expect(mine.body).toMatch(
      /My private benchmark<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">3<\/td>\s*<td class="govuk-table__cell">Private: only the person who saved it<\/td>/,
    );
    expect((await get('/groups', other)).body).toContain('You have not saved a group yet.');
    expect((await get('/groups')).body).toContain(
      '<a class="govuk-link" href="/sign-in?next=%2Fgroups%2Fnew">Sign in</a>',
    );
    // The visitors' listing is kept, but a newly public group shows in the very next one.
    const kept = await get('/groups');
    expect((await get('/groups')).headers.etag).toBe(kept.headers.etag);
    const later = await save(owner, 'Another public benchmark', 'public');
    expect((await get('/groups')).body).toContain(`href="/groups/${later}"`);
  });

  it('GET /groups?area= lists the groups one council can be compared with; by name or code; an unknown name or code is an error on the field', async () => {
    const res = await get('/groups?area=e08000009');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Groups Trafford can be compared with');
    expect(res.body).toContain(`href="/groups/${DFE_TRAFFORD}"`);
    expect(res.body).toContain(
      '<a class="govuk-link" href="/areas/E08000009?group=combined-authority%3AE47000001#headline">Compare Trafford with this group</a>',
    );
    expect(res.body).toContain('href="/groups/region:E12000002"');
    expect(res.body).not.toContain('href="/groups/region:E12000001"');
    expect(res.body).not.toContain('id="built-in"');
    const unknown = await get('/groups?area=E99999999');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('govuk-error-summary');
    expect(unknown.body).toMatch(/<a href="#area">No council has the code E99999999: check it/);
    expect(unknown.body).toContain('value="E99999999"');
    // By name: found (the code shown in the field), misspelt, or one of several.
    const named = await get('/groups?area=trafford');
    expect(named.statusCode).toBe(200);
    expect(named.body).toContain('Groups Trafford can be compared with');
    expect(named.body).toContain('id="area" name="area" type="text" value="Trafford (E08000009)"');
    expect(named.body).not.toMatch(/GSS code/);
    await expectCouncilFieldSaysWhy((typed) => get(`/groups?area=${encodeURIComponent(typed)}`));
  });

  it('GET /groups/:id shows a built-in group as at a date, its members linked to their council pages with the group, for every role', async () => {
    for (const [role, user] of roles()) {
      const res = await get('/groups/type:E08', user);
      expect(res.statusCode, role).toBe(200);
      expect(res.body).toContain('<h1 class="govuk-heading-xl">Metropolitan districts in England</h1>');
      expect(res.body.match(/<tr class="govuk-table__row">\s*<th scope="row"/g)).toHaveLength(36);
      expect(res.body).toContain('<a class="govuk-link" href="/areas/E08000009?group=type%3AE08">Trafford</a>');
      expect(res.body).toContain('Membership from the geography: Office for National Statistics');
      expect(res.body).not.toContain('/delete');
      expect(res.headers['cache-control'], role).toBe(user ? 'private, no-store' : 'public, max-age=300');
    }
    const before = await get('/groups/type:E08?at=2024-06-01');
    expect(before.body).toContain('>E08000016<'); // Barnsley's code before 2025
    expect(before.body).not.toContain('>E08000038<');
    expect(before.body).toContain('36 councils as at 1 June 2024');
    expect((await get('/groups/type:E08')).body).toContain('>E08000038<');
    expect((await get('/groups/type:E99')).statusCode).toBe(400);
    expect((await get('/groups/region:E12999999')).statusCode).toBe(404);
    expect((await get('/groups/type:E08?at=yesterday')).statusCode).toBe(400);
  });

  it('GET /groups/:id shows a published neighbour set with ranks, closeness, the model and version, its source and licence', async () => {
    const res = await get(`/groups/${encodeURIComponent(DFE_TRAFFORD)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<span class="govuk-caption-l">Neighbour set from a published model</span>');
    expect(res.body).toMatch(/<th scope="col" class="govuk-table__header govuk-table__header--numeric">Rank<\/th>/);
    expect(res.body).toMatch(
      /<td class="govuk-table__cell govuk-table__cell--numeric">1<\/td>\s*<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/areas\/E10000015\?group=dfe-statistical-neighbours%402025%3AE08000009">Hertfordshire<\/a><\/th>\s*<td class="govuk-table__cell">E10000015<\/td>\s*<td class="govuk-table__cell">County<\/td>\s*<td class="govuk-table__cell">Very close<\/td>/,
    );
    expect(res.body).toMatch(
      /<dt class="govuk-summary-list__key">Model<\/dt><dd class="govuk-summary-list__value">[^<]+\(dfe-statistical-neighbours@2025\), version 2025/,
    );
    expect(res.body).toMatch(
      /<dt class="govuk-summary-list__key">Source<\/dt><dd class="govuk-summary-list__value">(<a [^>]+>)?Department for Education/,
    );
    expect(res.body).toMatch(
      /<dt class="govuk-summary-list__key">Licence<\/dt><dd class="govuk-summary-list__value">OGL-UK-3.0/,
    );
    expect(res.body).toMatch(
      /<dt class="govuk-summary-list__key">Council<\/dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="\/areas\/E08000009">Trafford<\/a>/,
    );
  });

  it("a private group's page is its owner's alone: 404 to every other role, never cached; a shared one opens for anyone with the link", async () => {
    const secret = await save(owner, 'Only for me', 'private');
    const mine = await get(`/groups/${secret}`, owner);
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['cache-control']).toBe('private, no-store');
    expect(mine.body).toMatch(/Saved by<\/dt><dd class="govuk-summary-list__value">Owner Officer</);
    expect(mine.body).toContain('Private: only the person who saved it');
    expect(mine.body).toContain(`<a class="govuk-link" href="/areas/E08000003?group=${secret}">Manchester</a>`);
    expect(mine.body).toContain(`action="/groups/${secret}/delete"`);
    for (const [role, user] of roles()) {
      const res = await get(`/groups/${secret}`, user);
      expect(res.statusCode, role).toBe(404);
      expect(res.headers['cache-control'], role).toBe('private, no-store');
      expect(res.body).not.toContain('Only for me');
    }
    const shared = await save(owner, 'Shared with the link', 'shared');
    for (const [role, user] of roles()) {
      const res = await get(`/groups/${shared}`, user);
      expect(res.statusCode, role).toBe(200);
      expect(res.headers['cache-control'], role).toBe('private, no-store');
      expect(res.body).toContain(`<a class="govuk-link" href="/areas/E08000003?group=${shared}">Manchester</a>`);
      expect(res.body.includes(`action="/groups/${shared}/delete"`), role).toBe(role === 'admin');
    }
    expect((await get('/groups/custom-99999', owner)).statusCode).toBe(404);
  });

  it('the form: visitors are sent to sign in; every role gets it with its CSRF token; posts without a session or a valid token are refused', async () => {
    const visitor = await get('/groups/new');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Fgroups%2Fnew');
    for (const [role, user] of [...roles().slice(1), ['owner', owner] as [string, Signed]]) {
      const res = await get('/groups/new', user);
      expect(res.statusCode, role).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.body).toContain(`<input type="hidden" name="_csrf" value="${user!.csrf}">`);
      expect(res.body).toMatch(/id="visibility" name="visibility" type="radio" value="private" checked>/);
    }
    expect((await get('/groups/new', owner)).body).toMatch(/<textarea [^>]*id="members"[^>]*>E08000009<\/textarea>/);
    const before = await customCount();
    const good = { name: 'Forged', members: 'E08000009 E08000003', visibility: 'public' };
    expect((await form('/groups', null, good)).statusCode).toBe(401);
    const forged = await form('/groups', owner, good, 'not-the-token');
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('This form has expired or did not come from this service');
    expect((await form('/groups', owner, good, other.csrf)).statusCode).toBe(403);
    expect((await form('/groups', owner, good, '')).statusCode).toBe(403);
    expect(await customCount()).toBe(before);
  });

  it('the form refuses duplicate, unknown and retired codes (naming the successor) and a missing name, field by field, keeping what was typed', async () => {
    const before = await customCount();
    const typed = 'E08000009\nE08000009, E99999999  E07000150';
    const res = await form('/groups', other, {
      name: ' ',
      description: 'Kept as typed',
      members: typed,
      visibility: 'shared',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Create a group');
    const summary = [...res.body.matchAll(/<li><a href="(#\w+)">([^<]+)<\/a><\/li>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(summary).toEqual([
      '#name Name: is required, up to 120 characters',
      '#members Council 2 in the list, “E08000009”: is listed twice (also at council 1)',
      '#members Council 3 in the list, “E99999999”: is not an area code we know',
      '#members Council 4 in the list, “E07000150”: E07000150 (Corby) ended on 2021-03-31; its successor is E06000061 (North Northamptonshire): use the current code',
    ]);
    expect(res.body).toMatch(
      /<p id="name-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:<\/span> Name: is required/,
    );
    expect(res.body).toMatch(
      /<p id="members-error" class="govuk-error-message">[^]*listed twice[^]*<br>[^]*not an area code we know[^]*<br>[^]*E06000061 \(North Northamptonshire\)/,
    );
    expect(res.body).toMatch(
      /<textarea class="govuk-textarea govuk-textarea--error" id="members" name="members" rows="8" spellcheck="false" aria-describedby="members-hint members-error">E08000009\nE08000009, E99999999  E07000150<\/textarea>/,
    );
    expect(res.body).toContain('>Kept as typed</textarea>');
    expect(res.body).toMatch(/value="shared" checked>/);
    const one = await form('/groups', other, { name: 'Too small', members: 'E08000003', visibility: 'private' });
    expect(one.statusCode).toBe(400);
    expect(one.body).toContain(
      '<a href="#members">Member councils (you listed 1): a group has from 2 to 500 councils</a>',
    );
    expect(one.body).toContain('value="Too small"');
    expect(await customCount()).toBe(before);
  });

  it('a good form saves the group and redirects to its page', async () => {
    const res = await form('/groups', analyst, {
      name: 'Northern cities',
      description: 'Core cities of the north',
      members: 'E08000003, E08000035;E08000021\n E08000025',
      visibility: 'shared',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/groups\/custom-\d+$/);
    const page = await get(res.headers.location as string, other);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-xl">Northern cities</h1>');
    expect(page.body).toContain('Core cities of the north');
    expect(page.body).toContain('Shared: anyone with the link');
    expect(page.body).toMatch(/Saved by<\/dt><dd class="govuk-summary-list__value">An Analyst</);
    expect(page.body.match(/<th scope="row"/g)).toHaveLength(4);
  });

  it('the form takes councils by name, one a line, however written, and says which names fit none or several', async () => {
    const before = await customCount();
    const bad = await form('/groups', analyst, {
      name: 'By name',
      members: 'St Helens\nKingston\nAtlantis\nE08000009',
      visibility: 'private',
    });
    expect(bad.statusCode).toBe(400);
    const summary = [...bad.body.matchAll(/<li><a href="(#\w+)">([^<]+)<\/a><\/li>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(summary).toEqual([
      '#members Council 2 in the list, “Kingston”: more than one council has this name; write one of Kingston upon Hull, City of (E06000010), Kingston upon Thames (E09000021)',
      '#members Council 3 in the list, “Atlantis”: no council has this name; check the spelling, or give its code, such as E08000009',
    ]);
    expect(await customCount()).toBe(before);
    const good = await form('/groups', analyst, {
      name: 'By name',
      members: 'Saint Helens\nKingston upon Hull\nBristol\nBrighton & Hove\nE08000009',
      visibility: 'private',
    });
    expect(good.statusCode).toBe(303);
    const page = await get(good.headers.location as string, analyst);
    for (const code of ['E08000013', 'E06000010', 'E06000023', 'E06000043', 'E08000009'])
      expect(page.body).toContain(`/areas/${code}`);
  });

  it('delete: the owner and an administrator may, others are refused as the API refuses them, and the CSRF token is required', async () => {
    const shared = await save(owner, 'To be deleted', 'shared');
    const secret = await save(owner, 'Private, to be deleted', 'private');
    expect((await form(`/groups/${shared}/delete`, null, {})).statusCode).toBe(401);
    expect((await form(`/groups/${shared}/delete`, other, {})).statusCode).toBe(403);
    expect((await form(`/groups/${shared}/delete`, analyst, {})).statusCode).toBe(403);
    expect((await form(`/groups/${secret}/delete`, other, {})).statusCode).toBe(404);
    expect((await form(`/groups/${secret}/delete`, analyst, {})).statusCode).toBe(404);
    expect((await form(`/groups/${shared}/delete`, owner, {}, '')).statusCode).toBe(403);
    expect((await form(`/groups/${shared}/delete`, owner, {}, admin.csrf)).statusCode).toBe(403);
    expect(await exists(shared)).toBe(true);
    expect(await exists(secret)).toBe(true);

    const byOwner = await form(`/groups/${shared}/delete`, owner, {});
    expect(byOwner.statusCode).toBe(303);
    expect(byOwner.headers.location).toBe(`/groups?deleted=${shared}`);
    const after = await get(byOwner.headers.location as string, owner);
    expect(after.body).toContain('govuk-notification-banner--success');
    expect(after.body).toContain(`Group ${shared} has been deleted.`);
    expect(after.body).not.toContain('To be deleted');
    expect(await exists(shared)).toBe(false);

    const byAdmin = await form(`/groups/${secret}/delete`, admin, {});
    expect(byAdmin.statusCode).toBe(303);
    expect(await exists(secret)).toBe(false);
    expect((await form(`/groups/${secret}/delete`, admin, {})).statusCode).toBe(404);
    expect((await form('/groups/type:E08/delete', admin, {})).statusCode).toBe(404);
  });

  it('the council page and the compare page link to the group they compare with; a private group is compared by its owner alone', async () => {
    const metric = testMetric('test.groups-page', { title: 'A measure for the group pages' });
    const rows: FixtureRow[] = [2022, 2023].flatMap((y) =>
      GM.map((code, i): FixtureRow => ['test.groups-page', code, y, 40 + i + (y - 2022)]),
    );
    const r = await runImport(db, { adapter: fixtureAdapter([metric], rows), files: [], publish: true });
    expect(r.state).toBe('published');
    await servicesFor(db).sector.loadBasket({
      id: 'sector-key',
      version: 't1',
      name: 'Key measures',
      description: 'test',
      baseline: '2022-04-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [{ metric: 'test.groups-page', why: 'a test' }],
    });
    const shared = await save(owner, 'Trafford and friends', 'shared', GM.slice(5));
    for (const [group, href] of [
      ['combined-authority:E47000001', '/groups/combined-authority:E47000001'],
      [shared, `/groups/${shared}`],
    ]) {
      const council = await get(`/areas/E08000009?group=${encodeURIComponent(group!)}`);
      expect(council.statusCode).toBe(200);
      expect(council.body).toMatch(new RegExp(`Trafford compared with <a class="govuk-link" href="${href}">`));
      const compare = await get(`/compare?metric=test.groups-page&area=E08000009&group=${encodeURIComponent(group!)}`);
      expect(compare.body).toContain(`Compared with <a class="govuk-link" href="${href}">`);
    }
    // A group where none is compared (a region) is refused: no page is the same for every `?group=`.
    const region = await get('/areas/E12000002?group=anything');
    expect(region.statusCode).toBe(400);
    expect(region.body).toContain('is not a current council: it is compared with no group');
    expect((await get('/areas/E12000002')).statusCode).toBe(200);

    // A private group: its owner compares with it on both pages (never cached); to anyone else it does not exist.
    const secret = await save(owner, 'My own benchmark', 'private', GM.slice(3));
    const council = await get(`/areas/E08000009?group=${secret}`, owner);
    expect(council.statusCode).toBe(200);
    expect(council.headers['cache-control']).toBe('private, no-store');
    expect(council.body).toMatch(new RegExp(`Trafford compared with <a class="govuk-link" href="/groups/${secret}">`));
    const compare = await get(`/compare?metric=test.groups-page&area=E08000009&group=${secret}`, owner);
    expect(compare.headers['cache-control']).toBe('private, no-store');
    expect(compare.body).toContain(`Compared with <a class="govuk-link" href="/groups/${secret}">`);
    const api = await app.inject({
      url: `/api/v1/areas/E08000009/headline.json?group=${secret}`,
      headers: { cookie: owner.cookie },
    });
    expect(api.statusCode).toBe(200);
    expect(api.headers['cache-control']).toBe('private, no-store');
    expect(api.json().group).toMatchObject({ id: secret, name: 'My own benchmark' });
    for (const [role, user] of roles()) {
      const page = await get(`/areas/E08000009?group=${secret}`, user);
      expect(page.body, role).not.toContain('My own benchmark');
      expect(page.body, role).toContain(`Unknown group`);
      expect(
        (await get(`/compare?metric=test.groups-page&area=E08000009&group=${secret}`, user)).body,
        role,
      ).not.toContain('My own benchmark');
      const other = await app.inject({
        url: `/api/v1/areas/E08000009/headline.json?group=${secret}`,
        headers: user ? { cookie: user.cookie } : {},
      });
      expect(other.statusCode, role).toBe(400);
      expect(other.json().errors[0], role).toMatchObject({ field: 'group' });
    }
  });
});
