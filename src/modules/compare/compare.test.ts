import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { defraRecyclingAdapter } from '../imports/index.ts';
import { oflogAscAdapter } from '../imports/index.ts';
import { runImport } from '../imports/index.ts';
import { applyGroupFamily } from '../groups/index.ts';
import { signIn } from '../../../test/helpers/auth.ts';
import type { ImportAdapter, ImportItem } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import readXlsxFile from 'read-excel-file/node';
import { csvWithMetadata, records } from '../../../test/helpers/csvw.ts';

const EVIL = '=HYPERLINK("http://evil.example","Click")';

const OFLOG = 'performance/oflog_adult_social_care_2015_2023.csv';

/** The ASC values of one measure and year for metropolitan districts, read straight from the publisher's file. */
function oflogValues(code: string, year: string): Map<string, number> {
  const rows = parse(readFileSync(sharedFile(OFLOG)), { columns: true }) as Record<string, string>[];
  return new Map(
    rows
      .filter((r) => r.Code === code && r['Financial year'] === year && r['Local authority code']!.startsWith('E08'))
      .map((r) => [r['Local authority code']!, Number(r.Value)]),
  );
}

describe('compare', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    for (const [adapter, file] of [
      [oflogAscAdapter, OFLOG],
      [defraRecyclingAdapter, 'performance/defra_household_recycling_rate_2015_2024.csv'],
    ] as const) {
      const r = await runImport(db, { adapter, files: [sharedFile(file)], publish: true });
      if (r.state !== 'published') throw new Error(r.message);
    }
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });
  const get = (url: string) => app.inject({ url });

  it("GET /api/v1/compare.json ranks Trafford among the metropolitan districts as the publisher's figures give it", async () => {
    const res = await get('/api/v1/compare.json?metric=oflog.asc5&area=E08000009&group=type:E08&period=2022/23');
    expect(res.statusCode).toBe(200);
    const c = res.json();
    const values = oflogValues('ASC5', '2022-23');
    const sorted = [...values.values()].sort((a, b) => a - b);
    const k = sorted.length;
    const med = (sorted[Math.floor((k - 1) / 2)]! + sorted[Math.ceil((k - 1) / 2)]!) / 2;
    const trafford = values.get('E08000009')!;
    expect(trafford).toBe(48.3);
    expect(c.group).toMatchObject({ id: 'type:E08', at: '2023-03-31', compared: 36 });
    expect(c.statistics).toMatchObject({
      n: 36,
      countWithData: k,
      notApplicable: 0,
      min: sorted[0],
      max: sorted[k - 1],
    });
    expect(c.statistics.median).toBeCloseTo(med, 9);
    expect(c.focus).toMatchObject({
      code: 'E08000009',
      isFocus: true,
      value: 48.3,
      rank: [...values.values()].filter((v) => v > trafford).length + 1,
      rankOf: k,
    });
    expect(c.focus.direction.lastStep).toMatchObject({
      direction: 'improving',
      from: '2021-04-01/P1Y',
      to: '2022-04-01/P1Y',
    });
    expect(c.window.map((w: { label: string }) => w.label)).toEqual([
      '2018/19',
      '2019/20',
      '2020/21',
      '2021/22',
      '2022/23',
    ]);
    expect(c.members).toHaveLength(36);
    expect(c.members[0].rank).toBe(1);
    expect(c.sentence).toMatch(
      /^Trafford is (in the top quarter|above the median|below the median|in the bottom quarter) of the 36 metropolitan districts on this measure for 2022\/23 \(ranked \d+ of 36\)\. It has improved since 2021\/22\.$/,
    );
    expect(c.licence).toBe('OGL-UK-3.0');
  });

  it('a registered user compares with their own private group; it is never cached publicly and no one else can use it', async () => {
    await servicesFor(db).accounts.addUser({
      email: 'officer@example.org',
      name: 'Officer',
      password: 'correct horse battery',
      role: 'council',
      council: 'E08000009',
    });
    const me = await signIn(app, 'officer@example.org', 'correct horse battery');
    const g = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/groups',
        headers: { cookie: me.cookie, 'x-csrf-token': me.csrf },
        payload: { name: 'Mine', members: ['E08000009', 'E08000007', 'E08000003', 'E08000006', 'E08000008'] },
      })
    ).json();
    const url = `/api/v1/compare.json?metric=oflog.asc5&area=E08000009&group=${g.id}`;
    const res = await app.inject({ url, headers: { cookie: me.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.json().members).toHaveLength(5);
    const other = await app.inject({ url });
    expect(other.statusCode).toBe(400);
    expect(other.json().errors[0]).toMatchObject({ field: 'group' });
  });

  it('a public custom group named as a formula is neutralised in compare.csv and compare.xlsx; the CSV has CSVW metadata', async () => {
    await servicesFor(db).accounts.addUser({
      email: 'formula@example.org',
      name: 'Formula',
      password: 'correct horse battery',
      role: 'council',
      council: 'E08000009',
    });
    const me = await signIn(app, 'formula@example.org', 'correct horse battery');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { cookie: me.cookie, 'x-csrf-token': me.csrf },
      payload: { name: EVIL, visibility: 'public', members: ['E08000009', 'E08000007', 'E08000003', 'E08000006'] },
    });
    expect(created.statusCode).toBe(201);
    const qs = `metric=oflog.asc5&area=E08000009&group=${created.json().id}&period=2022/23`;
    const { header, rows, meta } = await csvWithMetadata(app, `/api/v1/compare.csv?${qs}`);
    const recs = records(header, rows);
    expect(recs).toHaveLength(4);
    expect(recs.every((r) => r.group_name === `'${EVIL}`)).toBe(true);
    expect(meta['dc:title']).toContain(EVIL);
    expect(meta['dc:license']).toEqual(['http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/']);
    expect(meta['dc:publisher']).toEqual([recs[0]!.source]);
    const xlsx = await app.inject(`/api/v1/compare.xlsx?${qs}`);
    expect(xlsx.statusCode).toBe(200);
    const sheets = await readXlsxFile(xlsx.rawPayload);
    expect(sheets.map((s) => s.sheet)).toEqual(['Cover', 'Contents', 'Notes', 'Councils', 'Group statistics', 'Trend']);
    const cover = sheets[0]!.data.flat().map(String);
    expect(cover.filter((v) => v.includes(EVIL))).toContain(`'${EVIL} (group ${created.json().id}), 4 councils`);
    expect(cover.some((v) => v.startsWith('='))).toBe(false);
    const councils = sheets[3]!.data;
    const body = councils.slice(councils.findIndex((r) => r[0] === 'Area code') + 1);
    expect(body.map((r) => r[0]).sort()).toEqual(['E08000003', 'E08000006', 'E08000007', 'E08000009']);
    const trafford = body.find((r) => r[0] === 'E08000009')!;
    expect(trafford[3]).toBe(48.3);
  });

  it('GET /api/v1/compare.csv-metadata.json carries the caveats and licence of the metric, for the same query', async () => {
    const qs = 'metric=oflog.asc5&area=E08000009&group=type:E08&period=2022/23';
    const { meta } = await csvWithMetadata(app, `/api/v1/compare.csv?${qs}`);
    const c = (await get(`/api/v1/compare.json?${qs}`)).json();
    expect(meta.url).toMatch(new RegExp(`/api/v1/compare\\.csv\\?${qs.replace(/[.?/]/g, (x) => `\\${x}`)}$`));
    expect(meta['dc:rights']).toEqual([c.licence]);
    expect(meta['dc:publisher']).toEqual([c.attribution]);
    expect(meta['rdfs:comment']).toEqual(
      c.metric.caveats ? [`${c.metric.title} (oflog.asc5): ${c.metric.caveats}`, ...c.notes] : c.notes,
    );
    expect(
      (await get('/api/v1/compare.csv-metadata.json?metric=oflog.asc5&area=E08000009&group=nope')).statusCode,
    ).toBe(400);
    const page = await get(`/compare?${qs}`);
    expect(page.statusCode).toBe(200);
    const hrefs = [...page.body.matchAll(/href="(\/api\/v1\/compare[^"]+)"/g)].map((m) =>
      m[1]!.replaceAll('&amp;', '&'),
    );
    const csv = hrefs.find((h) => h.startsWith('/api/v1/compare.csv?'))!;
    expect(hrefs).toEqual(
      expect.arrayContaining([
        csv.replace('compare.csv?', 'compare.csv-metadata.json?'),
        csv.replace('compare.csv?', 'compare.xlsx?'),
      ]),
    );
  });

  it('GET /api/v1/compare.json narrows a built-in group to the tiers the metric applies to and says so', async () => {
    const c = (
      await get('/api/v1/compare.json?metric=oflog.asc5&area=E08000009&group=region:E12000002&period=2022/23')
    ).json();
    expect(c.members.every((m: { type: string }) => m.type !== 'E07')).toBe(true);
    expect(c.notes.join(' ')).toMatch(/limited to the \d+ councils of the types this measure applies to/);
    expect(c.statistics.notApplicable).toBe(0);
  });

  it('GET /api/v1/compare.json excludes members of another tier in a published group from ranks, and explains', async () => {
    const family: ImportAdapter = {
      name: 'mixed',
      summary: '',
      files: '',
      signatures: [],
      async *read(): AsyncIterable<ImportItem> {
        yield {
          kind: 'groups',
          at: { file: 'mixed.csv', line: 1 },
          groups: {
            family: {
              code: 'mixed-test',
              version: '1',
              kind: 'nearest-neighbours',
              name: 'mixed neighbours',
              areaTypes: ['E06', 'E07', 'E08'],
              source: { publisher: 'Test', licence: 'OGL-UK-3.0' },
            },
            groups: [
              {
                owner: 'E08000009',
                name: 'Trafford mixed',
                members: [
                  { code: 'E08000003', rank: 1 },
                  { code: 'E07000117', rank: 2 },
                  { code: 'E08000007', rank: 3 },
                ],
                at: { file: 'mixed.csv', line: 2 },
              },
            ],
          },
        };
      },
    };
    expect(
      (await runImport(db, { adapter: family, files: [], publish: true, applyGroups: applyGroupFamily })).state,
    ).toBe('published');
    const c = (
      await get('/api/v1/compare.json?metric=oflog.asc5&area=E08000009&group=mixed-test@1:E08000009&period=2022/23')
    ).json();
    expect(c.statistics).toMatchObject({ n: 4, notApplicable: 1, countWithData: 3 });
    const burnley = c.members.find((m: { code: string }) => m.code === 'E07000117');
    expect(burnley).toMatchObject({ rank: null, excludedBecause: 'not-applicable' });
    expect(c.notes.join(' ')).toMatch(/mixes tiers: Burnley \(E07000117\) is left out/);
    expect(c.sentence).toMatch(/its 3 nearest neighbours \(mixed neighbours\)/);
  });

  it('GET /api/v1/compare.json explains instead of ranking a council the metric does not apply to, naming its county', async () => {
    const res = await get('/api/v1/compare.json?metric=oflog.asc5&area=E07000117&group=england');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'not-applicable', errors: [{ field: 'area', value: 'E07000117' }] });
    expect(res.json().detail).toMatch(/does not apply to Burnley.*Compare Lancashire \(E10000017\)/);
  });

  it('GET /api/v1/compare.json names the field for an unknown metric, area, group or period, and a period without data', async () => {
    const cases: [string, number, string][] = [
      ['metric=nope&area=E08000009&group=england', 400, 'metric'],
      ['metric=oflog.asc5&area=E08999999&group=england', 400, 'area'],
      ['metric=oflog.asc5&area=E08000009&group=no-such-group', 400, 'group'],
      ['metric=oflog.asc5&area=E08000009&group=type:E08&period=1999/00', 400, 'period'],
      ['metric=oflog.asc5&area=E08000009&group=type:E08&period=latest:3', 400, 'period'],
      ['metric=oflog.asc5&area=E08000009', 400, 'group'],
    ];
    for (const [q, status, field] of cases) {
      const res = await get(`/api/v1/compare.json?${q}`);
      expect(res.statusCode, q).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        q,
      ).toContain(field);
    }
  });

  it('GET /api/v1/compare.json reports increasing or decreasing for a metric without polarity and no data as no data', async () => {
    const c = (await get('/api/v1/compare.json?metric=oflog.asc6&area=E08000009&group=type:E08&period=2022/23')).json();
    expect(['increasing', 'decreasing', 'no-change']).toContain(c.focus.direction.lastStep.direction);
    expect(c.sentence).not.toMatch(/ranked/);
    // Recycling: Trafford compared with the lower tier; a district with no figure for the year counts as no data.
    const r = (
      await get(
        '/api/v1/compare.json?metric=defra.household-recycling-rate&area=E08000009&group=county:E10000003&period=2021/22',
      )
    ).json();
    expect(r.statistics.noData + r.statistics.countWithData + r.statistics.notApplicable).toBe(r.statistics.n);
  });

  it('GET /api/v1/compare.csv gives one tidy row per council with the group figures and licence', async () => {
    const res = await get('/api/v1/compare.csv?metric=oflog.asc5&area=E08000009&group=type:E08&period=2022/23');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(36);
    const t = rows.find((r) => r.area === 'E08000009')!;
    expect(t).toMatchObject({
      is_focus: 'true',
      value: '48.3',
      licence: 'OGL-UK-3.0',
      direction_last_period: 'improving',
    });
  });
});
