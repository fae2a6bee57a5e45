import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, PEER_MANAGER_EMAIL, peerWriter } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';
import { DOCUMENT_MAX_BYTES } from './files.ts';

const BASE = '/api/v1/peer-challenge';

/** A small but real PDF (one empty page), and the start of a .docx (a zip). SYNTHETIC content. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const DOCX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);

/**
 * Documents as links or uploaded files, stored in the database (bytea / blob) on both dialects: checked kind, size and
 * first bytes, served with their content type as an attachment, under the document's access rules. The engagement
 * and the files are SYNTHETIC; the councils are the real geography.
 */
describe('peer challenge documents: links and uploaded files', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed; // Trafford's council user
  let other: Signed; // Manchester's
  let manager: Signed;
  let peerUser: Signed;
  let id: number;
  const files = async () => ({
    documents: (await db.kysely.selectFrom('peer_documents').select('id').execute()).length,
    files: (await db.kysely.selectFrom('peer_document_files').select('document_id').execute()).length,
  });

  const post = (who: Signed, url: string, payload: object) => peerWriter(app)(who, url, payload);
  const get = (who: Signed | null, url: string, headers: Record<string, string> = {}) =>
    app.inject({ url, headers: { ...headers, ...(who ? { cookie: who.cookie } : {}) } });
  /** The page's document form, posted as a browser does (multipart/form-data). */
  const form = (who: Signed, fields: Record<string, string>, file?: { name: string; type: string; data: Buffer }) => {
    const b = '----peer-documents-test';
    const parts = Object.entries({ _csrf: who.csrf, ...fields }).map(
      ([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    );
    const body = Buffer.concat([
      Buffer.from(parts.join('')),
      ...(file
        ? [
            Buffer.from(
              `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
            ),
            file.data,
            Buffer.from('\r\n'),
          ]
        : []),
      Buffer.from(`--${b}--\r\n`),
    ]);
    return app.inject({
      method: 'POST',
      url: `/peer-challenge/engagements/${id}/documents`,
      headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${b}` },
      payload: body,
    });
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    ({ owner, other } = await signInEveryRole(db, app));
    await addPeerManager(db, PASSWORD);
    await servicesFor(db).accounts.addUser({
      email: 'peer@example.org',
      name: 'P',
      password: PASSWORD,
      role: 'analyst',
    });
    manager = await signIn(app, PEER_MANAGER_EMAIL, PASSWORD);
    peerUser = await signIn(app, 'peer@example.org', PASSWORD);
    id = (
      await post(manager, '/engagements', { council: 'E08000009', kind: 'corporate', requestedOn: '2024-01-10' })
    ).json().id;
    const peer = await post(manager, '/peers', {
      name: 'Lead Chief',
      role: 'chief-executive',
      homeCouncil: 'E06000001',
      userEmail: 'peer@example.org',
    });
    expect(
      (
        await post(manager, `/engagements/${id}/team`, {
          peerId: peer.json().id,
          teamRole: 'officer-peer',
          daysCommitted: 4,
        })
      ).statusCode,
    ).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  let report: number;
  let statement: number;

  it('POST /engagements/:id/documents takes a link or a file (base64), never both or neither', async () => {
    let r = await post(manager, `/engagements/${id}/documents`, {
      kind: 'report',
      title: 'Corporate peer challenge report',
      file: { name: 'report.pdf', content: PDF.toString('base64') },
      publishedAt: '2024-05-20',
      public: true,
    });
    expect(r.statusCode, r.body).toBe(201);
    report = r.json().id;
    r = await post(manager, `/engagements/${id}/documents`, {
      kind: 'report',
      title: 'Both',
      url: 'https://example.org/report',
      file: { name: 'report.pdf', content: PDF.toString('base64') },
      public: false,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([
      expect.objectContaining({ field: 'file', message: 'give a link or a file, not both' }),
    ]);
    r = await post(manager, `/engagements/${id}/documents`, { kind: 'report', title: 'Neither', public: false });
    expect(r.json().errors[0]).toMatchObject({ field: 'url' });
    r = await post(manager, `/engagements/${id}/documents`, {
      kind: 'report',
      title: 'Not base64',
      file: { name: 'report.pdf', content: '%%%not base64%%%' },
      public: false,
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ field: 'file.content' });
    expect(await files()).toEqual({ documents: 1, files: 1 });
  });

  it('a file of the wrong kind, one whose bytes are not what its name says, an empty or too large one is refused', async () => {
    const refuse = async (name: string, data: Buffer, message: RegExp) => {
      const r = await post(manager, `/engagements/${id}/documents`, {
        kind: 'action-plan',
        title: 'Action plan',
        file: { name, content: data.toString('base64') },
        public: false,
      });
      expect(r.statusCode, name).toBe(400);
      expect(r.json().errors[0], name).toMatchObject({ field: 'file' });
      expect(r.json().errors[0].message, name).toMatch(message);
    };
    await refuse('plan.html', Buffer.from('<script>alert(1)</script>'), /must be one of these kinds of file: \.pdf/);
    await refuse('plan.exe', Buffer.from('MZ'), /must be one of these kinds/);
    await refuse('plan.pdf', Buffer.from('<html>not a pdf</html>'), /is named \.pdf but is not a PDF file/);
    await refuse('plan.docx', PDF, /is named \.docx but is not a Word file/);
    await refuse('plan.pdf', Buffer.alloc(0), /is empty/);
    // Over the limit: the API's schema refuses the body's text; the page names the file's size and the limit.
    const big = Buffer.concat([PDF, Buffer.alloc(DOCUMENT_MAX_BYTES, 32)]);
    const r = await post(manager, `/engagements/${id}/documents`, {
      kind: 'report',
      title: 'Too big',
      file: { name: 'big.pdf', content: big.toString('base64') },
      public: false,
    });
    expect(r.statusCode).toBe(400);
    const page = await form(
      manager,
      { kind: 'report', title: 'Too big', public: 'no' },
      {
        name: 'big.pdf',
        type: 'application/pdf',
        data: big,
      },
    );
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('href="#documents-file"');
    expect(page.body).toMatch(/the file is 10\.0 MB; a document file may be at most 10 MB/);
    expect(await files()).toEqual({ documents: 1, files: 1 });
  });

  it('the page uploads a private file (multipart); the browser’s content type is not believed', async () => {
    const r = await form(
      manager,
      { kind: 'position-statement', title: 'Position statement', public: 'no' },
      {
        name: 'C:\\Users\\me\\position statement.docx',
        type: 'text/html',
        data: DOCX,
      },
    );
    expect(r.statusCode, r.body).toBe(303);
    expect(r.headers.location).toBe(`/peer-challenge/engagements/${id}#documents`);
    const v = (await get(manager, `${BASE}/engagements/${id}`)).json();
    const d = v.documents.find((x: { title: string }) => x.title === 'Position statement');
    statement = d.id;
    expect(d).toMatchObject({
      public: false,
      url: `${BASE}/engagements/${id}/documents/${statement}/file`,
      file: {
        name: 'position statement.docx',
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        size: DOCX.length,
      },
    });
    expect(v.documents.find((x: { id: number }) => x.id === report).file).toMatchObject({
      name: 'report.pdf',
      contentType: 'application/pdf',
    });
    const page = await get(manager, `/peer-challenge/engagements/${id}`);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('position statement.docx, 1 KB');
    // A link still works through the same form.
    const link = await form(manager, {
      kind: 'action-plan',
      title: 'Action plan (link)',
      url: 'https://example.org/plan',
      publishedAt: '2024-06-01',
      public: 'yes',
    });
    expect(link.statusCode).toBe(303);
    expect(await files()).toEqual({ documents: 3, files: 2 });
  });

  it('files are served with their content type as attachments, to whoever may see the document', async () => {
    const pdf = `${BASE}/engagements/${id}/documents/${report}/file`;
    const docx = `${BASE}/engagements/${id}/documents/${statement}/file`;
    // A draft: the council, the team and managers; nobody else (not even the public document).
    for (const who of [manager, owner, peerUser]) {
      const r = await get(who, pdf);
      expect(r.statusCode).toBe(200);
      expect(r.headers['cache-control']).toBe('private, no-store');
      expect((await get(who, docx)).statusCode).toBe(200);
    }
    for (const who of [null, other]) {
      expect((await get(who, pdf)).statusCode).toBe(404);
      expect((await get(who, docx)).statusCode).toBe(404);
    }
    // Another engagement's address, or a document that is a link, is a 404.
    expect((await get(manager, `${BASE}/engagements/${id + 1}/documents/${report}/file`)).statusCode).toBe(404);
    expect((await get(manager, `${BASE}/engagements/${id}/documents/${statement + 1}/file`)).statusCode).toBe(404);

    for (const [state, date, extra] of [
      ['scoping', '2024-01-20', {}],
      ['scheduled', '2024-02-01', { onsiteStart: '2024-03-12', onsiteEnd: '2024-03-15' }],
      ['position-statement-received', '2024-02-20', {}],
      ['on-site', '2024-03-12', {}],
      ['feedback-presented', '2024-03-15', {}],
      ['draft-report', '2024-04-10', {}],
      ['factual-accuracy-check', '2024-04-20', {}],
      ['report-published', '2024-05-20', {}],
    ] as const)
      expect((await post(manager, `/engagements/${id}/steps`, { state, date, ...extra })).statusCode).toBe(201);

    const r = await get(null, pdf);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('public, max-age=3600');
    expect(r.rawPayload.equals(PDF)).toBe(true);
    const again = await get(null, pdf, { 'if-none-match': String(r.headers.etag) });
    expect(again.statusCode).toBe(304);
    // The private file stays private once the engagement is published.
    expect((await get(null, docx)).statusCode).toBe(404);
    expect((await get(other, docx)).statusCode).toBe(404);
    const d = await get(owner, docx);
    expect(d.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(d.rawPayload.equals(DOCX)).toBe(true);
    const council = await get(null, '/peer-challenge/councils/E08000009');
    expect(council.body).toContain(`href="${pdf}"`);
    expect(council.body).toContain('(PDF, 1 KB, published 2024-05-20)');
    expect(council.body).not.toContain('Position statement');
    const pub = (await get(null, `${BASE}/engagements/${id}`)).json();
    expect(pub.documents.map((x: { title: string }) => x.title)).toEqual([
      'Corporate peer challenge report',
      'Action plan (link)',
    ]);
  });

  it('only managers and administrators add documents', async () => {
    const body = { kind: 'report', title: 'X', url: 'https://example.org/x', public: false };
    expect((await post(owner, `/engagements/${id}/documents`, body)).statusCode).toBe(403);
    expect((await post(peerUser, `/engagements/${id}/documents`, body)).statusCode).toBe(403);
    expect(
      (
        await form(
          owner,
          { kind: 'report', title: 'X', public: 'no' },
          { name: 'x.pdf', type: 'application/pdf', data: PDF },
        )
      ).statusCode,
    ).toBe(403);
    expect(await files()).toEqual({ documents: 3, files: 2 });
  });
});
