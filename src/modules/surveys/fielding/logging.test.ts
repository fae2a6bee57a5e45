import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { isoIn, PERCEPTION_V1 } from '../../../../test/helpers/surveys.ts';
import { createSurveys } from '../index.ts';
import { servicesFor } from '../../../app/services.ts';

describe('surveys: what the service logs', () => {
  let db: TestDb;
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    {
      write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>),
    },
  );

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
  });
  afterAll(async () => {
    await db.drop();
  });

  it(
    'logs one info line each for a definition version stored, a wave created with its dates, a frame built and ' +
      'links issued; never a token, contact or user',
    async () => {
      const { areas, email } = servicesFor(db);
      // No SLI_LINK_SECRET: the secret is made in the database, which is said once (without the secret).
      const config = { linkSecret: null, contactDays: 90 };
      const s = createSurveys(db, { areas, mailer: email, config, logger });
      const by = { name: 'Test analyst' };
      await s.surveys.loadDefinition(PERCEPTION_V1, by);
      await s.surveys.loadDefinition(PERCEPTION_V1, by); // the same again stores nothing, so logs nothing
      const input = { survey: 'council-perception', version: 1, name: 'Autumn', mode: 'frame' as const };
      const wave = await s.surveys.createWave({ ...input, opensAt: isoIn(-1), closesAt: isoIn(30) }, by);
      await s.frames.build(wave.id, {
        members: [{ area: 'E08000009', role: 'Chief Executive', contact: 'Jo Bloggs' }],
      });
      const links = await s.frames.issueLinks(wave.id, 'http://test.invalid', false);

      expect(lines.map((l) => [l.level, l.msg])).toEqual([
        [30, 'survey definition version stored'],
        [30, 'survey wave created'],
        [30, 'survey frame built'],
        [
          40,
          'SLI_LINK_SECRET is not set: survey links are derived from a secret kept in the database (set it so that a copy of the database cannot rebuild them)',
        ],
        [30, 'survey links issued'],
      ]);
      expect(lines[0]).toMatchObject({ module: 'surveys', survey: 'council-perception', version: 1, questions: 5 });
      expect(lines[1]).toMatchObject({
        waveId: wave.id,
        survey: 'council-perception',
        version: 1,
        mode: 'frame',
        opensAt: wave.opensAt,
        closesAt: wave.closesAt,
        state: 'open',
      });
      expect(lines[2]).toMatchObject({ waveId: wave.id, from: 'members', added: 1, frame: 1 });
      expect(lines[4]).toMatchObject({ waveId: wave.id, issued: 1, reissue: false });
      const text = JSON.stringify(lines);
      const token = new URL(links[0]!.link).pathname.split('/').at(-1)!;
      const { secret: linkSecret } = await db.kysely
        .selectFrom('survey_secrets')
        .select('secret')
        .executeTakeFirstOrThrow();
      for (const secret of [token, linkSecret, 'Jo Bloggs', 'Test analyst']) expect(text).not.toContain(secret);
    },
  );

  it('logs invitations, reminders, an opt-out and a close by counts and ids, never an address, name or link', async () => {
    const { areas, email } = servicesFor(db);
    const config = { linkSecret: 'a test secret of at least 32 characters', contactDays: 90 };
    const s = createSurveys(db, { areas, mailer: email, config, logger });
    const by = { name: 'Test analyst' };
    const input = { survey: 'council-perception', version: 1, name: 'Winter', mode: 'frame' as const };
    const wave = await s.surveys.createWave({ ...input, opensAt: isoIn(-1), closesAt: isoIn(30) }, by);
    await s.frames.build(wave.id, {
      csv: 'area,role,contact,email\nE08000009,Chief Executive,Jo Bloggs,jo.bloggs@trafford.example\n',
    });
    lines.length = 0;
    await s.mailings.invite(wave.id, 'http://test.invalid', by);
    await s.mailings.remind(wave.id, 1, 'http://test.invalid', by);
    const [member] = await s.frames.members(wave.id);
    await s.mailings.optOut(member!.id);
    await s.mailings.close(wave.id, by);
    expect(lines.map((l) => l.msg)).toEqual([
      'survey invitations queued',
      'survey reminders queued',
      'survey member opted out of reminders',
      'survey wave closed',
    ]);
    expect(lines[0]).toMatchObject({ waveId: wave.id, queued: 1, round: 1 });
    expect(lines[1]).toMatchObject({ waveId: wave.id, queued: 1, round: 1 });
    const text = JSON.stringify(lines);
    for (const secret of ['jo.bloggs', 'trafford.example', 'Jo Bloggs', 'Test analyst', 'test.invalid/s/'])
      expect(text).not.toContain(secret);
  });
});
