import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { importGeography, seedAreas } from '../../../test/helpers/seed.ts';
import { AppError } from '../../platform/errors.ts';
import { type AreasService } from './index.ts';
import { servicesFor } from '../../app/services.ts';

describe('areas service over the real geography', () => {
  let db: TestDb;
  let areas: AreasService;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    areas = servicesFor(db).areas;
  });
  afterAll(async () => db.drop());

  const total = async (type: string, at: string) => (await areas.findAreas({ type, at, limit: 1 })).total;
  const codes = (xs: { code: string }[]) => xs.map((x) => x.code);

  it('findAreas counts the councils live each April: 317 in 2019, 309 in 2021, 296 in 2024', async () => {
    expect(await total('unitary,shire-district,metropolitan-district,london-borough', '2019-04-01')).toBe(317);
    expect(await total('lower-tier', '2020-04-01')).toBe(314);
    expect(await total('E06,E07,E08,E09', '2021-04-01')).toBe(309);
    expect(await total('lower-tier', '2024-04-01')).toBe(296);
    expect(await total('lower-tier', '2025-06-01')).toBe(296);
    expect(await total('county', '2019-04-01')).toBe(26);
    expect(await total('county', '2022-04-01')).toBe(24);
    expect(await total('E10', '2024-04-01')).toBe(21);
    expect(await total('region', '2024-04-01')).toBe(9);
    expect(await total('upper-tier', '2019-04-01')).toBe(151);
    expect(await total('upper-tier', '2024-04-01')).toBe(153);
  });

  it("getArea gives Trafford's region, metropolitan county, combined authority and fire and rescue authority", async () => {
    const t = await areas.getArea('E08000009', '2024-06-01');
    expect(t).toMatchObject({
      code: 'E08000009',
      name: 'Trafford',
      type: 'E08',
      typeName: 'Metropolitan district',
      tier: 'unitary',
      status: 'current',
      asAt: '2024-06-01',
    });
    expect(t.parents).toEqual({
      region: { code: 'E12000002', name: 'North West' },
      county: null,
      upperTier: { code: 'E08000009', name: 'Trafford' },
      metropolitanCounty: { code: 'E11000001', name: 'Greater Manchester' },
      combinedAuthority: { code: 'E47000001', name: 'Greater Manchester' },
      fireRescueAuthority: { code: 'E31000040', name: 'Greater Manchester' },
    });
    // no published lookup before 2021
    expect((await areas.getArea('e08000009', '2020-06-01')).parents.fireRescueAuthority).toBeNull();
  });

  it('a Cumbria district has its county in 2022; after March 2023 it is retired with Cumberland as successor', async () => {
    const in2022 = await areas.getArea('E07000026', '2022-06-01');
    expect(in2022).toMatchObject({ name: 'Allerdale', tier: 'lower', status: 'current', validTo: '2023-03-31' });
    expect(in2022.parents.county).toEqual({ code: 'E10000006', name: 'Cumbria' });
    expect(in2022.parents.upperTier).toEqual({ code: 'E10000006', name: 'Cumbria' });
    const now = await areas.getArea('E07000026');
    expect(now).toMatchObject({ status: 'retired', asAt: '2023-03-31' });
    expect(now.successors).toEqual([
      {
        code: 'E06000063',
        name: 'Cumberland',
        type: 'E06',
        changeType: 'merger',
        effectiveDate: '2023-04-01',
        note: null,
      },
    ]);
    const county = await areas.getArea('E10000006', '2022-06-01');
    expect(codes(county.children)).toEqual([
      'E07000026',
      'E07000027',
      'E07000028',
      'E07000029',
      'E07000030',
      'E07000031',
    ]);
    expect(codes((await areas.getArea('E10000006')).successors)).toEqual(['E06000063', 'E06000064']);
    expect(codes((await areas.getArea('E06000064', '2024-01-01')).predecessors)).toEqual([
      'E07000027',
      'E07000030',
      'E07000031',
      'E10000006',
    ]);
  });

  it("Buckinghamshire's predecessors are its four districts and the county, merged in April 2020", async () => {
    const b = await areas.getArea('E06000060', '2024-06-01');
    expect(b).toMatchObject({ name: 'Buckinghamshire', validFrom: '2020-04-01', tier: 'unitary' });
    expect(b.predecessors.map((p) => `${p.code} ${p.name} ${p.changeType} ${p.effectiveDate}`)).toEqual([
      'E07000004 Aylesbury Vale merger 2020-04-01',
      'E07000005 Chiltern merger 2020-04-01',
      'E07000006 South Bucks merger 2020-04-01',
      'E07000007 Wycombe merger 2020-04-01',
      'E10000002 Buckinghamshire merger 2020-04-01',
    ]);
    expect((await areas.getArea('E06000060', '2019-06-01')).status).toBe('not-yet-created');
  });

  it('Barnsley E08000016 is retired in 2025 with the new code E08000038 as successor, never a 404', async () => {
    const old = await areas.getArea('E08000016');
    expect(old).toMatchObject({ name: 'Barnsley', status: 'retired', validTo: '2025-03-31' });
    expect(old.successors).toEqual([
      expect.objectContaining({ code: 'E08000038', changeType: 'new-code', effectiveDate: '2025-04-01' }),
    ]);
    expect((await areas.getArea('E08000016', '2024-06-01')).status).toBe('current');
    expect(codes((await areas.getArea('E08000038')).predecessors)).toEqual(['E08000016']);
    expect(codes((await areas.getArea('E08000039')).predecessors)).toEqual(['E08000019']);
  });

  it('names change with the date: Tewkesbury until March 2025, North Gloucestershire after, found by either name', async () => {
    expect((await areas.getArea('E07000083', '2024-06-01')).name).toBe('Tewkesbury');
    expect((await areas.getArea('E07000083', '2018-06-01')).name).toBe('Tewkesbury');
    const now = await areas.getArea('E07000083', '2025-06-01');
    expect(now.name).toBe('North Gloucestershire');
    expect(now.names.map((n) => n.name)).toEqual(['Tewkesbury', 'North Gloucestershire']);
    expect((await areas.findAreas({ q: 'TEWKES', at: '2025-06-01' })).areas.map((a) => `${a.code} ${a.name}`)).toEqual([
      'E07000083 North Gloucestershire',
    ]);
    expect(
      (await areas.findAreas({ q: 'gloucestershire', at: '2020-06-01', type: 'E07' })).areas.map((a) => a.name),
    ).toEqual(['Tewkesbury']);
  });

  it('findAreas searches names and codes, filters by region and type, and lists retired areas with include=all', async () => {
    expect(codes((await areas.findAreas({ q: 'E0800001' })).areas).sort()).toEqual([
      'E08000010',
      'E08000011',
      'E08000012',
      'E08000013',
      'E08000014',
      'E08000015',
      'E08000017',
      'E08000018',
    ]);
    expect(codes((await areas.findAreas({ region: 'E12000002', type: 'county', at: '2022-04-01' })).areas)).toEqual([
      'E10000006',
      'E10000017',
    ]);
    expect(codes((await areas.findAreas({ region: 'e12000002', type: 'county', at: '2024-04-01' })).areas)).toEqual([
      'E10000017',
    ]);
    expect((await areas.findAreas({ q: 'allerdale' })).total).toBe(0);
    // LIKE wildcards are literal
    expect([(await areas.findAreas({ q: '%' })).total, (await areas.findAreas({ q: '_' })).total]).toEqual([0, 0]);
    const all = await areas.findAreas({ q: 'allerdale', include: 'all' });
    expect(all.areas).toEqual([
      expect.objectContaining({
        code: 'E07000026',
        status: 'retired',
        region: { code: 'E12000002', name: 'North West' },
      }),
    ]);
    const page = await areas.findAreas({ type: 'london-borough', limit: 5, offset: 5 });
    expect([page.total, page.areas.length]).toEqual([33, 5]);
  });

  it('lists children: England its regions, a region its councils, a combined authority its members', async () => {
    expect((await areas.getArea('E92000001')).children).toHaveLength(9);
    expect((await areas.getArea('E47000001', '2024-06-01')).children).toHaveLength(10);
    const nw = (await areas.getArea('E12000002', '2024-06-01')).children;
    expect(nw.filter((c) => /^E0[6-9]/.test(c.code))).toHaveLength(35); // as in the 2024 vintage
    expect(nw.filter((c) => c.type === 'E10').map((c) => c.name)).toEqual(['Lancashire']);
  });

  it('resolveCodes returns retired codes with their successors and lists unknown codes', async () => {
    const r = await areas.resolveCodes(['E07000004', 'e08000009', 'E09999999', 'E08000009']);
    expect(r.unknown).toEqual(['E09999999']);
    expect(r.areas.map((a) => `${a.code} ${a.status}`)).toEqual(['E07000004 retired', 'E08000009 current']);
    expect(r.areas[0]!.successors).toEqual([{ code: 'E06000060', name: 'Buckinghamshire' }]);
    expect(r.areas[0]!.note).toBe(
      'E07000004 (Aylesbury Vale) ended on 2020-03-31; its successor is E06000060 (Buckinghamshire)',
    );
    expect(await areas.listAreaIdsByType(['upper-tier'], '2024-04-01')).toHaveLength(153);
    expect(await areas.listAreaIdsByType(['E07'], '2022-04-01')).toHaveLength(181);
  });

  it('refuses an impossible date, an unknown type or region, and answers 404 for a code it does not hold', async () => {
    const fails = async (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => (e instanceof AppError ? `${e.status} ${e.errors[0]?.field ?? e.code}` : String(e)),
      );
    expect(await fails(areas.findAreas({ at: '2023-02-30' }))).toBe('400 at');
    expect(await fails(areas.findAreas({ type: 'borough' }))).toBe('400 type');
    expect(await fails(areas.findAreas({ region: 'E12000099' }))).toBe('400 region');
    expect(await fails(areas.getArea('Trafford'))).toBe('400 code');
    expect(await fails(areas.getArea('E09999999'))).toBe('404 not-found');
  });

  it('importing the same files again changes nothing and logs nothing', async () => {
    const before = await db.kysely
      .selectFrom('change_log')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const again = await importGeography(db);
    expect(again.state).toBe('unchanged');
    expect(again.geography).toMatchObject({ created: 0, updated: 0, parents: 0, successions: 0 });
    expect(again.geography!.unchanged).toBe(454);
    const after = await db.kysely
      .selectFrom('change_log')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
