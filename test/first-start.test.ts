/**
 * Data on first start, through the real `sli serve` in its own process: on an empty SQLite database the server answers
 * at once and loads the publishers' files it finds under SLI_SHARED_DATA in the background (a subset of the real files,
 * linked into a temporary directory), every page saying how far it has got, until Trafford can be found by search; a
 * load killed with its server resumes at the next start without loading anything twice; with no files, or with
 * SLI_AUTOLOAD=false, the empty pages say how to load data. On PostgreSQL nothing loads unless asked, and
 * `sli load --all DIR` loads what it finds (both dialects), skipping what is absent or already published.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testDialect, type TestDb } from './helpers/db.ts';
import { sharedFile } from './helpers/shared-data.ts';
import { createDb } from '../src/platform/db.ts';
import { entryName, SHARED_DATA } from '../src/modules/imports/index.ts';
import { runSli as sli, SLI } from './helpers/cli.ts';
import { PASSWORD } from './helpers/auth.ts';

/** The geography and one publisher's file, linked into a directory laid out as ../shared/data is. */
const SUBSET = [
  'geography/england_ltla_vintages_2019_2025.csv',
  'geography/ons_la_changes_2014_2025.csv',
  'geography/mysociety_uk_local_authorities.csv',
  'geography/ons_ltla14_lookup.csv',
  'performance/defra_household_recycling_rate_2015_2024.csv',
];

/** The geography and MHCLG's revenue budgets (about 120,000 observations: a load of a few seconds, in parts). */
const BUDGETS = [
  ...SUBSET.slice(0, 4),
  'finance/ra_budget_raw/RA_2021-22_data_by_LA.csv',
  'finance/ra_budget_raw/RA_2023-24_data_Part_1.csv',
];

function subsetDir(root: string, files = SUBSET, name = 'shared'): string {
  const dir = path.join(root, name);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    symlinkSync(sharedFile(f), path.join(dir, f));
  }
  return dir;
}

interface Served {
  base: string;
  child: ChildProcess;
  log: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `sli serve --port 0` in its own process; resolves once it listens (its address read from its log). */
function serve(env: Record<string, string>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLI, 'serve', '--port', '0'], {
      env: { ...process.env, SLI_LOG_LEVEL: 'info', SLI_COOKIE_SECURE: 'false', ...env },
    });
    let out = '';
    const stopped = new Promise<void>((r) => child.once('exit', () => r()));
    const timer = setTimeout(() => reject(new Error(`sli serve did not listen:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          base: m[1]!,
          child,
          log: () => out,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null) child.kill(signal);
            await stopped;
          },
        });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`sli serve ended (${code}):\n${out}`)));
  });
}

interface LoadView {
  state: string;
  n: number;
  total: number;
  name: string | null;
}
const loadOf = async (s: Served) => ((await (await fetch(`${s.base}/readyz`)).json()) as { load: LoadView }).load;
const page = async (s: Served, p: string) => (await fetch(`${s.base}${p}`)).text();

/** Polls until `ok` holds, for at most `ms`. */
async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** "n/N name": where an entry of the shared-data list is, as `sli load --all` numbers it. */
const N = SHARED_DATA.length;
const at = (name: string) => `${SHARED_DATA.findIndex((e) => entryName(e) === name) + 1}/${N} ${name}`;

/** One sign-in through the form, as a browser makes it (GET for the CSRF cookie and token, then POST): its status. */
async function signInOnce(base: string, email: string): Promise<number> {
  const form = await fetch(`${base}/sign-in`);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: token, next: '/account' }).toString(),
  });
  return res.status;
}

/** Every observation belongs to a published import, and each published import holds the rows it counted. */
async function wholeImports(url: string): Promise<{ adapter: string; state: string }[]> {
  const db = createDb(url);
  try {
    const imports = await db.kysely
      .selectFrom('imports')
      .select(['id', 'adapter', 'state', 'inserted'])
      .orderBy('id')
      .execute();
    const held = await db.kysely
      .selectFrom('observations')
      .select(['import_id', (e) => e.fn.countAll().as('n')])
      .groupBy('import_id')
      .execute();
    const byImport = new Map(held.map((h) => [Number(h.import_id), Number(h.n)]));
    for (const [id, n] of byImport)
      expect(
        imports.find((i) => i.id === id && i.state === 'published'),
        `rows of import ${id}`,
      ).toMatchObject({ inserted: n });
    return imports.map((i) => ({ adapter: i.adapter, state: i.state }));
  } finally {
    await db.close();
  }
}

const TRAFFORD = 'href="/areas/E08000009"';
const HOW_TO_LOAD = 'No data has been loaded yet';

describe.runIf(testDialect() === 'sqlite')('first start of an empty SQLite database', () => {
  let root: string;
  let shared: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sli-first-start-'));
    shared = subsetDir(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers at once, shows how far the load has got on every page and in /readyz, until Trafford is found', async () => {
    const file = path.join(root, 'fresh.sqlite');
    const s = await serve({ SLI_DATABASE_URL: `sqlite:${file}`, SLI_SHARED_DATA: shared });
    try {
      const first = await loadOf(s);
      expect(first.state).toBe('loading');
      const home = await page(s, '/');
      expect(home).toContain('Loading data');
      const found = await until(
        'Trafford by search',
        () => page(s, '/?q=Trafford'),
        (h) => h.includes(TRAFFORD),
      );
      expect(found).toContain('Trafford');
      const done = await until(
        'the load to end',
        () => loadOf(s),
        (l) => l.state !== 'loading',
      );
      expect(done).toMatchObject({ state: 'done', total: N });
      expect(existsSync(`${file}.first-load`)).toBe(false);
      expect(await page(s, '/')).not.toContain('Loading data');
      expect(await page(s, '/metrics/defra.household-recycling-rate')).toContain('Trafford');
    } finally {
      await s.stop();
    }
  });

  it('a load killed with its server leaves nothing half-written and resumes at the next start', async () => {
    const file = path.join(root, 'killed.sqlite');
    const env = { SLI_DATABASE_URL: `sqlite:${file}`, SLI_SHARED_DATA: shared };
    const s = await serve(env);
    await until(
      'the load to start',
      () => loadOf(s),
      (l) => l.n >= 1,
    );
    await s.stop('SIGKILL');
    expect(existsSync(`${file}.first-load`)).toBe(true);
    const again = await serve(env);
    try {
      expect((await loadOf(again)).state).toBe('loading');
      await until(
        'the resumed load to end',
        () => loadOf(again),
        (l) => l.state !== 'loading',
      );
      expect(await page(again, '/?q=Trafford')).toContain(TRAFFORD);
    } finally {
      await again.stop();
    }
    const db = createDb(`sqlite:${file}`);
    try {
      const imports = await db.kysely.selectFrom('imports').select(['adapter', 'state']).orderBy('id').execute();
      expect(imports).toEqual([
        { adapter: 'areas-vintages', state: 'published' },
        { adapter: 'defra-recycling', state: 'published' },
      ]);
    } finally {
      await db.close();
    }
  });

  it('a sign-in while an import loads waits for a part of it, not the whole import, and succeeds', async () => {
    const budgets = subsetDir(root, BUDGETS, 'budgets');
    const url = `sqlite:${path.join(root, 'sign-in.sqlite')}`;
    const email = 'reader@example.org';
    const add = await sli(null, ['users', 'add', '--email', email, '--name', 'A Reader', '--role', 'analyst'], {
      env: { SLI_DATABASE_URL: url, SLI_NEW_PASSWORD: PASSWORD },
    });
    expect(add.status, add.stderr).toBe(0);
    const s = await serve({ SLI_DATABASE_URL: url, SLI_SHARED_DATA: budgets });
    try {
      await until(
        'the budgets to be loading',
        () => loadOf(s),
        (l) => l.name === 'mhclg-revenue-budget' || l.state !== 'loading',
      );
      let during = 0;
      for (let l = await loadOf(s); l.state === 'loading'; l = await loadOf(s)) {
        expect(await signInOnce(s.base, email)).toBe(303);
        if (l.name === 'mhclg-revenue-budget') during++;
      }
      expect(during).toBeGreaterThan(0);
      expect((await loadOf(s)).state).toBe('done');
    } finally {
      await s.stop();
    }
  });

  it('with no files found, the empty pages say how to load data', async () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    const s = await serve({ SLI_DATABASE_URL: `sqlite:${path.join(root, 'nothing.sqlite')}`, SLI_SHARED_DATA: empty });
    try {
      expect((await loadOf(s)).state).toBe('idle');
      for (const p of ['/', '/?q=Trafford', '/compare', '/sector']) {
        const html = await page(s, p);
        expect(html, p).toContain(HOW_TO_LOAD);
        expect(html, p).toContain('npm run load-shared-data');
        expect(html, p).toContain(`npx sli load --all ${empty}`);
      }
    } finally {
      await s.stop();
    }
  });

  it('SLI_AUTOLOAD=false loads nothing', async () => {
    const file = path.join(root, 'off.sqlite');
    const s = await serve({ SLI_DATABASE_URL: `sqlite:${file}`, SLI_SHARED_DATA: shared, SLI_AUTOLOAD: 'false' });
    try {
      expect((await loadOf(s)).state).toBe('idle');
      expect(await page(s, '/')).toContain(HOW_TO_LOAD);
    } finally {
      await s.stop();
    }
    expect(existsSync(`${file}.first-load`)).toBe(false);
  });
});

describe('sli load --all', () => {
  let db: TestDb;
  let root: string;
  let shared: string;
  beforeAll(async () => {
    db = await createTestDb();
    root = mkdtempSync(path.join(os.tmpdir(), 'sli-load-all-'));
    shared = subsetDir(root);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it.runIf(testDialect() === 'postgres')('on PostgreSQL, sli serve loads nothing by itself', async () => {
    const s = await serve({ SLI_DATABASE_URL: db.url, SLI_SHARED_DATA: shared });
    try {
      expect((await loadOf(s)).state).toBe('idle');
      expect(await page(s, '/')).toContain(HOW_TO_LOAD);
    } finally {
      await s.stop();
    }
  });

  it('loads the files it finds, says which were absent, then skips what is already published', async () => {
    const r = await sli(db, ['load', '--all', shared]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${at('areas-vintages')}: loaded.`);
    expect(r.stdout).toContain(`${at('boundaries')}: skipped. files absent: ons_uk_la_boundaries_2014_2025.topo.json`);
    expect(r.stdout).toContain(`${at('defra-recycling')}: loaded.`);
    expect(r.stdout).toContain(`${at('neighbours-build')}: skipped. not every publisher's file above was loaded`);
    const again = await sli(db, ['load', '--all', shared]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${at('areas-vintages')}: already loaded.`);
    expect(again.stdout).toContain(`${at('defra-recycling')}: already loaded.`);
    const n = await db.kysely
      .selectFrom('imports')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
  });

  it('a load killed part-way through an import is undone at the next load, which loads it whole', async () => {
    const fresh = await createTestDb();
    try {
      const budgets = subsetDir(root, BUDGETS, 'budgets');
      const stop = new AbortController();
      const killed = sli(fresh, ['load', '--all', budgets], { kill: stop.signal });
      // SQLite: until a part of the budgets is committed; PostgreSQL (one transaction): a moment into them.
      await until(
        'the budgets to be under way',
        async () => {
          const imports = await fresh.kysely.selectFrom('imports').select(['adapter', 'state']).execute();
          const rows = await fresh.kysely
            .selectFrom('observations')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow();
          return { imports, rows: Number(rows.n) };
        },
        (v) =>
          fresh.dialect === 'sqlite'
            ? v.imports.some((i) => i.state === 'loading') && v.rows > 0
            : v.imports.some((i) => i.adapter === 'areas-vintages'),
      );
      if (fresh.dialect === 'postgres') await new Promise((r) => setTimeout(r, 500));
      stop.abort();
      expect((await killed).signal).toBe('SIGKILL');
      const r = await sli(fresh, ['load', '--all', budgets]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`${at('mhclg-revenue-budget')}: loaded.`);
      const imports = await wholeImports(fresh.url);
      expect(imports.filter((i) => i.state !== 'published')).toEqual([]);
      expect(imports.filter((i) => i.adapter === 'mhclg-revenue-budget')).toHaveLength(1);
    } finally {
      await fresh.drop();
    }
  });

  it('a directory with none of the files is an error saying so', async () => {
    const r = await sli(db, ['load', '--all', mkdtempSync(path.join(root, 'none-'))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("No publisher's file of the list was found");
  });
});
