/**
 * The shipped default basket's children's services judgement (Ofsted ILACS, the real file in performance/ofsted/)
 * in the sector overview. The file holds each council's latest judgement only, so England shows what that supports:
 * each council's latest judgement counted by category and council type ("Good or better: x of n councils"), the span
 * of publication dates, and "movement cannot be shown" instead of a blank or "no change", the same in the JSON, the
 * CSV and the page. The expected counts come from the file and LAIT's crosswalk read here with csv-parse, not through
 * the importer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { sharedFile } from '../../../test/helpers/shared-data.ts';
import type { App } from '../../platform/app-types.ts';
import { servicesFor } from '../../app/services.ts';
import { ofstedIlacsAdapter, runImport } from '../imports/index.ts';

const OVERALL = 'ofsted-ilacs.overall-effectiveness';
const ILACS = sharedFile('performance/ofsted/ofsted_ilacs_latest_judgement_by_la.csv');
const CROSSWALK = sharedFile('performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv');
const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT = JSON.parse(readFileSync(path.join(here, 'baskets', 'sector-key.json'), 'utf8')) as {
  metrics: { metric: string; why: string }[];
};
type Row = Record<string, string>;
const rows = (file: string) => parse(readFileSync(file), { columns: true, bom: true }) as Row[];
const LABELS = ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'];
const TYPE_NAMES: Record<string, string> = {
  E06: 'Unitary authority',
  E08: 'Metropolitan district',
  E09: 'London borough',
  E10: 'County',
};
const iso = (d: string) => {
  const [dd, mm, yy] = d.split('/');
  return `${yy!.length === 2 ? `20${yy}` : yy}-${mm!.padStart(2, '0')}-${dd!.padStart(2, '0')}`;
};

describe("the sector overview's children's services judgement, from the real Ofsted file", () => {
  let db: TestDb;
  let app: App;
  /** Expected from the file: per council type, councils, judged and councils per label (best first). */
  const expected = new Map<string, { councils: number; judged: number; counts: number[] }>();
  let dates: string[] = [];

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    const r = await runImport(db, { adapter: ofstedIlacsAdapter, files: [ILACS, CROSSWALK], publish: true });
    if (r.state !== 'published') throw new Error(r.message);
    // The basket entry exactly as shipped in the default basket.
    const entry = DEFAULT.metrics.find((m) => m.metric === OVERALL)!;
    const loaded = await servicesFor(db).sector.loadBasket({
      id: 'judged',
      version: '1',
      name: 'Judged',
      description: 'The default basket’s judgement',
      baseline: '2019-10-01',
      latest: 'latest',
      tolerance: 0.02,
      metrics: [entry],
    });
    expect(loaded.state).toBe('loaded');
    app = await createTestApp(db);

    // Every current upper-tier council, and the council each graded row of the file belongs to now: the crosswalk's
    // code, followed forward through whole successions (a new code, a county become a unitary) to a current council.
    const areas = await db.kysely.selectFrom('areas').select(['id', 'code', 'type', 'valid_to']).execute();
    const links = await db.kysely.selectFrom('area_successions').select(['predecessor_id', 'successor_id']).execute();
    const byId = new Map(areas.map((a) => [a.id, a]));
    const byCode = new Map(areas.map((a) => [a.code, a]));
    const current = areas.filter((a) => a.valid_to === null && ['E06', 'E08', 'E09', 'E10'].includes(a.type));
    const now = (code: string): string => {
      let a = byCode.get(code)!;
      while (a.valid_to !== null) {
        const next = links.filter((l) => l.predecessor_id === a.id);
        expect(next, `${a.code} has one successor`).toHaveLength(1);
        a = byId.get(next[0]!.successor_id)!;
      }
      return a.code;
    };
    const crosswalk = new Map(rows(CROSSWALK).map((r) => [r.dfe_la_number!, r.gss_code!]));
    const judgedBy = new Map<string, number>();
    for (const r of rows(ILACS)) {
      const grade = LABELS.findIndex((l) => l.toLowerCase() === r.overall_effectiveness_grade!.trim().toLowerCase());
      if (grade < 0) continue;
      judgedBy.set(now(crosswalk.get(r.la_code!)!), grade);
      dates.push(iso(r.publication_date!));
    }
    for (const c of current) {
      const e = expected.get(c.type) ?? { councils: 0, judged: 0, counts: [0, 0, 0, 0] };
      e.councils++;
      const grade = judgedBy.get(c.code);
      if (grade !== undefined) (e.judged++, e.counts[grade]!++);
      expected.set(c.type, e);
    }
    dates = dates.sort();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const total = () => {
    const t = { councils: 0, judged: 0, counts: [0, 0, 0, 0] };
    for (const e of expected.values()) {
      t.councils += e.councils;
      t.judged += e.judged;
      e.counts.forEach((n, i) => (t.counts[i]! += n));
    }
    return t;
  };

  it('the default basket holds the judgement with its reason, and the file has one judgement per council', () => {
    const entry = DEFAULT.metrics.find((m) => m.metric === OVERALL);
    expect(entry?.why).toMatch(/latest judgement only/);
    expect(entry?.why).toMatch(/movement cannot be shown/);
    const t = total();
    expect(t.judged).toBeGreaterThan(140);
    expect(t.councils - t.judged).toBeGreaterThanOrEqual(2); // the two councils the file gives no grade
  });

  it('GET /api/v1/sector/direction-of-travel.json gives England the latest judgements by type and says movement cannot be shown', async () => {
    const res = await app.inject('/api/v1/sector/direction-of-travel.json?basket=judged');
    expect(res.statusCode).toBe(200);
    const m = res.json().metrics[0];
    const t = total();
    const better = t.counts[0]! + t.counts[1]!;
    expect(m).toMatchObject({
      metric: { id: OVERALL },
      classification: 'not-comparable',
      rule: 'categories',
      baseline: null,
      latest: null,
      reason: expect.stringMatching(
        new RegExp(
          `^movement cannot be shown: one judgement per council in the published file \\(${t.judged} councils, none with an earlier judgement to compare with\\); now Good or better: ${better} of ${t.judged} councils, each council's latest judgement, published between`,
        ),
      ),
    });
    expect(m.judgements.total).toMatchObject({ compared: 0, up: 0, same: 0, down: 0, one: t.judged });
    const d = m.latestJudgements;
    expect(d).toMatchObject({
      betterLabel: 'Good or better',
      headline: `Good or better: ${better} of ${t.judged} councils`,
      movement: 'movement cannot be shown: one judgement per council in the published file',
      published: { from: dates[0], to: dates.at(-1) },
    });
    expect(d.note).toMatch(
      new RegExp(`^each council's latest judgement, published between .* \\(spanning ${dates[0]!.slice(0, 4)} to`),
    );
    // Barnsley and Sheffield were re-coded in 2025, after their inspections: the judgement of the same council before.
    expect(d.note).toMatch(/Barnsley, Sheffield: the judgement of the same area/);
    expect(d.total).toEqual({
      councils: t.councils,
      judged: t.judged,
      counts: LABELS.map((label, i) => ({ code: expect.any(String), label, count: t.counts[i] })),
      better,
      without: t.councils - t.judged,
    });
    const byType = Object.fromEntries(
      d.rows.map((r: { type: string; councils: number; judged: number; counts: { count: number }[] }) => [
        r.type,
        { councils: r.councils, judged: r.judged, counts: r.counts.map((c) => c.count) },
      ]),
    );
    expect(byType).toEqual(Object.fromEntries(expected));
    expect(d.rows.map((r: { name: string }) => r.name)).toContain('London borough');
    // Not "no change", and never counted as improved or worsened.
    expect(res.json().summary.overall).toMatchObject({ notComparable: 1, noChange: 0, improved: 0, worsened: 0 });
  });

  it('the CSV carries the same counts, the dates they span and that movement cannot be shown', async () => {
    const res = await app.inject('/api/v1/sector/direction-of-travel.csv?basket=judged');
    expect(res.statusCode).toBe(200);
    const row = (parse(res.body, { columns: true }) as Record<string, string>[])[0]!;
    const t = total();
    expect(row).toMatchObject({
      metric: OVERALL,
      classification: 'not-comparable',
      councils_compared: '0',
      better_half: 'Good or better',
      judged_councils: String(t.judged),
      judged_better_half: String(t.counts[0]! + t.counts[1]!),
      judgements_by_category: LABELS.map((l, i) => `${l} ${t.counts[i]}`).join('; '),
      judgements_published_from: dates[0],
      judgements_published_to: dates.at(-1),
    });
    const london = expected.get('E09')!;
    expect(row.judgements_by_council_type).toContain(
      `London borough: Good or better ${london.counts[0]! + london.counts[1]!} of ${london.judged}`,
    );
    expect(row.judgements_note).toMatch(
      /^each council's latest judgement, .*; movement cannot be shown: one judgement per council in the published file$/,
    );
  });

  it('the page shows the latest judgements by council type, labelled as such, and no movement table', async () => {
    const page = await app.inject('/sector?basket=judged');
    expect(page.statusCode).toBe(200);
    const t = total();
    const better = t.counts[0]! + t.counts[1]!;
    expect(page.body).toContain("overall effectiveness: each council's latest judgement</h2>");
    expect(page.body).toContain(
      `Good or better: ${better} of ${t.judged} councils (each council&#39;s latest judgement, published ${dates[0]!.slice(0, 4)} to ${dates.at(-1)!.slice(0, 4)})`,
    );
    expect(page.body).toContain('No earlier judgement held');
    expect(page.body).toContain('Movement cannot be shown: one judgement per council in the published file');
    expect(page.body).toContain('<strong class="govuk-tag govuk-tag--grey">Not comparable</strong>');
    expect(page.body).not.toContain('movement between judgements</h2>');
    expect(page.body).toMatch(
      new RegExp(
        `<th scope="row" class="govuk-table__header">All councils</th><td[^>]*>${t.councils}</td><td[^>]*>${t.judged}</td>${t.counts.map((n) => `<td[^>]*>${n}</td>`).join('')}<td[^>]*>${better} of ${t.judged}</td><td[^>]*>${t.councils - t.judged}</td>`,
      ),
    );
  });

  it('the downloadable report carries the same latest judgements by council type and no movement table', async () => {
    const res = await app.inject('/sector/report.html?basket=judged');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain("overall effectiveness: each council's latest judgement</h2>");
    expect(body).toContain('Movement cannot be shown: one judgement per council in the published file');
    expect(body).not.toContain('movement between judgements</h2>');
    const row = (name: string, e: { councils: number; judged: number; counts: number[] }) =>
      `<tr><th scope="row">${name}</th>${[e.councils, e.judged, ...e.counts, `${e.counts[0]! + e.counts[1]!} of ${e.judged}`, e.councils - e.judged].map((n) => `<td class="num">${n}</td>`).join('')}</tr>`;
    for (const [type, e] of expected) expect(body).toContain(row(TYPE_NAMES[type]!, e));
    expect(body).toContain(row('All councils', total()));
  });

  it("a re-coded council's judgement is its earlier code's, marked as the same area's", async () => {
    const r = (await app.inject('/api/v1/sector/direction-of-travel.json?basket=judged&area=E08000038')).json();
    const m = r.metrics[0];
    const barnsley = rows(ILACS).find((x) => x.la_code === '370')!;
    expect(m).toMatchObject({
      classification: 'not-comparable',
      latest: {
        period: `${iso(barnsley.publication_date!)}/P1D`,
        category: 'Good',
        source: 'predecessor',
        note: expect.stringMatching(/same area, code changed in 2025/),
      },
      reason: expect.stringMatching(/^movement cannot be shown: only one judgement held \(Good, /),
    });
  });
});
