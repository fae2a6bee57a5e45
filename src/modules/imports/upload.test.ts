/**
 * The analysts' upload pages, route × role, on a real app and database: /imports/upload (GET, POST multipart),
 * /imports/{id}/publish and /imports/{id}/discard. Visitors are sent to sign in, council users refused, a form without
 * its CSRF token refused; an upload is checked and held as a draft (the report names file:line), previewed (new,
 * changed, withdrawn), published or discarded; an upload over SLI_UPLOAD_MAX_MB is refused saying so, whether or not
 * it says its length (streamed to a temporary file, never held whole); no temporary file is left behind, whether the
 * upload succeeds, is refused or is abandoned by its client.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../platform/app-types.ts';
import { createTestApp } from '../../../test/helpers/app.ts';
import { signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { fixtureAdapter, seedFixtureAreas, testMetric } from '../../../test/helpers/fixtures.ts';
import { runImport } from './index.ts';

const HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';

/** A multipart/form-data body as a browser sends it: the fields and the files (name, content). */
async function multipart(fields: Record<string, string>, files: [string, string][]) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [name, content] of files) form.append('files', new Blob([content], { type: 'text/csv' }), name);
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

describe('analysts upload a file, preview the draft, publish or discard it', () => {
  let db: TestDb;
  let app: App;
  let users: { owner: Signed; other: Signed; analyst: Signed; admin: Signed };
  // The uploads' temporary files go here (os.tmpdir() reads TMPDIR), so that the test sees them all and only them.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'upload-test-'));
  const before = process.env.TMPDIR;
  const leftovers = () => readdirSync(tmp, { recursive: true });

  beforeAll(async () => {
    db = await createTestDb();
    process.env.TMPDIR = tmp;
    await seedFixtureAreas(db);
    await runImport(db, {
      adapter: fixtureAdapter([testMetric('t.bins', { title: 'Missed bins' })], [['t.bins', 'E06000001', 2022, 1]]),
      files: [],
      publish: true,
    });
    app = await createTestApp(db, { SLI_UPLOAD_MAX_MB: '1' });
    users = await signInEveryRole(db, app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(tmp, { recursive: true, force: true });
  });

  const upload = async (who: Signed | undefined, csv: [string, string][], csrf = who?.csrf) => {
    const body = await multipart({ ...(csrf ? { _csrf: csrf } : {}), importer: 'long-csv' }, csv);
    return app.inject({
      method: 'POST',
      url: '/imports/upload',
      headers: {
        'content-type': body.contentType,
        accept: 'text/html',
        ...(who ? { cookie: who.cookie } : {}),
      },
      payload: body.payload,
    });
  };
  const form = (who: Signed | undefined, url: string, fields: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        ...(who ? { cookie: who.cookie } : {}),
      },
      payload: new URLSearchParams({ ...(who ? { _csrf: who.csrf } : {}), ...fields }).toString(),
    });
  const good = (value: string): [string, string][] => [
    ['bins.csv', `${HEADER}\nt.bins,E06000001,2022-04-01/P1Y,${value},,,,,\nt.bins,E08000009,2022-04-01/P1Y,7,,,,,\n`],
  ];

  it('GET /imports/upload sends visitors to sign in, refuses council users and lists the importers to analysts and admins', async () => {
    const visitor = await app.inject({ url: '/imports/upload', headers: { accept: 'text/html' } });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Fimports%2Fupload');
    const council = await app.inject({ url: '/imports/upload', headers: { cookie: users.owner.cookie } });
    expect(council.statusCode).toBe(403);
    for (const who of [users.analyst, users.admin]) {
      const res = await app.inject({ url: '/imports/upload', headers: { cookie: who.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('value="long-csv"');
      expect(res.body).toContain('value="areas-vintages"');
      expect(res.body).toContain('enctype="multipart/form-data"');
      expect(res.body).toContain(`name="_csrf" value="${who.csrf}"`);
    }
  });

  it('POST /imports/upload refuses visitors, council users and a form without its CSRF token, writing nothing', async () => {
    expect((await upload(undefined, good('2'))).statusCode).toBe(303);
    expect((await upload(users.owner, good('2'))).statusCode).toBe(403);
    expect((await upload(users.analyst, good('2'), 'not-the-token')).statusCode).toBe(403);
    const list = await app.inject({ url: '/api/v1/imports', headers: { cookie: users.analyst.cookie } });
    expect((list.json() as { imports: unknown[] }).imports).toHaveLength(1);
  });

  it('a bad line is reported with its file and line; nothing is written', async () => {
    const res = await upload(users.analyst, [
      ['mine.csv', `${HEADER}\nt.bins,E06000001,2022-04-01/P1Y,2,,,,,\nt.bins,E06000001,2022-04-01/P1Y,lots,,,,,\n`],
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<code>mine.csv:3</code>');
    expect(res.body).toContain('value “lots”');
    expect(res.body).not.toContain('sli-upload-');
    const list = await app.inject({ url: '/api/v1/imports', headers: { cookie: users.analyst.cookie } });
    expect((list.json() as { imports: unknown[] }).imports).toHaveLength(1);
  });

  it('an upload with no file or an unknown importer says which field is wrong', async () => {
    const none = await upload(users.analyst, []);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#files"');
    const body = await multipart({ _csrf: users.analyst.csrf, importer: 'nope' }, good('2'));
    const res = await app.inject({
      method: 'POST',
      url: '/imports/upload',
      headers: { 'content-type': body.contentType, cookie: users.analyst.cookie },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#importer"');
  });

  it('an upload over SLI_UPLOAD_MAX_MB is refused with its size and the limit', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    const res = await upload(users.analyst, [['big.csv', big]]);
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('up to 1 MB can be uploaded here (SLI_UPLOAD_MAX_MB)');
    expect(leftovers()).toEqual([]);
  });

  /**
   * POSTs an upload of `bytes` of CSV over a real connection, in chunks without a Content-Length (as a client
   * streaming a file does), calling `during` once half of it is sent: the response (or the error, if `during` ends it).
   */
  async function streamed(bytes: number, during?: (req: http.ClientRequest) => Promise<void>) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const boundary = '----sliStreamedUpload';
    const head = [
      ['_csrf', users.analyst.csrf],
      ['importer', 'long-csv'],
    ]
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('');
    const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n${HEADER}\n`;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/imports/upload',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
        accept: 'text/html',
        cookie: users.analyst.cookie,
      },
    });
    const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
        res.on('error', (e) => resolve({ error: e.message }));
      });
      req.on('error', (e) => resolve({ error: e.message }));
    });
    req.write(head + fileHead);
    const row = 't.bins,E06000001,2022-04-01/P1Y,1,,,,,\n';
    const chunk = row.repeat(Math.ceil(16_384 / row.length));
    let sent = 0;
    let answered = false;
    void answer.then(() => (answered = true));
    while (sent < bytes && !answered && !req.destroyed) {
      if (during && sent >= bytes / 2) {
        await during(req);
        during = undefined;
        continue;
      }
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      sent += chunk.length;
    }
    if (!answered && !req.destroyed) req.end(`\r\n--${boundary}--\r\n`);
    return answer;
  }
  const listening = async () => {
    if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  };
  /** Polls until no temporary file is left (the directory goes once the request is over). */
  const noneLeft = async () => {
    for (let i = 0; i < 100 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    return leftovers();
  };

  it('an upload that does not say its length is refused once it passes the limit, leaving no file behind', async () => {
    await listening();
    const res = await streamed(3 * 1024 * 1024);
    expect(res).toMatchObject({ status: 413 });
    expect('body' in res && res.body).toContain(
      'The upload is over 1 MB; files of up to 1 MB can be uploaded here (SLI_UPLOAD_MAX_MB).',
    );
    expect(await noneLeft()).toEqual([]);
  });

  it('an upload its client abandons half-way leaves no file behind', async () => {
    await listening();
    let seen: string[] = [];
    await streamed(900 * 1024, async (req) => {
      // Half sent: the file is being written to a temporary directory, then the client goes away.
      for (let i = 0; i < 100 && !leftovers().some((f) => String(f).includes('part-')); i++)
        await new Promise((r) => setTimeout(r, 20));
      seen = leftovers().map(String);
      req.destroy();
    });
    expect(seen.some((f) => /sli-upload-\w+\/part-1$/.test(f))).toBe(true);
    expect(await noneLeft()).toEqual([]);
  });

  it('a successful upload leaves no file behind', async () => {
    const res = await upload(users.analyst, good('9'));
    expect(res.statusCode).toBe(303);
    expect(await noneLeft()).toEqual([]);
    const id = Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
    expect((await form(users.analyst, `/imports/${id}/discard`)).statusCode).toBe(303);
  });

  it('a good upload becomes a draft: previewed (new, changed), published by an analyst, then public', async () => {
    const res = await upload(users.analyst, good('3'));
    expect(res.statusCode).toBe(303);
    const id = Number(/^\/imports\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const page = await app.inject({ url: `/imports/${id}`, headers: { cookie: users.analyst.cookie } });
    expect(page.body).toContain(`Draft import ${id}`);
    expect(page.body).toMatch(/New<\/dt><dd class="govuk-summary-list__value">1</);
    expect(page.body).toMatch(/Changed \(previous values kept\)<\/dt><dd class="govuk-summary-list__value">1</);
    expect(page.body).toContain(`action="/imports/${id}/publish"`);
    const api = await app.inject({ url: `/api/v1/imports/${id}`, headers: { cookie: users.analyst.cookie } });
    expect(api.json()).toMatchObject({ state: 'draft', withdrawn: 0, files: [{ name: 'bins.csv' }] });
    const data = '/api/v1/data.json?metric=t.bins&area=E08000009&period=latest';
    expect((await app.inject(data)).json()).toMatchObject({ observations: [] });

    expect((await form(users.owner, `/imports/${id}/publish`)).statusCode).toBe(403);
    expect((await form(undefined, `/imports/${id}/publish`)).statusCode).toBe(303);
    const published = await form(users.analyst, `/imports/${id}/publish`);
    expect(published.statusCode).toBe(303);
    expect(published.headers.location).toBe(`/imports/${id}`);
    const after = (await app.inject(data)).json() as { observations: { value: number }[] };
    expect(after.observations.map((d) => d.value)).toEqual([7]);
  });

  it('a draft holding fewer rows shows what publishing withdraws, and asks before withdrawing them', async () => {
    const res = await upload(users.admin, [['bins.csv', `${HEADER}\nt.bins,E06000001,2022-04-01/P1Y,4,,,,,\n`]]);
    const id = Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
    const page = await app.inject({ url: `/imports/${id}`, headers: { cookie: users.admin.cookie } });
    expect(page.body).toMatch(
      /Withdrawn \(published, no longer in this draft\)<\/dt><dd class="govuk-summary-list__value">1</,
    );
    const refused = await form(users.admin, `/imports/${id}/publish`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('no longer in it');
    expect((await form(users.admin, `/imports/${id}/publish`, { missing: 'withdraw' })).statusCode).toBe(303);
    const data = await app.inject('/api/v1/data.json?metric=t.bins&area=E08000009&period=latest');
    expect((data.json() as { observations: unknown[] }).observations).toEqual([]);
  });

  it('a draft can be discarded (analysts and admins only), and then not published', async () => {
    const res = await upload(users.analyst, good('5'));
    const id = Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
    expect((await form(users.other, `/imports/${id}/discard`)).statusCode).toBe(403);
    expect((await form(users.analyst, `/imports/${id}/discard`)).statusCode).toBe(303);
    const api = await app.inject({ url: `/api/v1/imports/${id}`, headers: { cookie: users.analyst.cookie } });
    expect(api.json()).toMatchObject({ state: 'discarded', withdrawn: null });
    const again = await form(users.analyst, `/imports/${id}/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('is discarded, not a draft');
  });
});
