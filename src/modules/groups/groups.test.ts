import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';
import type { ImportAdapter, ImportItem } from '../imports/index.ts';
import type { GroupFamilyBundle } from './bundle.ts';
import { runImport } from '../imports/index.ts';
import { applyGroupFamily } from './index.ts';
import { signIn, type Signed } from '../../../test/helpers/auth.ts';
import { servicesFor } from '../../app/services.ts';

/** A small family in the shape the published-family adapters produce (Trafford's CIPFA 2021 list, first five). */
function familyAdapter(groups: GroupFamilyBundle['groups']): ImportAdapter {
  const bundle: GroupFamilyBundle = {
    family: {
      code: 'test-family',
      version: '2021',
      kind: 'nearest-neighbours',
      name: 'test neighbours',
      areaTypes: ['E06', 'E08', 'E09', 'E10'],
      source: { publisher: 'Test', licence: 'OGL-UK-3.0' },
    },
    groups,
  };
  return {
    name: 'test-family',
    summary: 'fixture',
    files: 'none',
    signatures: [],
    async *read(): AsyncIterable<ImportItem> {
      yield { kind: 'groups', groups: bundle, at: { file: 'family.csv', line: 1 } };
    },
  };
}
const trafford = (members: string[], line = 2) => ({
  owner: 'E08000009',
  name: 'Trafford and its test neighbours',
  members: members.map((code, i) => ({ code, rank: i + 1 })),
  at: { file: 'family.csv', line },
});

describe('groups', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const get = (url: string) => app.inject({ url });

  it('GET /api/v1/groups/type:E08 lists the 36 metropolitan districts as at today, built from the geography', async () => {
    const res = await get('/api/v1/groups/type:E08');
    expect(res.statusCode).toBe(200);
    const g = res.json();
    expect(g).toMatchObject({ id: 'type:E08', type: 'authority-type', builtIn: true, licence: 'OGL-UK-3.0' });
    expect(g.members).toHaveLength(36);
    expect(g.members.map((m: { code: string }) => m.code)).toContain('E08000038'); // Barnsley's 2025 code
    expect(g.members.map((m: { code: string }) => m.code)).not.toContain('E08000016');
  });

  it('GET /api/v1/groups/:id follows the geography as at a date', async () => {
    const before = (await get('/api/v1/groups/type:E08?at=2024-06-01')).json();
    expect(before.members.map((m: { code: string }) => m.code)).toContain('E08000016');
    const e06in2020 = (await get('/api/v1/groups/type:E06?at=2020-06-01')).json();
    // North Northamptonshire, from 2021
    expect(e06in2020.members.map((m: { code: string }) => m.code)).not.toContain('E06000061');
    const county = (await get('/api/v1/groups/county:E10000014')).json();
    expect(county).toMatchObject({ type: 'county', owner: { code: 'E10000014', name: 'Hampshire' } });
    expect(county.members).toHaveLength(11);
    const region = (await get('/api/v1/groups/region:E12000002')).json();
    expect(region.members.map((m: { code: string }) => m.code)).toEqual(
      expect.arrayContaining(['E08000009', 'E06000008', 'E07000117']),
    );
  });

  it('GET /api/v1/groups/:id returns 400 for a malformed built-in id and 404 for an unknown group', async () => {
    const bad = await get('/api/v1/groups/type:E99');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'group', value: 'type:E99' });
    expect((await get('/api/v1/groups/region:E12999999')).statusCode).toBe(404);
    expect((await get('/api/v1/groups/nothing-like-this')).statusCode).toBe(404);
  });

  it('GET /api/v1/groups?area= lists the groups a council can be compared with', async () => {
    const res = await get('/api/v1/groups?area=E08000009');
    expect(res.statusCode).toBe(200);
    const ids = res.json().groups.map((g: { id: string }) => g.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'type:E08',
        'tier:upper',
        'tier:lower',
        'region:E12000002',
        'combined-authority:E47000001',
        'england',
      ]),
    );
    const district = (await get('/api/v1/groups?area=E07000117')).json().groups.map((g: { id: string }) => g.id);
    expect(district).toContain('county:E10000017');
    expect(district).not.toContain('tier:upper');
  });

  it('imports a family all or nothing: unknown and repeated members are reported with file:line and nothing is written', async () => {
    const bad = await runImport(db, {
      adapter: familyAdapter([trafford(['E08000003', 'E09999999', 'E08000003'])]),
      files: [],
      publish: true,
      applyGroups: applyGroupFamily,
    });
    expect(bad.state).toBe('rejected');
    expect(bad.errors.map((e) => `${e.at.file}:${e.at.line} ${e.field} ${e.value}`)).toEqual([
      'family.csv:2 member E09999999',
      'family.csv:2 member E08000003',
    ]);
    expect((await get('/api/v1/groups/test-family@2021:E08000009')).statusCode).toBe(404);
  });

  it('imports a family, serves its groups with rank, and re-importing the same lists changes nothing', async () => {
    const members = ['E08000007', 'E06000036', 'E06000060', 'E08000029', 'E06000039'];
    const first = await runImport(db, {
      adapter: familyAdapter([trafford(members)]),
      files: [],
      publish: true,
      applyGroups: applyGroupFamily,
    });
    expect(first.state).toBe('published');
    expect(first.groups).toEqual({ families: { created: 1, updated: 0, unchanged: 0 }, groups: 1, members: 5 });
    const g = (await get('/api/v1/groups/test-family@2021:E08000009')).json();
    expect(g).toMatchObject({
      type: 'nearest-neighbours',
      owner: { code: 'E08000009' },
      family: { id: 'test-family@2021', source: { licence: 'OGL-UK-3.0' } },
    });
    expect(g.members.map((m: { code: string; rank: number }) => `${m.rank}:${m.code}`)).toEqual(
      members.map((c, i) => `${i + 1}:${c}`),
    );
    const again = await runImport(db, {
      adapter: familyAdapter([trafford(members)]),
      files: [],
      publish: true,
      applyGroups: applyGroupFamily,
    });
    expect(again.state).toBe('unchanged');
    const changed = await runImport(db, {
      adapter: familyAdapter([trafford(members.slice(0, 4))]),
      files: [],
      publish: true,
      applyGroups: applyGroupFamily,
    });
    expect(changed.groups?.families.updated).toBe(1);
    expect((await get('/api/v1/groups/test-family@2021:E08000009')).json().members).toHaveLength(4);
    const listed = (await get('/api/v1/groups?area=E08000009')).json();
    expect(listed.groups.map((x: { id: string }) => x.id)).toContain('test-family@2021:E08000009');
    expect(listed.families).toEqual([expect.objectContaining({ id: 'test-family@2021', groups: 1 })]);
  });
});

describe('custom groups', () => {
  let db: TestDb;
  let app: App;
  let alice: Signed;
  let bob: Signed;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    const accounts = servicesFor(db).accounts;
    await accounts.addUser({
      email: 'alice@example.org',
      name: 'Alice',
      password: 'correct horse battery',
      role: 'council',
      council: 'E08000009',
    });
    await accounts.addUser({
      email: 'bob@example.org',
      name: 'Bob',
      password: 'correct horse battery',
      role: 'council',
      council: 'E08000007',
    });
    alice = await signIn(app, 'alice@example.org', 'correct horse battery');
    bob = await signIn(app, 'bob@example.org', 'correct horse battery');
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const post = (who: Signed | null, body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {},
      payload: body as object,
    });

  it('a registered user saves a group; private groups are theirs alone, shared ones open to anyone with the link, and usable in comparisons', async () => {
    const res = await post(alice, {
      name: 'Greater Manchester and friends',
      members: ['E08000009', 'E08000007', 'E08000003', 'E06000049'],
    });
    expect(res.statusCode).toBe(201);
    const g = res.json();
    expect(g).toMatchObject({
      id: expect.stringMatching(/^custom-\d+$/),
      type: 'custom',
      name: 'Greater Manchester and friends',
      visibility: 'private',
      createdBy: 'Alice',
    });
    expect(g.members.map((m: { code: string }) => m.code)).toEqual([
      'E08000009',
      'E08000007',
      'E08000003',
      'E06000049',
    ]);
    expect(res.headers.location).toBe(`/api/v1/groups/${g.id}`);
    expect((await app.inject({ url: `/api/v1/groups/${g.id}`, headers: { cookie: alice.cookie } })).statusCode).toBe(
      200,
    );
    expect((await app.inject({ url: `/api/v1/groups/${g.id}`, headers: { cookie: bob.cookie } })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/v1/groups/${g.id}` })).statusCode).toBe(404);
    const mine = await app.inject({ url: '/api/v1/me/groups', headers: { cookie: alice.cookie } });
    expect(mine.json().groups.map((x: { id: string }) => x.id)).toEqual([g.id]);
    expect(mine.headers['cache-control']).toBe('private, no-store');

    const shared = (
      await post(alice, { name: 'Shared', members: ['E08000009', 'E08000007'], visibility: 'shared' })
    ).json();
    expect((await app.inject({ url: `/api/v1/groups/${shared.id}` })).json()).toMatchObject({
      visibility: 'shared',
      createdBy: 'Alice',
    });
    expect((await app.inject({ url: '/api/v1/groups/type:E08' })).json()).not.toHaveProperty('visibility');
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/groups/${shared.id}`,
          headers: { cookie: bob.cookie, 'x-csrf-token': bob.csrf },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/groups/${shared.id}`,
          headers: { cookie: alice.cookie, 'x-csrf-token': alice.csrf },
        })
      ).statusCode,
    ).toBe(204);
    expect((await app.inject({ url: `/api/v1/groups/${shared.id}` })).statusCode).toBe(404);
  });

  it('refuses duplicates, unknown and retired codes field by field (naming the successor), and visitors or forged requests', async () => {
    const res = await post(alice, {
      name: 'Bad',
      members: ['E08000009', 'E08000009', 'E99999999', 'E07000150', 'trafford', 'E12000002'],
    });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'members[1]: is listed twice (also at members[0])',
        'members[2]: is not an area code we know',
        expect.stringMatching(
          /^members\[3\]: E07000150 \(Corby\) ended on 2021-03-31; its successor is E06000061 \(North Northamptonshire\): use the current code$/,
        ),
        'members[4]: is not an English GSS code such as E08000009',
        expect.stringMatching(/^members\[5\]: North West is not a council/),
      ]),
    );
    expect((await post(null, { name: 'x', members: ['E08000009', 'E08000007'] })).statusCode).toBe(401);
    const forged = await app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { cookie: alice.cookie, 'x-csrf-token': 'nope' },
      payload: { name: 'x', members: ['E08000009', 'E08000007'] },
    });
    expect(forged.statusCode).toBe(403);
    const count = await db.kysely
      .selectFrom('comparison_groups')
      .select('id')
      .where('type', '=', 'custom')
      .where('name', 'in', ['Bad', 'x'])
      .execute();
    expect(count).toHaveLength(0);
  });

  it('refuses a group name with a NUL or a bidirectional override, naming the character, and saves nothing', async () => {
    for (const [name, char] of [
      ['Trafford\u202E neighbours', 'U+202E RIGHT-TO-LEFT OVERRIDE'],
      ['Near\u2066by\u2069', 'U+2066 LEFT-TO-RIGHT ISOLATE'],
      ['Null\u0000group', 'U+0000 NUL'],
    ] as const) {
      const res = await post(alice, { name, members: ['E08000009', 'E08000007'] });
      expect(res.statusCode, name).toBe(400);
      expect(res.json().errors).toContainEqual(
        expect.objectContaining({ field: 'name', message: expect.stringContaining(char) }),
      );
    }
    const saved = await db.kysely
      .selectFrom('comparison_groups')
      .select('id')
      .where('type', '=', 'custom')
      .where('name', 'like', '%neighbours%')
      .execute();
    expect(saved).toHaveLength(0);
  });
});
