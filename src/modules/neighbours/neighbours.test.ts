import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { importFiles } from '../imports/index.ts';
import { NEIGHBOURS_K } from './index.ts';
import { servicesFor } from '../../app/services.ts';

const ELS = 'performance/ons_explore_local_statistics';
const IMPORTS: [string, string[]][] = [
  ['boundaries', ['boundaries/england_ltla_2025.geojson', 'boundaries/england_utla_2025.geojson']],
  ['population', ['performance/population/ons_mid_year_population_2019_2020_la.csv']],
  ['imd', ['performance/deprivation/imd2025_england_lad24.csv']],
  [
    'els',
    [
      `${ELS}/els_observations_england.csv`,
      `${ELS}/els_indicators.csv`,
      `${ELS}/els_indicator_metadata.json`,
      `${ELS}/els_areas.csv`,
    ],
  ],
  ['dfe-statistical-neighbours', ['similar_councils/dfe_childrens_services_statistical_neighbours_2025.csv']],
];

describe('our nearest-neighbours model', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    for (const [adapter, files] of IMPORTS) {
      const s = await importFiles(db, adapter, files.map(sharedFile), { publish: true });
      if (s.state !== 'published')
        throw new Error(
          `${adapter}: ${s.message} ${s.errors
            .slice(0, 3)
            .map((e) => e.message)
            .join('; ')}`,
        );
    }
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("builds every council's 15 nearest of its tier from the data service, all or nothing, and says what it filled in or left out", async () => {
    const r = await servicesFor(db).neighbours.build({ version: '1' });
    expect(r.summary.state).toBe('published');
    // no earnings figure for Scilly or the City
    expect(r.excluded.map((e) => e.code).sort()).toEqual(['E06000053', 'E09000001']);
    expect(r.notes.join(' ')).toMatch(
      /Cumberland \(E06000063\): sum of the figures for Allerdale \(E07000026\), Carlisle \(E07000028\) and Copeland \(E07000029\), the councils it replaced in 2023 \(population.total, population.aged-65-plus, population.aged-0-17\)/,
    );
    expect(r.notes.join(' ')).toMatch(
      /Sheffield \(E08000039\): figure for Sheffield \(E08000019\): same area, code changed in 2025/,
    );
    const again = await servicesFor(db).neighbours.build({ version: '1' });
    expect(again.summary.state).toBe('unchanged');
    const live = await db.kysely
      .selectFrom('areas')
      .select(['code', 'type'])
      .where('valid_to', 'is', null)
      .where('type', 'in', ['E06', 'E07', 'E08', 'E09', 'E10'])
      .execute();
    const groups = await db.kysely
      .selectFrom('comparison_groups')
      .select('key')
      .where('key', 'like', 'sli-neighbours-%@1:%')
      .execute();
    const lower = live.filter((a) => a.type !== 'E10' && !['E06000053', 'E09000001'].includes(a.code)).length;
    const upper = live.filter((a) => a.type !== 'E07' && !['E06000053', 'E09000001'].includes(a.code)).length;
    expect(groups).toHaveLength(lower + upper);
  });

  it('GET /api/v1/areas/{code}/similar explains each neighbour by variable, and a district gets districts-tier neighbours', async () => {
    const res = await app.inject('/api/v1/areas/E08000009/similar');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.model).toMatchObject({ id: 'sli-neighbours-district-services', version: '1', published: true });
    expect(body.model.variables.map((v: { id: string }) => v.id)).toEqual([
      'population',
      'density',
      'aged-65-plus',
      'aged-0-17',
      'deprivation',
      'pay',
    ]);
    expect(body.members).toHaveLength(NEIGHBOURS_K);
    for (const [i, m] of body.members.entries()) {
      expect(m.rank).toBe(i + 1);
      const sum = m.contributions.reduce((s: number, c: { contribution: number }) => s + c.contribution, 0);
      expect(Math.sqrt(sum)).toBeCloseTo(m.distance, 4);
      if (i > 0) expect(m.distance).toBeGreaterThanOrEqual(body.members[i - 1].distance);
    }
    expect(body.members.some((m: { code: string }) => m.code === 'E08000009')).toBe(false);
    expect(body.alternatives).toEqual(
      expect.arrayContaining(['sli-neighbours-county-services', 'dfe-statistical-neighbours']),
    );
    const county = (await app.inject('/api/v1/areas/E10000015/similar')).json();
    expect(county.model.id).toBe('sli-neighbours-county-services');
    expect(county.members.every((m: { type: string }) => ['E06', 'E08', 'E09', 'E10'].includes(m.type))).toBe(true);
    const district = (await app.inject('/api/v1/areas/E07000223/similar')).json();
    expect(district.members.every((m: { type: string }) => m.type !== 'E10')).toBe(true);
  });

  it('the council page lists its similar councils with what sets each apart, and links the comparison with them', async () => {
    const api = (await app.inject('/api/v1/areas/E08000009/similar')).json();
    const page = await app.inject('/areas/E08000009');
    expect(page.statusCode).toBe(200);
    const section = page.body.slice(page.body.indexOf('id="similar"'));
    expect(section).toContain(`version ${api.model.version}`);
    for (const m of api.members) expect(section).toContain(`<a class="govuk-link" href="/areas/${m.code}">`);
    expect(section).toContain(`?group=${encodeURIComponent(api.group)}#headline`);
    expect(section).toMatch(/Differs most on/);
  });

  it("re-weights for one's own analysis without touching the published list; published families come back as published", async () => {
    const own = (await app.inject('/api/v1/areas/E08000009/similar?weights=deprivation:5,pay:0')).json();
    expect(own).toMatchObject({ group: null, weights: { deprivation: 5, pay: 0 }, model: { published: false } });
    expect(own.members[0].contributions.find((c: { variable: string }) => c.variable === 'pay').contribution).toBe(0);
    const published = (await app.inject('/api/v1/areas/E08000009/similar')).json();
    expect(published.model.published).toBe(true);
    expect(published.members.map((m: { code: string }) => m.code)).not.toEqual(
      own.members.map((m: { code: string }) => m.code),
    );
    const dfe = (await app.inject('/api/v1/areas/E08000009/similar?model=dfe-statistical-neighbours')).json();
    expect(dfe.members.map((m: { code: string }) => m.code).slice(0, 3)).toEqual([
      'E10000015',
      'E08000007',
      'E06000060',
    ]);
    expect(dfe.members[0].contributions).toBeNull();
    for (const [q, field] of [
      ['weights=colour:1', 'weights'],
      ['model=nope', 'model'],
      ['version=9', 'version'],
      ['model=dfe-statistical-neighbours&weights=pay:1', 'weights'],
    ] as const) {
      const bad = await app.inject(`/api/v1/areas/E08000009/similar?${q}`);
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().errors[0].field, q).toBe(field);
    }
    expect((await app.inject('/api/v1/areas/E99999999/similar')).statusCode).toBe(404);
  });

  it('a new version says which neighbours entered and left; a bad weights file names the variable and writes nothing', async () => {
    const s = servicesFor(db).neighbours;
    await expect(s.build({ version: '3', weights: { population: 1, colour: 2 } })).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'colour' }],
    });
    expect(await db.kysely.selectFrom('group_families').select('id').where('version', '=', '3').execute()).toHaveLength(
      0,
    );
    const r = await s.build({ version: '2', weights: { deprivation: 3 } });
    expect(r.summary.state).toBe('published');
    const body = (await app.inject('/api/v1/areas/E08000009/similar')).json();
    expect(body.model.version).toBe('2');
    expect(body.changes.previousVersion).toBe('1');
    const v1 = (await app.inject('/api/v1/areas/E08000009/similar?version=1')).json();
    const before = new Set(v1.members.map((m: { code: string }) => m.code));
    expect(body.changes.entered).toEqual(
      body.members.map((m: { code: string }) => m.code).filter((c: string) => !before.has(c)),
    );
    expect(body.changes.left).toHaveLength(body.changes.entered.length);
  });
});
