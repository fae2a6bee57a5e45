import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/helpers/app.ts';
import { PASSWORD, signIn, signInEveryRole, type Signed } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { addPeerManager, PEER_MANAGER_EMAIL, peerWriter } from '../../../test/helpers/peer.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import type { App } from '../../platform/app-types.ts';

/** Every table a peer challenge write touches. */
const TABLES = [
  'peer_engagements',
  'peer_engagement_steps',
  'peer_team_members',
  'peer_findings',
  'peer_recommendations',
  'peer_actions',
  'peer_action_updates',
  'peer_documents',
  'peer_document_files',
  'peers',
  'peer_employments',
] as const;

/**
 * The bad input, each refused with the field and the reason and nothing half-written (every peer table's rows
 * compared before and after, and the engagement's state and visit unchanged): dates out of order, a skipped state, a
 * peer on two on-site weeks at once (added to a team, or by moving a visit), a conflicted peer, a recommendation
 * without a component of the engagement's framework, an action on another engagement's recommendation. Engagements and
 * peers are SYNTHETIC; the councils are the real geography.
 */
describe('peer challenge: bad input refused with the field and reason, nothing half-written', () => {
  let db: TestDb;
  let app: App;
  let owner: Signed;
  let manager: Signed;
  let trafford: number; // visit 2024-03-12..15, on site
  let wigan: number; // visit 2024-05-07..10, scheduled
  let shared: number; // a peer on both teams
  const post = (who: Signed, url: string, payload: object) => peerWriter(app)(who, url, payload);
  const ok = async (who: Signed, url: string, payload: object) => {
    const r = await post(who, url, payload);
    expect(r.statusCode, `${url}: ${r.body}`).toBe(201);
    return r.json().id as number | string;
  };
  const snapshot = async () => ({
    counts: await Promise.all(
      TABLES.map(
        async (t) =>
          (
            await db.kysely
              .selectFrom(t)
              .select((x) => x.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
      ),
    ),
    engagements: await db.kysely
      .selectFrom('peer_engagements')
      .select(['id', 'state', 'onsite_start', 'onsite_end', 'focus_areas'])
      .orderBy('id')
      .execute(),
  });
  /** The request is refused with this status, naming `field` with a message matching `reason`; nothing changes. */
  const refused = async (who: Signed, url: string, payload: object, status: number, field: string, reason: RegExp) => {
    const before = await snapshot();
    const r = await post(who, url, payload);
    expect(r.statusCode, r.body).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const e = r.json().errors.find((x: { field: string }) => x.field === field);
    expect(e, r.body).toBeDefined();
    expect(e.message).toMatch(reason);
    expect(await snapshot()).toEqual(before);
  };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    app = await createTestApp(db);
    ({ owner } = await signInEveryRole(db, app));
    await addPeerManager(db, PASSWORD);
    manager = await signIn(app, PEER_MANAGER_EMAIL, PASSWORD);
    const schedule = async (council: string, visit: [string, string], until: string) => {
      const id = (await ok(manager, '/engagements', {
        council,
        kind: 'corporate',
        requestedOn: '2024-01-10',
      })) as number;
      for (const [state, date, extra] of [
        ['scoping', '2024-01-20', {}],
        ['scheduled', '2024-02-01', { onsiteStart: visit[0], onsiteEnd: visit[1] }],
        ['position-statement-received', '2024-02-20', {}],
        ['on-site', visit[0], {}],
      ] as const) {
        await ok(manager, `/engagements/${id}/steps`, { state, date, ...extra });
        if (state === until) break;
      }
      return id;
    };
    trafford = await schedule('E08000009', ['2024-03-12', '2024-03-15'], 'on-site');
    wigan = await schedule('E08000010', ['2024-05-07', '2024-05-10'], 'scheduled');
    shared = (await ok(manager, '/peers', {
      name: 'Shared Director',
      role: 'director',
      homeCouncil: 'E06000002',
    })) as number;
    for (const id of [trafford, wigan])
      await ok(manager, `/engagements/${id}/team`, { peerId: shared, teamRole: 'officer-peer', daysCommitted: 4 });
    await ok(manager, `/engagements/${trafford}/recommendations`, {
      component: 'governance-culture',
      text: 'SYNTHETIC',
    });
    await ok(manager, `/engagements/${wigan}/recommendations`, { component: 'governance-culture', text: 'SYNTHETIC' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('dates out of order: a report before the visit, a visit ending before it starts, a step dated before the last', async () => {
    await refused(
      manager,
      `/engagements/${trafford}/steps`,
      { state: 'feedback-presented', date: '2024-03-01' },
      400,
      'date',
      /dates out of order/,
    );
    await refused(
      manager,
      '/engagements',
      {
        council: 'E08000009',
        kind: 'corporate',
        requestedOn: '2025-01-10',
        onsiteStart: '2025-03-10',
        onsiteEnd: '2025-03-07',
      },
      400,
      'onsiteEnd',
      /is before onsiteStart \(2025-03-10\): dates out of order/,
    );
    await refused(
      manager,
      '/engagements',
      {
        council: 'E08000009',
        kind: 'corporate',
        requestedOn: '2025-04-10',
        onsiteStart: '2025-03-10',
        onsiteEnd: '2025-03-13',
      },
      400,
      'onsiteStart',
      /is before the request \(2025-04-10\): dates out of order/,
    );
    await refused(
      manager,
      `/engagements/${wigan}/steps`,
      { state: 'position-statement-received', date: '2024-01-01' },
      400,
      'date',
      /dates out of order/,
    );
  });

  it('a state skipped, or going back', async () => {
    await refused(
      manager,
      `/engagements/${trafford}/steps`,
      { state: 'report-published', date: '2024-05-20' },
      400,
      'state',
      /skips a step: after on-site comes feedback-presented/,
    );
    await refused(
      manager,
      `/engagements/${trafford}/steps`,
      { state: 'scoping', date: '2024-05-20' },
      400,
      'state',
      /goes back: the engagement is already on-site/,
    );
  });

  it('a peer on two on-site weeks at once: added to a second team, or by moving a visit onto another', async () => {
    const other = (await ok(manager, '/engagements', {
      council: 'E08000011',
      kind: 'corporate',
      requestedOn: '2024-01-10',
      onsiteStart: '2024-03-14',
      onsiteEnd: '2024-03-17',
    })) as number;
    await refused(
      manager,
      `/engagements/${other}/team`,
      { peerId: shared, teamRole: 'officer-peer', daysCommitted: 4 },
      409,
      'peerId',
      new RegExp(`on two on-site visits at once \\(engagement ${trafford}\\)`),
    );
    // Wigan's visit moved onto Trafford's week, where the shared peer already is.
    await refused(
      manager,
      `/engagements/${wigan}/steps`,
      { state: 'position-statement-received', date: '2024-02-20', onsiteStart: '2024-03-13', onsiteEnd: '2024-03-16' },
      400,
      'onsiteStart',
      new RegExp(
        `Shared Director is on site at engagement ${trafford} \\(2024-03-12 to 2024-03-15\\) at the same time`,
      ),
    );
  });

  it('a conflicted peer is refused with the rule that fired', async () => {
    const own = (await ok(manager, '/peers', {
      name: 'Own Officer',
      role: 'director',
      homeCouncil: 'E08000009',
    })) as number;
    await refused(
      manager,
      `/engagements/${trafford}/team`,
      { peerId: own, teamRole: 'officer-peer', daysCommitted: 4 },
      409,
      'peerId',
      /conflict of interest \(own-council\)/,
    );
    const former = (await ok(manager, '/peers', {
      name: 'Former Employee',
      role: 'director',
      homeCouncil: 'E06000003',
      formerEmployers: [{ council: 'E08000009', until: '2023-01-31' }],
    })) as number;
    await refused(
      manager,
      `/engagements/${trafford}/team`,
      { peerId: former, teamRole: 'officer-peer', daysCommitted: 4 },
      409,
      'peerId',
      /conflict of interest \(recent-employment\): the peer worked for Trafford until 2023-01-31/,
    );
  });

  it('a recommendation or finding without a component of the engagement framework', async () => {
    // organisational-capacity is the 2011 framework's; this engagement follows the current one.
    await refused(
      manager,
      `/engagements/${trafford}/recommendations`,
      { component: 'organisational-capacity', text: 'SYNTHETIC' },
      400,
      'component',
      /a recommendation needs a component of Corporate peer challenge \(current\) or a local focus area \(local-priorities-outcomes, /,
    );
    await refused(
      manager,
      `/engagements/${trafford}/findings`,
      { component: 'focus:Not a focus area', kind: 'strength', text: 'SYNTHETIC' },
      400,
      'component',
      /is not a component of/,
    );
  });

  it("an action on another engagement's recommendation, or an update of another engagement's action", async () => {
    await refused(
      owner,
      `/engagements/${trafford}/actions`,
      { recommendation: `PC${wigan}-R1`, text: 'SYNTHETIC', ownerRole: 'Leader', dueDate: '2024-12-31' },
      400,
      'recommendation',
      new RegExp(`belongs to another engagement \\(${wigan}\\), not ${trafford}`),
    );
    await refused(
      owner,
      `/engagements/${trafford}/actions`,
      { recommendation: 'PC999-R1', text: 'SYNTHETIC', ownerRole: 'Leader', dueDate: '2024-12-31' },
      400,
      'recommendation',
      /is not a recommendation/,
    );
    const action = await ok(owner, `/engagements/${trafford}/actions`, {
      recommendation: `PC${trafford}-R1`,
      text: 'SYNTHETIC',
      ownerRole: 'Leader',
      dueDate: '2024-12-31',
    });
    const before = await snapshot();
    const r = await post(manager, `/engagements/${wigan}/actions/${action}/updates`, {
      date: '2024-06-01',
      status: 'on-track',
    });
    expect(r.statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
