import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { App } from '../../../platform/app-types.ts';
import { importFiles } from '../index.ts';

const DIR = 'similar_councils';
const dfe = (year: number) => sharedFile(`${DIR}/dfe_childrens_services_statistical_neighbours_${year}.csv`);
const ONS = ['global', 'economic', 'demographic'].map((b) => sharedFile(`${DIR}/ons_els_${b}_neighbours.csv`));
const CLUSTERS = [
  sharedFile(`${DIR}/ons_els_cluster_allocation.csv`),
  sharedFile(`${DIR}/ons_els_cluster_descriptions.json`),
];
const csv = (file: string) => parse(readFileSync(file), { columns: true }) as Record<string, string>[];

describe('published families of similar councils', () => {
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

  it('imports both DfE editions: every upper-tier council with its ten ranked neighbours and closeness band, counted from the files', async () => {
    const s = await importFiles(db, 'dfe-statistical-neighbours', [dfe(2021), dfe(2025)], { publish: true });
    expect(s.errors).toEqual([]);
    expect(s.state).toBe('published');
    for (const year of [2021, 2025]) {
      const rows = csv(dfe(year));
      const owners = new Set(rows.map((r) => r.gss_code));
      const body = (await app.inject(`/api/v1/groups?area=E08000009`)).json();
      expect(
        body.families.find(
          (f: { code: string; version: string }) =>
            f.code === 'dfe-statistical-neighbours' && f.version === String(year),
        ),
      ).toMatchObject({ kind: 'nearest-neighbours', source: { licence: 'OGL-UK-3.0' }, groups: owners.size });
      const stored = await db.kysely
        .selectFrom('group_members as m')
        .innerJoin('comparison_groups as g', 'g.id', 'm.group_id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('g.key', 'like', `dfe-statistical-neighbours@${year}:%`)
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(rows.length);
    }
    // Trafford's 2025 list as Trafford Data Lab publishes it (trafford_cssn_neighbours.csv), in DfE's rank order.
    const trafford = csv(sharedFile(`${DIR}/trafford_cssn_neighbours.csv`)).map((r) => r.area_code);
    const g = (await app.inject('/api/v1/groups/dfe-statistical-neighbours@2025:E08000009')).json();
    expect(g.members.map((m: { code: string }) => m.code)).toEqual(trafford);
    expect(g.members[0]).toMatchObject({ code: 'E10000015', rank: 1, note: 'Very close' });
    expect(g.family).toMatchObject({
      version: '2025',
      source: { publisher: expect.stringMatching(/Department for Education/) },
    });
    const again = await importFiles(db, 'dfe-statistical-neighbours', [dfe(2025)], { publish: true });
    expect(again.state).toBe('unchanged');
    expect(again.message).toMatch(/Nothing changed/);
  });

  it("imports ONS similar areas and clusters, leaving out neighbours outside England and keeping ONS's ranks", async () => {
    const s = await importFiles(db, 'ons-similar-areas', [...ONS, ...CLUSTERS], { publish: true });
    expect(s.errors).toEqual([]);
    const global = csv(ONS[0]!);
    const english = global.filter((r) => r.AREACD!.startsWith('E'));
    const members = english.reduce(
      (n, r) =>
        n + Array.from({ length: 20 }, (_, i) => r[String(i + 1)] ?? '').filter((c) => c.startsWith('E')).length,
      0,
    );
    const stored = await db.kysely
      .selectFrom('group_members as m')
      .innerJoin('comparison_groups as g', 'g.id', 'm.group_id')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('g.key', 'like', 'ons-similar-areas-global@2026:%')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(members);
    const hartlepool = global.find((r) => r.AREACD === 'E06000001')!;
    const g = (await app.inject('/api/v1/groups/ons-similar-areas-global@2026:E06000001')).json();
    const expected = Array.from({ length: 20 }, (_, i) => ({ code: hartlepool[String(i + 1)]!, rank: i + 1 })).filter(
      (m) => m.code.startsWith('E'),
    );
    expect(g.members.map((m: { code: string; rank: number }) => ({ code: m.code, rank: m.rank }))).toEqual(expected);
    expect(expected.length).toBeLessThan(20); // Hartlepool's sixth neighbour is in Wales (W06000022)

    const alloc = csv(CLUSTERS[0]!).filter((r) => r.AREACD!.startsWith('E') && r.Global !== '[x]');
    const clusterA = (await app.inject('/api/v1/groups/ons-clusters-global@2026:cluster-a')).json();
    expect(clusterA.members).toHaveLength(alloc.filter((r) => r.Global === 'A').length);
    expect(clusterA.description).toMatch(/remote, rural areas/);
  });

  it('refuses bad lists with the file, line and field, and writes nothing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'sli-families-'));
    const bad = path.join(dir, 'dfe_sn_2030.csv');
    writeFileSync(
      bad,
      'dfe_la_number,la_name,gss_code,go_region,neighbour_rank,neighbour_dfe_la_number,neighbour_gss_code,closeness\n358,Trafford,E08000009,North West,1,919,E10000015,Very close\n358,Trafford,E08000009,North West,11,356,E08000007,Near\n358,Trafford,E08000009,North West,2,0,E08999999,Close\n',
    );
    const s = await importFiles(db, 'dfe-statistical-neighbours', [bad], { publish: true });
    expect(s.state).toBe('rejected');
    expect(s.errors.map((e) => `${e.at.line} ${e.field} ${e.value}`)).toEqual(
      expect.arrayContaining(['3 neighbour_rank 11', '3 closeness Near', '4 member E08999999']),
    );
    const nameless = path.join(dir, 'neighbours.csv');
    writeFileSync(nameless, readFileSync(dfe(2025)));
    const n = await importFiles(db, 'dfe-statistical-neighbours', [nameless], { publish: true });
    expect(n.state).toBe('rejected');
    expect(n.errors[0]!.message).toMatch(/must end with the year/);
    const families = await db.kysely
      .selectFrom('group_families')
      .select('version')
      .where('code', '=', 'dfe-statistical-neighbours')
      .execute();
    expect(families.map((f) => f.version).sort()).toEqual(['2021', '2025']);
  });
});
