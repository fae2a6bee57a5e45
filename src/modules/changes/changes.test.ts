import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, testMetric, type FixtureRow } from '../../../test/helpers/fixtures.ts';
import { childrenNamed, parseXml, type XmlElement } from '../../../test/helpers/xml.ts';
import type { App } from '../../platform/app-types.ts';
import { runImport, withdrawObservations } from '../imports/index.ts';

const AREAS = 1000;
const YEARS = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019];
const areaCode = (i: number) => `E069${String(i).padStart(5, '0')}`;
/** A title that must be escaped in XML and HTML. */
const TITLE = 'Recycling & reuse <rate> "per household"';
const metric = testMetric('t.big', { title: TITLE });
const other = testMetric('t.other', { title: 'Another measure' });
/** Every council and year of the big metric: 10,000 observations (percentages, so from 0 to 100). */
const base = (area: number, year: number) => (area % 90) + (year - 2010) / 10;
const rows = (value: (area: number, year: number) => number): FixtureRow[] =>
  YEARS.flatMap((y) => Array.from({ length: AREAS }, (_, i): FixtureRow => ['t.big', areaCode(i), y, value(i, y)]));

interface Entry {
  position: string;
  kind: string;
  at: string;
  summary: string;
  observation?: { action: string; area: string; period: string; previous: { value: number | null } };
}
interface Feed {
  entries: Entry[];
  next: string;
  more: boolean;
}

describe('change feed', () => {
  let db: TestDb;
  let app: App;
  /** All four imports of this file are published at one time: every entry shares one timestamp. */
  const now = new Date('2026-12-01T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDb();
    const areas = Array.from({ length: AREAS }, (_, i) => ({
      code: areaCode(i),
      name: `Council ${i}`,
      type: 'E06',
      valid_from: null,
      valid_to: null,
      source: 'test',
      updated_at: now.toISOString(),
    }));
    for (let i = 0; i < areas.length; i += 100) {
      await db.kysely
        .insertInto('areas')
        .values(areas.slice(i, i + 100))
        .execute();
    }
    const first = await runImport(db, {
      adapter: fixtureAdapter([metric, other], [...rows(base), ['t.other', areaCode(0), 2019, 5]]),
      files: [],
      publish: true,
      now,
    });
    expect(first.observations.inserted).toBe(10_001);
    // A publication of 10,000 changes: every figure of the big metric revised.
    const second = await runImport(db, {
      adapter: fixtureAdapter(
        [metric],
        rows((a, y) => base(a, y) + 1),
      ),
      files: [],
      publish: true,
      now,
    });
    expect(second.observations.updated).toBe(10_000);
    app = await createTestApp(db, { SLI_PUBLIC_URL: 'https://feeds.example.org' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const get = async (url: string) => {
    const res = await app.inject(url);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return { body: res.json<Feed>(), link: String(res.headers.link ?? '') };
  };
  const feedPositions = async () =>
    (await db.kysely.selectFrom('feed_entries').select('id').orderBy('id').execute()).map((r) => r.id);

  /** Follows the feed from a cursor (or its start) by the Link header until no more entries follow. */
  async function walk(from: string | undefined, limit: number, pages = Infinity) {
    const entries: Entry[] = [];
    let url = `/api/v1/changes?limit=${limit}${from ? `&cursor=${from}` : ''}`;
    let next = from ?? '';
    for (let page = 0; page < pages; page++) {
      const { body, link } = await get(url);
      entries.push(...body.entries);
      next = body.next;
      const m = /^<([^>]+)>; rel="next"$/.exec(link);
      expect(m, link).not.toBeNull();
      url = m![1]!;
      expect(url).toBe(`/api/v1/changes?cursor=${body.next}&limit=${limit}`);
      if (!body.more) break;
    }
    return { entries, next };
  }

  it('paging walks every entry of a 10,000-change publication exactly once, splitting runs of one timestamp', async () => {
    for (const limit of [997, 4096]) {
      const { entries } = await walk(undefined, limit);
      const positions = entries.map((e) => e.position);
      expect(new Set(positions).size).toBe(positions.length);
      expect(positions.length).toBe((await feedPositions()).length);
      expect(new Set(entries.map((e) => e.at))).toEqual(new Set([now.toISOString()]));
      const revised = entries.filter((e) => e.observation?.action === 'revised');
      expect(revised).toHaveLength(10_000);
      const keys = new Set(revised.map((e) => `${e.observation!.area} ${e.observation!.period}`));
      expect(keys.size).toBe(10_000);
      // In publication order: the first import's entries, then the second's 10,000 revisions, its counts, its line.
      expect(entries.map((e) => e.kind).slice(0, 5)).toEqual([
        'catalogue',
        'catalogue',
        'publication',
        'publication',
        'catalogue',
      ]);
      expect(entries.at(-1)!.summary).toBe('Import #2 (fixture) was published on 1 December 2026.');
    }
  });

  it('a cursor taken before new entries arrive continues without a skip; polling the last `next` gives only what is new', async () => {
    const before = await walk(undefined, 997, 3);
    expect(before.entries).toHaveLength(2991);
    // 1,500 more revisions published at the very same time (a partial file: the rest kept as they are).
    const third = await runImport(db, {
      adapter: fixtureAdapter([metric], rows((a, y) => base(a, y) + 2).slice(0, 1500)),
      files: [],
      publish: true,
      keepMissing: true,
      now,
    });
    expect(third.observations.updated).toBe(1500);
    const after = await walk(before.next, 997);
    const all = [...before.entries, ...after.entries];
    expect(all.map((e) => e.position)).toEqual(
      (await feedPositions()).map((id) => Buffer.from(`p${id}`).toString('base64url')),
    );
    expect(all.filter((e) => e.observation)).toHaveLength(11_500);

    // Nothing new: the last `next` answers no entries and itself again.
    const idle = await get(`/api/v1/changes?cursor=${after.next}`);
    expect(idle.body).toEqual({ entries: [], next: after.next, more: false });
    const withdrawn = await withdrawObservations(db, {
      metric: 't.big',
      area: areaCode(7),
      reason: 'The council found a counting error',
      now,
    });
    expect(withdrawn.withdrawn).toBe(10);
    const fresh = await get(`/api/v1/changes?cursor=${after.next}`);
    expect(fresh.body.entries.map((e) => e.kind)).toEqual([
      ...Array(10).fill('observation'),
      'catalogue', // the withdrawal's own line (a withdrawal publishes no figures, so no publication entry)
    ]);
    expect(fresh.body.entries[0]!.summary).toBe(
      `Council 7's 2010/11 figure for recycling & reuse <rate> "per household" was withdrawn on 1 December 2026 (was 9.0%; import #4: The council found a counting error).`,
    );
  });

  it('GET /api/v1/changes answers from the start without parameters, starts at `since`, and refuses bad cursors', async () => {
    const { body } = await get('/api/v1/changes?limit=2');
    expect(body.entries.map((e) => e.summary)).toEqual([
      `A new measure, “${TITLE}” (t.big), was added on 1 December 2026 (import #1).`,
      'A new measure, “Another measure” (t.other), was added on 1 December 2026 (import #1).',
    ]);
    expect(body.more).toBe(true);
    expect((await get('/api/v1/changes?since=2026-12-01&limit=1')).body.entries[0]!.position).toBe(
      body.entries[0]!.position,
    );
    // Nothing published since: no entries, and a cursor at the end that picks up whatever is published next.
    const later = await get('/api/v1/changes?since=2027-01-01');
    expect(later.body.entries).toEqual([]);
    expect(later.body.next).toBe(Buffer.from(`p${(await feedPositions()).at(-1)}`).toString('base64url'));
    const other = await get('/api/v1/changes?metric=t.other');
    expect(other.body.entries.map((e) => e.kind)).toEqual(['catalogue', 'publication']);
    for (const bad of ['cursor=nonsense', `cursor=${body.next}&since=2026-01-01`, 'since=2026-13-01', 'limit=0']) {
      const res = await app.inject(`/api/v1/changes?${bad}`);
      expect(res.statusCode, bad).toBe(400);
    }
    expect((await app.inject('/api/v1/changes?metric=t.nope')).statusCode).toBe(404);
  });

  const text = (el: XmlElement, name: string) => childrenNamed(el, name)[0]?.text;
  const links = (el: XmlElement) =>
    Object.fromEntries(childrenNamed(el, 'link').map((l) => [l.attrs.rel, l.attrs.href]));

  it('GET /api/v1/changes.atom is Atom 1.0: the newest 100 entries, escaped, paged back by rel="next"', async () => {
    // Links come from the service's public origin (SLI_PUBLIC_URL), never from a request's Host header.
    const res = await app.inject({ url: '/api/v1/changes.atom', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(res.body);
    expect(feed.name).toBe('feed');
    expect(feed.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(text(feed, 'id')).toBe('https://feeds.example.org/api/v1/changes.atom');
    expect(text(feed, 'title')).toBe('Council performance: changes');
    expect(text(feed, 'updated')).toBe(now.toISOString());
    const entries = childrenNamed(feed, 'entry');
    expect(entries).toHaveLength(100);
    for (const e of entries) {
      for (const name of ['id', 'title', 'updated', 'summary']) expect(text(e, name), name).toBeTruthy();
    }
    expect(new Set(entries.map((e) => text(e, 'id'))).size).toBe(100);
    // Newest first: the withdrawal's line, then its deletions.
    expect(text(entries[0]!, 'summary')).toBe(
      'Import #4 withdrew 10 observations on 1 December 2026: The council found a counting error.',
    );
    expect(text(entries[1]!, 'title')).toBe(`Withdrawn: Council 7, 2019/20, ${TITLE}`);
    const feedLinks = links(feed);
    expect(feedLinks.self).toBe('https://feeds.example.org/api/v1/changes.atom');
    expect(feedLinks.next).toMatch(/^https:\/\/feeds\.example\.org\/api\/v1\/changes\.atom\?before=[A-Za-z0-9_-]+$/);
    const older = parseXml(
      (await app.inject(new URL(feedLinks.next!).pathname + new URL(feedLinks.next!).search)).body,
    );
    const olderIds = childrenNamed(older, 'entry').map((e) => text(e, 'id'));
    expect(olderIds).toHaveLength(100);
    expect(olderIds.filter((id) => entries.some((e) => text(e, 'id') === id))).toEqual([]);
  });

  it("GET /api/v1/metrics/{id}/changes.atom holds one metric's entries; an unknown metric is a 404", async () => {
    const res = await app.inject('/api/v1/metrics/t.other/changes.atom');
    expect(res.statusCode).toBe(200);
    const feed = parseXml(res.body);
    expect(text(feed, 'title')).toBe('Council performance: changes to Another measure');
    expect(childrenNamed(feed, 'entry').map((e) => text(e, 'title'))).toEqual([
      'Published: Another measure',
      'New measure: Another measure',
    ]);
    expect(links(feed).next).toBeUndefined();
    expect((await app.inject('/api/v1/metrics/t.nope/changes.atom')).statusCode).toBe(404);
  });

  it('GET /changes lists the latest changes in plain English, newest first, with older and newer pages', async () => {
    const res = await app.inject('/changes');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1 class="govuk-heading-xl">Recent changes</h1>');
    expect(html).toContain(
      'Import #4 withdrew 10 observations on 1 December 2026: The council found a counting error.',
    );
    expect(html).toContain(
      'Council 7&#39;s 2019/20 figure for recycling &amp; reuse &lt;rate&gt; &quot;per household&quot; was withdrawn',
    );
    expect(html).toContain('href="/api/v1/changes.atom"');
    expect(html).toContain('href="/changes"'); // the footer link
    const older = /href="(\/changes\?before=[A-Za-z0-9_-]+)"/.exec(html)?.[1];
    expect(older).toBeDefined();
    const page2 = await app.inject(older!);
    expect(page2.statusCode).toBe(200);
    expect(page2.body).toMatch(/href="\/changes\?after=[A-Za-z0-9_-]+"/);
    expect(page2.body).not.toContain('withdrew 10 observations');
    expect((await app.inject('/changes?before=!!')).statusCode).toBe(400);
    const end = Buffer.from(`p${(await feedPositions()).at(-1)}`).toString('base64url');
    expect((await app.inject(`/changes?after=${end}`)).body).toContain('There are no changes here.');
  });
});
