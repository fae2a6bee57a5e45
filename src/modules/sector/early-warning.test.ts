import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport } from '../imports/index.ts';
import { capturedLogger } from '../../../test/helpers/log.ts';
import { createEarlyWarning, DefinitionError } from './index.ts';
import { servicesFor } from '../../app/services.ts';

const UPPER = ['E06', 'E08', 'E09', 'E10'];
const METRICS = [
  testMetric('ew.a', { title: 'Measure A', applicableAreaTypes: UPPER }),
  testMetric('ew.b', { title: 'Measure B', applicableAreaTypes: UPPER }),
  testMetric('ew.planning', {
    title: 'Major applications decided in time',
    applicableAreaTypes: ['E06', 'E07', 'E08', 'E09'],
  }),
];

describe('sector: early warning', () => {
  let db: TestDb;
  let app: App;
  let codes: string[];
  const TRAFFORD = 'E08000009';
  const MANCHESTER = 'E08000003';

  /**
   * Every metropolitan district gets values; Trafford is worst on both measures and worsens each year; Manchester has
   * no 2023 figure.
   */
  async function load(version: number, traffordLatest: number) {
    const rows: FixtureRow[] = [];
    codes.forEach((code, i) => {
      for (const year of [2019, 2020, 2021, 2022, 2023]) {
        if (code === MANCHESTER && year === 2023) continue;
        const v = code === TRAFFORD ? (year === 2023 ? traffordLatest : 40 - (year - 2019) * 5) : 50 + i;
        rows.push(['ew.a', code, year, v], ['ew.b', code, year, v]);
      }
      rows.push(['ew.planning', code, 2023, code === TRAFFORD ? 35 : 70]);
    });
    const r = await runImport(db, {
      adapter: fixtureAdapter(METRICS, rows),
      files: [],
      publish: true,
      now: new Date(Date.UTC(2026, 0, version)),
    });
    if (r.state !== 'published' && r.state !== 'unchanged') throw new Error(r.message);
  }

  const basket = {
    id: 'ew-basket',
    version: '1',
    name: 'EW basket',
    description: 'fixture',
    baseline: '2019-10-01',
    latest: 'latest',
    tolerance: 0.02,
    metrics: [
      { metric: 'ew.a', why: 't' },
      { metric: 'ew.b', why: 't' },
    ],
  };
  const rules = (over: Record<string, unknown>[] = []) => ({
    id: 'ew-rules',
    version: '1',
    name: 'EW rules',
    description: 'fixture',
    rules: [
      {
        id: 'bottom',
        type: 'bottom-quartile',
        statement: 'Bottom quarter of its type on both measures.',
        params: { basket: 'ew-basket', k: 2, group: 'same-type' },
      },
      {
        id: 'worse',
        type: 'consecutive-worsening',
        statement: 'Worsened three periods running on both measures.',
        params: { basket: 'ew-basket', k: 2, periods: 3 },
      },
      // Only the metropolitan districts have figures here: a fifth of the upper tier is enough to set the latest
      // period.
      {
        id: 'missing',
        type: 'missing-latest',
        statement: 'No latest figure on both measures.',
        params: { basket: 'ew-basket', k: 2, minShare: 0.2 },
      },
      {
        id: 'planning',
        type: 'threshold',
        statement: 'Decided 40 per cent or fewer of major applications in time.',
        params: {
          metric: 'ew.planning',
          operator: '<=',
          thresholds: [
            { value: 30, effectiveFrom: '2013-10-01', effectiveTo: '2023-03-31' },
            { value: 40, effectiveFrom: '2023-04-01', effectiveTo: null },
          ],
        },
      },
      ...over,
    ],
  });

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    codes = (
      await db.kysely
        .selectFrom('areas')
        .select('code')
        .where('type', '=', 'E08')
        .where('valid_to', 'is', null)
        .where('code', 'not in', ['E08000038', 'E08000039'])
        .orderBy('code')
        .execute()
    ).map((r) => r.code);
    await load(1, 20);
    await servicesFor(db).sector.loadBasket(basket);
    app = await createTestApp(db);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('refuses rule sets with unknown parameters, contradictory or overlapping thresholds and unknown references, naming the JSON path', async () => {
    const ew = servicesFor(db).earlyWarning;
    const bad = rules([
      {
        id: 'x',
        type: 'threshold',
        statement: 'An unknown parameter is here.',
        params: {
          metric: 'ew.planning',
          operator: '<',
          thresholds: [{ value: 1, effectiveFrom: '2020-01-01', effectiveTo: null }],
          colour: 'red',
        },
      },
      {
        id: 'y',
        type: 'threshold',
        statement: 'Overlapping and backwards dates.',
        params: {
          metric: 'nope',
          operator: '<',
          thresholds: [
            { value: 1, effectiveFrom: '2020-01-01', effectiveTo: '2019-01-01' },
            { value: 2, effectiveFrom: '2019-06-01', effectiveTo: null },
          ],
        },
      },
      {
        id: 'z',
        type: 'bottom-quartile',
        statement: 'Unknown basket and too many measures.',
        params: { basket: 'ew-basket', k: 5, group: 'nearest-neighbours:not-loaded' },
      },
      { id: 'bottom', type: 'made-up', statement: 'Unknown type of rule.' },
    ]);
    const err = (await ew.load(bad).catch((e: unknown) => e)) as DefinitionError;
    expect(err).toBeInstanceOf(DefinitionError);
    expect(err.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'rules[4].params.colour: is not a parameter of this rule type',
      'rules[5].params.metric: is not a metric in the catalogue',
      'rules[5].params.thresholds[0].effectiveTo: is before effectiveFrom 2020-01-01',
      'rules[5].params.thresholds[0].effectiveFrom: overlaps thresholds[1] (2019-06-01 to open): only one threshold may be in effect on a date',
      'rules[6].params.k: asks for more measures than the basket has (2)',
      'rules[6].params.group: is not a group id, "same-type" or "nearest-neighbours:<family code>" of a loaded family',
      'rules[7].type: must be one of bottom-quartile, consecutive-worsening, threshold, missing-latest',
    ]);
  });

  it('screens every council: the rules triggered and the evidence behind each, with the threshold in effect for the period', async () => {
    const ew = servicesFor(db).earlyWarning;
    expect(await ew.load(rules())).toMatchObject({ state: 'loaded' });
    const r = await ew.screen('ew-rules', new Date('2026-02-01T00:00:00Z'));
    const trafford = r.results.find((x) => x.area.code === TRAFFORD)!;
    expect(trafford.flags.map((f) => f.rule).sort()).toEqual(['bottom', 'planning', 'worse']);
    const planning = trafford.flags.find((f) => f.rule === 'planning')!;
    expect(planning.evidence.items[0]).toMatchObject({
      value: 35,
      threshold: 40,
      effectiveFrom: '2023-04-01',
      period: '2023/24',
    });
    expect(planning.evidence.summary).toBe(
      'Major applications decided in time 35 for 2023/24 is <= 40, the threshold in effect from 2023-04-01',
    );
    expect(trafford.flags.find((f) => f.rule === 'worse')!.evidence.items[0]).toMatchObject({
      values: [35, 30, 25, 20],
    });
    expect(r.results.find((x) => x.area.code === MANCHESTER)!.flags.map((f) => f.rule)).toEqual(['missing']);
    expect(r.rules.every((x) => x.status === 'ok')).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/score/i);
  });

  it('keeps the history: a council leaves a flag when it no longer meets the rule, and a broken rule changes no flag', async () => {
    const { logger, lines } = capturedLogger();
    const ew = createEarlyWarning(db, { ...servicesFor(db), logger });
    await load(2, 60); // Trafford's 2023 figures recover
    const run = await ew.screen('ew-rules', new Date('2026-03-01T00:00:00Z'));
    // One line per screening: the rule set, the councils screened and the flags entered and left, as counts only.
    const all = (await ew.history('ew-rules')).flags;
    const entered = all.filter((f) => f.enteredAt === '2026-03-01T00:00:00.000Z').length;
    const left = all.filter((f) => f.leftAt === '2026-03-01T00:00:00.000Z').length;
    expect(left).toBeGreaterThan(0);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        module: 'early-warning',
        event: 'screening',
        ruleSet: 'ew-rules@1',
        councils: run.councils,
        entered,
        left,
      }),
    ]);
    const h = await ew.history('ew-rules', TRAFFORD);
    const worse = h.flags.find((f) => f.rule === 'worse')!;
    expect(worse).toMatchObject({ enteredAt: '2026-02-01T00:00:00.000Z', leftAt: '2026-03-01T00:00:00.000Z' });
    expect(h.flags.find((f) => f.rule === 'planning')!.leftAt).toBeNull();
    // A rule set whose basket disappears: its rules fail and the open flags stay as they were.
    await ew.load({
      ...rules(),
      version: '2',
      rules: [
        {
          id: 'missing',
          type: 'missing-latest',
          statement: 'No latest figure on both measures.',
          params: { basket: 'ew-basket', k: 2 },
        },
      ],
    });
    await db.kysely.deleteFrom('baskets').execute();
    const broken = await ew.screen('ew-rules@2', new Date('2026-04-01T00:00:00Z'));
    expect(broken.rules[0]).toMatchObject({ status: 'failed', error: 'basket ew-basket is not loaded' });
    await ew.annotate(worse.id, { id: null, name: 'Analyst' }, 'Support offered by the regional adviser.');
    expect((await ew.history('ew-rules@1', TRAFFORD)).flags.find((f) => f.id === worse.id)!.annotations).toEqual([
      expect.objectContaining({ author: 'Analyst', text: 'Support offered by the regional adviser.' }),
    ]);
  });

  it('GET /api/v1/sector/rules lists the rule sets publicly, with statements and parameters', async () => {
    const res = await app.inject('/api/v1/sector/rules');
    expect(res.statusCode).toBe(200);
    const sets = res.json().ruleSets;
    expect(sets.map((s: { id: string }) => s.id)).toEqual(['ew-rules@1', 'ew-rules@2']);
    expect(sets[0].rules[3]).toMatchObject({
      id: 'planning',
      statement: 'Decided 40 per cent or fewer of major applications in time.',
      params: { operator: '<=' },
    });
  });
});
