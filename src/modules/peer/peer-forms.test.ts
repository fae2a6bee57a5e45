import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, ADMIN_ACTOR, PEER_MANAGER_EMAIL } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor } from '../../app/services.ts';
import type { App } from '../../platform/app-types.ts';

/**
 * The peer pool's page forms, on both dialects: a manager adds a peer by its home council's name and changes it; a
 * refused value is named at its field with nothing written; council users and the public are refused. Peers are
 * SYNTHETIC.
 */
describe('peer pool page forms', () => {
  let db: TestDb;
  let app: App;
  let manager: Signed;
  let council: Signed;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    await addPeerManager(db, PASSWORD);
    manager = await signIn(app, PEER_MANAGER_EMAIL, PASSWORD);
    council = (await signInEveryRole(db, app)).owner;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const post = (who: Signed | null, url: string, fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(who ? { cookie: who.cookie } : {}) },
      payload: new URLSearchParams({ ...fields, ...(who ? { _csrf: who.csrf } : {}) }).toString(),
    });
  const peers = () => servicesFor(db).peer.peers(ADMIN_ACTOR);
  const page = (who: Signed, url: string) => app.inject({ url, headers: { cookie: who.cookie } });

  it('a manager adds a peer by its home council’s name; it is in the pool, with a Change link', async () => {
    const pool = await page(manager, '/peer-challenge/pool');
    expect(pool.body).toContain('href="/peer-challenge/peers/new"');
    const form = await page(manager, '/peer-challenge/peers/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');
    expect(form.body).toContain('id="homeCouncil"');
    const res = await post(manager, '/peer-challenge/peers/new', {
      name: 'Ada SYNTHETIC',
      homeCouncil: 'Trafford',
      role: 'councillor',
      politicalGroup: 'Independent',
      skills: 'finance\nscrutiny',
      region: '',
      accreditation: 'Accredited member peer',
      accreditedAt: '2024-03-27',
      availability: 'Not in May',
      active: 'yes',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    expect(res.headers.location).toBe('/peer-challenge/pool#by-peer');
    const added = (await peers()).find((p) => p.name === 'Ada SYNTHETIC')!;
    expect(added).toMatchObject({
      homeCouncil: 'E08000009',
      role: 'councillor',
      politicalGroup: 'Independent',
      skills: ['finance', 'scrutiny'],
      region: 'E12000002',
      accreditation: 'Accredited member peer',
      accreditedAt: '2024-03-27',
      availability: 'Not in May',
      active: true,
    });
    const after = await page(manager, '/peer-challenge/pool');
    expect(after.body).toContain('Ada SYNTHETIC');
    expect(after.body).toContain(`href="/peer-challenge/peers/${added.id}/change"`);
  });

  it('an unknown council name, a bad role and a bad date are named at their fields, with nothing written', async () => {
    const before = (await peers()).length;
    const unknown = await post(manager, '/peer-challenge/peers/new', {
      name: 'Bea SYNTHETIC',
      homeCouncil: 'Nowhereshire',
      role: 'director',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('govuk-error-summary');
    expect(unknown.body).toContain('href="#homeCouncil"');
    expect(unknown.body).toMatch(/No council is called “Nowhereshire”/);
    expect(unknown.body).toContain('value="Bea SYNTHETIC"');
    const refused = await post(manager, '/peer-challenge/peers/new', {
      name: 'Bea SYNTHETIC',
      role: 'mayor',
      accreditedAt: '2024-02-30',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#role"');
    expect(refused.body).toContain('href="#accreditedAt"');
    expect(refused.body).toContain('id="accreditedAt-error"');
    expect((await peers()).length).toBe(before);
  });

  it('a manager changes a peer through the Change form; a bad region is named and nothing is changed', async () => {
    const id = (await peers()).find((p) => p.name === 'Ada SYNTHETIC')!.id;
    const form = await page(manager, `/peer-challenge/peers/${id}/change`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Change Ada SYNTHETIC');
    expect(form.body).toContain('Trafford (E08000009)');
    const bad = await post(manager, `/peer-challenge/peers/${id}/change`, {
      politicalGroup: 'Green',
      region: 'X99',
      active: 'yes',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#region"');
    expect((await peers()).find((p) => p.id === id)!.politicalGroup).toBe('Independent');
    const ok = await post(manager, `/peer-challenge/peers/${id}/change`, {
      politicalGroup: 'Green',
      skills: 'housing',
      region: 'E12000002',
      accreditation: '',
      accreditedAt: '',
      availability: 'Any time',
    });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(303);
    expect((await peers()).find((p) => p.id === id)).toMatchObject({
      politicalGroup: 'Green',
      skills: ['housing'],
      accreditation: null,
      accreditedAt: null,
      availability: 'Any time',
      active: false,
    });
  });

  it('council users and the public are refused; a form without its CSRF token is refused', async () => {
    const before = (await peers()).length;
    expect((await page(council, '/peer-challenge/peers/new')).statusCode).toBe(403);
    expect(
      (await post(council, '/peer-challenge/peers/new', { name: 'C SYNTHETIC', role: 'director' })).statusCode,
    ).toBe(403);
    const id = (await peers())[0]!.id;
    expect((await post(council, `/peer-challenge/peers/${id}/change`, { active: 'yes' })).statusCode).toBe(403);
    const anon = await app.inject('/peer-challenge/peers/new');
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toMatch(/^\/sign-in\?next=/);
    expect((await post(null, '/peer-challenge/peers/new', { name: 'D SYNTHETIC', role: 'director' })).statusCode).toBe(
      303,
    );
    const noToken = await app.inject({
      method: 'POST',
      url: '/peer-challenge/peers/new',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: manager.cookie },
      payload: 'name=E+SYNTHETIC&role=director',
    });
    expect(noToken.statusCode).toBe(403);
    expect((await peers()).length).toBe(before);
  });
});
