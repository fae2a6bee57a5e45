/**
 * The value-for-money profile against a small hand-checked fixture. Spend per head is not derived on main yet, so the
 * test publishes it itself as an ordinary metric with SYNTHETIC values (labelled so in its definition), as the
 * derived-measures engineer's metrics will be published (`<net current expenditure>.per-head`).
 */
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { ASC, ascOutcomeMetric, ascSpendMetric, perHead, SYNTHETIC } from '../../../test/helpers/value.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';
import { servicesFor } from '../../app/services.ts';
import { createValueForMoneyService } from './index.ts';

const ENV = 'mhclg-rsx.environmental-regulatory.net-current-expenditure.per-head';
// Greater Manchester's ten metropolitan districts: Bolton … Wigan.
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
const SPEND = [400, 410, 520, 450, 430, 480, 390, 440, 380, 420]; // Trafford (E08000009) spends least: 380
const ASC2 = [19.0, 19.2, 18.1, 18.5, 18.7, 18.9, 19.5, 18.3, 19.8, 18.8]; // Trafford's outcome is highest: 19.8

function pearsonByHand(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const cov = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  const sx = Math.sqrt(xs.reduce((a, x) => a + (x - mx) ** 2, 0));
  const sy = Math.sqrt(ys.reduce((a, y) => a + (y - my) ** 2, 0));
  return cov / (sx * sy);
}

describe('value-for-money profile', () => {
  let db: TestDb;
  let app: App;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const rows: FixtureRow[] = [
      ...GM.flatMap((c, i): FixtureRow[] => [
        [ASC, c, 2023, SPEND[i]!],
        [ASC, c, 2022, SPEND[i]! - 20],
        ['oflog.asc2', c, 2022, ASC2[i]!],
        ['oflog.asc2', c, 2021, ASC2[i]! - 0.5],
      ]),
      // Knowsley, a metropolitan district outside Greater Manchester.
      [ASC, 'E08000011', 2023, 500],
      [ASC, 'E08000011', 2022, 480],
      ['oflog.asc2', 'E08000011', 2022, 18.0],
      ['oflog.asc2', 'E92000001', 2022, 19.1],
      [ENV, 'E07000117', 2023, 95],
      [ENV, 'E07000118', 2023, 90],
    ];
    const r = await runImport(db, {
      adapter: fixtureAdapter(
        [
          ascSpendMetric,
          testMetric(ENV, {
            title: 'Spend per head on environmental services (synthetic test figures)',
            caveats: SYNTHETIC,
            polarity: 'not-applicable',
            ...perHead,
          }),
          ascOutcomeMetric,
        ],
        rows,
      ),
      files: [],
      publish: true,
    });
    expect(r.state).toBe('published');
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const asc = (p: { services: { id: string }[] }) =>
    p.services.find((s) => s.id === 'adult-social-care') as unknown as {
      runsService: boolean;
      notRunReason: string | null;
      spend: Record<string, unknown>[];
      outcomes: Record<string, unknown>[];
      scatters: { points: { code: string; isFocus: boolean }[]; group: { n: number; r: number; sentence: string } }[];
      caveats: string[];
    };

  it('GET /api/v1/value-for-money/:code.json gives spend per head and outcomes equal to the stored observations, ranked in the group', async () => {
    const res = await app.inject('/api/v1/value-for-money/E08000009.json');
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.area).toEqual({ code: 'E08000009', name: 'Trafford', type: 'E08' });
    expect(p.group.id).toBe('type:E08');
    const s = asc(p);
    expect(s.runsService).toBe(true);
    // The figures are the stored observations, read back through the data API.
    for (const [metric, period, f] of [
      [ASC, '2023/24', s.spend[0]!],
      ['oflog.asc2', '2022/23', s.outcomes[0]!],
    ] as const) {
      const data = (await app.inject(`/api/v1/data.json?metric=${metric}&area=E08000009&period=${period}`)).json();
      expect(f).toMatchObject({ value: data.observations[0].value, period: { label: period } });
    }
    // Hand-checked: Trafford spends least of the eleven (no direction is better for spend: rank 1 is the highest) and
    // has the highest outcome (higher is better: rank 1).
    expect(s.spend[0]).toMatchObject({
      role: 'spend',
      base: 'per-head',
      value: 380,
      rank: 11,
      rankOf: 11,
      tied: false,
      quartileBand: 4,
      group: { median: 430, countWithData: 11 },
      england: null,
      trend: { lastStep: 'increasing' },
    });
    expect(s.outcomes[0]).toMatchObject({
      role: 'outcome',
      value: 19.8,
      rank: 1,
      rankOf: 11,
      quartileBand: 1,
      group: { median: 18.8 },
      england: { value: 19.1, kind: 'england', label: 'England' },
      trend: { lastStep: 'improving' },
    });
    // The years differ, and the caveat says which is which.
    expect(s.caveats).toContain(
      'The spend is for 2023/24; an outcome is for 2022/23: the years differ, and each figure names its own.',
    );
    // The scatter: every metropolitan district with both figures, Trafford marked, the association in words.
    const x = s.scatters[0]!;
    expect(x.points).toHaveLength(11);
    expect(x.points.filter((pt) => pt.isFocus).map((pt) => pt.code)).toEqual(['E08000009']);
    const r = pearsonByHand([...SPEND, 500], [...ASC2, 18.0]);
    expect(x.group.n).toBe(11);
    expect(x.group.r).toBeCloseTo(r, 10);
    expect(x.group.sentence).toMatch(
      new RegExp(
        `^Councils in this group that spend more per head tend to have \\w+ lower .*\\(r = −${Math.abs(r).toFixed(2)}, 11 councils\\)`,
      ),
    );
    expect(JSON.stringify(p)).not.toMatch(/efficien/i);
    // Services without a derived spend per head say so, not computed here.
    const education = p.services.find((x: { id: string }) => x.id === 'education');
    expect(education.missing).toContainEqual({
      metric: 'mhclg-rsx.education.net-current-expenditure.per-head',
      title: 'Spend per head',
      reason: 'spend per head is not derived yet',
    });
  });

  it('a narrower group is ranked on its own and picked out in the scatter among every council of the type', async () => {
    const p = (await app.inject('/api/v1/value-for-money/E08000009.json?group=combined-authority:E47000001')).json();
    const s = asc(p);
    // Greater Manchester's ten are the group (median of the ten: 425); Knowsley is drawn too, outside the group.
    expect(p.group.id).toBe('combined-authority:E47000001');
    expect(s.spend[0]).toMatchObject({ rank: 10, rankOf: 10, group: { median: 425 } });
    const x = s.scatters[0]! as unknown as {
      points: { code: string; inGroup: boolean }[];
      group: { n: number; r: number };
      sameType: { n: number; r: number; sentence: string } | null;
    };
    expect(x.points.filter((pt) => !pt.inGroup).map((pt) => pt.code)).toEqual(['E08000011']);
    expect(x.group.n).toBe(10);
    expect(x.group.r).toBeCloseTo(pearsonByHand(SPEND, ASC2), 10);
    expect(x.sameType).toMatchObject({ n: 11 });
    expect(x.sameType!.sentence).toMatch(/^Metropolitan districts in England that spend more per head/);
    const bad = await app.inject('/api/v1/value-for-money/E08000009.json?group=nope');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'group', value: 'nope' });
  });

  it('a district is not scored on social care: the profile names the county that runs it and the two-tier caveat', async () => {
    const p = (await app.inject('/api/v1/value-for-money/E07000117.json')).json();
    const s = asc(p);
    expect(s.runsService).toBe(false);
    expect(s.spend).toEqual([]);
    expect(s.notRunReason).toMatch(/Burnley is a shire district, which does not run adult social care/);
    expect(s.notRunReason).toMatch(/Lancashire \(E10000017\) runs it for Burnley/);
    expect(p.caveats.join(' ')).toMatch(/two-tier area: the county and the districts each spend on their own services/);
    const env = p.services.find((x: { id: string }) => x.id === 'environmental-regulatory');
    expect(env.spend[0]).toMatchObject({ value: 95, base: 'per-head', rank: 1, rankOf: 2 });
    const page = await app.inject('/councils/E07000117/value-for-money');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lancashire (E10000017) runs it for Burnley');
  });

  it('GET /api/v1/value-for-money/:code.csv and .xlsx carry the same rows as the JSON, with CSVW metadata', async () => {
    const json = (await app.inject('/api/v1/value-for-money/E08000009.json')).json();
    const figures = json.services.flatMap((s: { spend: unknown[]; outcomes: unknown[] }) => [
      ...s.spend,
      ...s.outcomes,
    ]) as {
      metric: { id: string };
      value: number | null;
      rank: number | null;
    }[];
    const csv = await app.inject('/api/v1/value-for-money/E08000009.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers.link).toMatch(/value-for-money\/E08000009\.csv-metadata\.json/);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    const num = (v: string | undefined) => (v === '' || v === undefined ? null : Number(v));
    expect(rows.map((r) => [r.metric, num(r.value), num(r.rank)])).toEqual(
      figures.map((f) => [f.metric.id, f.value, f.rank]),
    );
    expect(rows[0]).toMatchObject({ area: 'E08000009', group: 'type:E08', role: 'spend', licence: 'OGL-UK-3.0' });
    expect(rows[0]!.caveats).toContain(SYNTHETIC);
    const meta = await app.inject('/api/v1/value-for-money/E08000009.csv-metadata.json');
    expect(meta.statusCode).toBe(200);
    expect(meta.json()['rdfs:comment'].join(' ')).toContain(SYNTHETIC);
    const xlsx = await app.inject('/api/v1/value-for-money/E08000009.xlsx');
    expect(xlsx.statusCode).toBe(200);
    const sheets = await readXlsxFile(xlsx.rawPayload);
    const data = sheets.find((s) => s.sheet === 'Figures')!.data;
    const header = data.findIndex((r) => r[0] === 'Area code');
    const metricCol = data[header]!.indexOf('Metric id');
    const valueCol = data[header]!.indexOf('Value');
    expect(data.slice(header + 1).map((r) => [r[metricCol], r[valueCol]])).toEqual(
      // The spreadsheet marks an empty cell [x], as the government guidance asks.
      rows.map((r) => [r.metric, num(r.value) ?? '[x]']),
    );
  });

  it('the page links the downloads and the embed, the council page links the profile, and OpenAPI has the routes', async () => {
    const page = await app.inject('/councils/E08000009/value-for-money');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/api/v1/value-for-money/E08000009.csv');
    expect(page.body).toContain('/embed/value-for-money/E08000009');
    expect(page.body).toContain('<svg');
    const embed = await app.inject('/embed/value-for-money/E08000009');
    expect(embed.statusCode).toBe(200);
    expect(embed.headers['content-security-policy']).toMatch(/frame-ancestors \*/);
    const council = await app.inject('/areas/E08000009');
    expect(council.body).toContain('href="/councils/E08000009/value-for-money"');
    const paths = Object.keys((await app.inject('/api/v1/openapi.json')).json().paths);
    for (const suffix of ['json', 'csv', 'xlsx', 'csv-metadata.json'])
      expect(paths.some((x) => x.startsWith('/api/v1/value-for-money/') && x.endsWith(`.${suffix}`))).toBe(true);
    expect((await app.inject('/api/v1/value-for-money/E92000001.json')).statusCode).toBe(400);
  });
  // Last: it revises the fixture. The profile keeps every council of the type's figures while no import changes them.
  it('a published revision shows at once, a repeated profile is the same, and a group beyond the type reads its other councils', async () => {
    const url = '/api/v1/value-for-money/E08000009.json';
    const first = (await app.inject(url)).json();
    expect((await app.inject(url)).json()).toEqual(first);
    expect(asc(first).spend[0]).toMatchObject({ value: 380, group: { median: 430 } });
    // Trafford's spend revised; Blackpool (a unitary authority in the North West, not of Trafford's type) added.
    const r = await runImport(db, {
      adapter: fixtureAdapter(
        [ascSpendMetric],
        [
          [ASC, 'E08000009', 2023, 600],
          [ASC, 'E06000009', 2023, 455],
        ],
      ),
      files: [],
      publish: true,
      keepMissing: true,
    });
    expect(r.state).toBe('published');
    const s = asc((await app.inject(url)).json());
    // 390 400 410 420 430 440 450 480 500 520 600: Trafford now spends most of the eleven metropolitan districts.
    expect(s.spend[0]).toMatchObject({ value: 600, rank: 1, rankOf: 11, group: { median: 440, countWithData: 11 } });
    expect(s.scatters[0]!.points.find((pt) => pt.isFocus)).toMatchObject({ code: 'E08000009', spend: 600 });
    // The North West: Greater Manchester, Knowsley and Blackpool have figures (455 between 450 and 480).
    const nw = asc((await app.inject(`${url}?group=region:E12000002`)).json());
    expect(nw.spend[0]).toMatchObject({ value: 600, rank: 1, rankOf: 12, group: { median: 445, countWithData: 12 } });
  });

  it("a council's profile is the same whether its group's medians and statistics were kept from another council's or not", async () => {
    const shared = createValueForMoneyService(db, servicesFor(db));
    // Bury first: the metropolitan districts' medians and statistics are kept, then reused for Trafford and Bolton.
    await shared.profile('E08000002');
    for (const [code, group] of [
      ['E08000009', undefined],
      ['E08000001', undefined],
      ['E08000009', 'region:E12000002'],
    ] as const) {
      const fresh = createValueForMoneyService(db, servicesFor(db)); // nothing kept
      const kept = await shared.profile(code, { group });
      expect(kept, `${code} ${group ?? ''}`).toEqual(await fresh.profile(code, { group }));
      expect(asc(kept).spend[0]!.rank, code).not.toBeNull();
    }
  });
});
