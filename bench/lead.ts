/**
 * Leadership programmes' fair booking under a burst: 100 approved applicants book 10 places of one cohort at the same
 * moment, over real HTTP against a listening server, on each database. Reports how many were booked and waiting,
 * whether the waiting list is numbered 1…90 without gaps, and the burst's wall time. The programme, cohort and
 * people are SYNTHETIC; the councils are the real geography.
 */
import { buildApp } from '../src/app/app.ts';
import { servicesFor } from '../src/app/services.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { freshDb } from './fresh-db.ts';
import { loadGeography } from './peer.ts';

export async function benchLead(dialect: string, rounds = 3, log = (s: string) => process.stderr.write(`${s}\n`)) {
  const { db, url, drop } = await freshDb(dialect, 'lead');
  try {
    await loadGeography(db);
    const s = servicesFor(db);
    const password = 'correct horse battery staple';
    const officeId = await s.accounts.addUser({
      email: 'po@example.org',
      name: 'Office',
      role: 'programme_office',
      password,
    });
    const signed = await s.accounts.signIn('po@example.org', password, '127.0.0.1');
    const po = {
      id: officeId,
      email: '',
      name: 'Office',
      role: 'programme_office' as const,
      council: null,
      csrfToken: '',
    };
    const programme = await s.lead.createProgramme(po, {
      code: 'bench',
      name: 'Leadership Academy (bench)',
      kind: 'leadership-academy',
      crossParty: true,
      completionMinModules: null,
      rules: [{ validFrom: '2011-01-01', roles: ['councillor'], councilTypes: null }],
      windows: [],
      charges: [],
    });
    const app = await buildApp({
      db,
      config: loadConfig({ SLI_LOG_LEVEL: 'silent' }, { databaseUrl: url }),
      logger: createLogger('silent'),
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const results = [];
    try {
      for (let round = 0; round < rounds; round++) {
        const cohort = await s.lead.createCohort(po, programme, {
          number: round + 1,
          capacity: 10,
          startsOn: '2026-09-01',
          endsOn: '2026-12-01',
          venue: 'Online',
        });
        const ids: number[] = [];
        for (let i = 0; i < 100; i++) {
          const id = await s.lead.apply(po, cohort, {
            council: 'E08000009',
            name: `Councillor ${round}-${i}`,
            email: `c${round}-${i}@example.org`,
            role: 'councillor',
            party: 'Independent',
          });
          await s.lead.decide(po, id, 'approved');
          ids.push(id);
        }
        const t = performance.now();
        const answers = await Promise.all(
          ids.map((id) =>
            fetch(`${base}/api/v1/leadership/applications/${id}/book`, {
              method: 'POST',
              headers: {
                cookie: `sli_session=${signed.token}`,
                'x-csrf-token': signed.user.csrfToken,
                'content-type': 'application/json',
              },
              body: '{"waitlist":true}',
            }).then((r) => r.json() as Promise<{ status: string; position: number | null }>),
          ),
        );
        const ms = performance.now() - t;
        const booked = answers.filter((a) => a.status === 'booked').length;
        const positions = answers
          .filter((a) => a.status === 'waiting')
          .map((a) => a.position ?? 0)
          .sort((a, b) => a - b);
        const inOrder = positions.every((p, i) => p === i + 1);
        results.push({ booked, waiting: positions.length, waitingNumbered1toN: inOrder, burstMs: Math.round(ms) });
        log(`lead ${dialect} round ${round + 1}: ${booked} booked, ${positions.length} waiting, ${Math.round(ms)} ms`);
      }
    } finally {
      await app.close();
    }
    return { requestsPerRound: 100, places: 10, rounds: results };
  } finally {
    await drop();
  }
}
