/**
 * The retention rule for a frame's contact details (retention.ts), on both dialects: SLI_SURVEY_CONTACT_DAYS after a
 * wave closes its members' addresses and names are erased, with the recipients of the messages queued to them (one
 * not yet sent is discarded); responses, response rates and tables are kept; a wave not yet due is left alone; the
 * erasure is logged with counts only; the service's schedule and `sli survey erase-contacts` both run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from '../../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { capturedLogger } from '../../../../test/helpers/log.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { parseMessage, startSmtp, type TestSmtp } from '../../../../test/helpers/smtp.ts';
import { answerAndSubmit, FRAME_CONTACTS, isoIn, PERCEPTION_V1 } from '../../../../test/helpers/surveys.ts';
import { servicesFor } from '../../../app/services.ts';
import { loadConfig } from '../../../platform/config.ts';
import { createSurveys } from '../index.ts';

const ORIGIN = 'https://sli.example';
const by = { name: 'Evaluation Officer' };
const DAY = 86_400_000;
const ADDRESSES = ['tess@trafford.example', 'manny@manchester.example', 'bo@bolton.example'];
const NAMES = ['Tess Trafford', 'Manny Chester', 'Bo Bolton'];

describe('contact details of a closed wave are erased after the retention period', () => {
  let db: TestDb;
  let smtp: TestSmtp;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    smtp = await startSmtp();
    await servicesFor(db).surveys.surveys.loadDefinition(PERCEPTION_V1, by);
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  /** A frame wave of the three contacts, invited by email; Tess answers. */
  async function fielded(name: string, closesInDays: number) {
    const { surveys, frames, mailings } = servicesFor(db).surveys;
    const input = { survey: 'council-perception', version: 1, name, mode: 'frame' as const };
    const wave = await surveys.createWave({ ...input, opensAt: isoIn(-10), closesAt: isoIn(closesInDays) }, by);
    await frames.build(wave.id, { csv: FRAME_CONTACTS });
    await mailings.invite(wave.id, ORIGIN, by);
    await servicesFor(db, smtp.env).email.sendQueued();
    const tess = (await smtp.waitFor(3)).find((m) => m.to.includes('tess@trafford.example'))!;
    smtp.reset();
    const path = /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(parseMessage(tess.raw).text ?? '')![1]!;
    await answerAndSubmit(db, path, [
      ['Q1', '1'],
      ['Q2', 'none'],
      ['Q4.a', '1'],
      ['Q4.b', '2'],
    ]);
    return wave.id;
  }
  const members = (waveId: number) =>
    db.kysely
      .selectFrom('survey_respondents')
      .select(['contact_email', 'contact_name', 'area_code', 'role'])
      .where('wave_id', '=', waveId)
      .orderBy('id')
      .execute();
  const messages = (waveId: number) =>
    db.kysely
      .selectFrom('email_messages as e')
      .innerJoin('survey_mailings as m', 'm.email_message_id', 'e.id')
      .select(['e.to_address', 'e.to_name', 'e.status', 'e.body_text'])
      .where('m.wave_id', '=', waveId)
      .orderBy('e.id')
      .execute();

  it('erases addresses and names (and the queued messages’ recipients) of waves closed long enough ago, keeping the answers', async () => {
    const due = await fielded('Closed long ago', 30);
    const later = await fielded('Closing later', 60);
    const s = servicesFor(db).surveys;
    // Reminders to Manny and Bo, still queued when the contact details go.
    expect(await s.mailings.remind(due, 1, ORIGIN, by)).toEqual({ queued: 2 });
    const rates = await s.surveys.responseRates(due);
    const tables = await s.tables.tables({ waves: [due] });
    expect((await members(due)).map((m) => m.contact_email)).toEqual(ADDRESSES);

    const { logger, lines } = capturedLogger();
    const config = { ...loadConfig({}).surveys, contactDays: 90 };
    const { areas, email } = servicesFor(db);
    const { retention } = createSurveys(db, { areas, mailer: email, config, logger });
    // 100 days from now the first wave will have closed 70 days before (kept); 130 days from now, 100 days before.
    expect(await retention.eraseDue(new Date(Date.now() + 100 * DAY))).toEqual({ waves: 0, members: 0, messages: 0 });
    expect(await retention.eraseDue(new Date(Date.now() + 130 * DAY))).toEqual({ waves: 1, members: 3, messages: 5 });

    expect(await members(due)).toEqual([
      { contact_email: null, contact_name: null, area_code: 'E08000009', role: 'Chief Executive' },
      { contact_email: null, contact_name: null, area_code: 'E08000003', role: 'Chief Executive' },
      { contact_email: null, contact_name: null, area_code: 'E08000001', role: 'Chief Executive' },
    ]);
    const sent = await messages(due);
    expect(sent.map((m) => [m.to_address, m.to_name, m.body_text])).toEqual(Array(5).fill(['', null, null]));
    expect(sent.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'discarded', 'discarded']);
    // The other wave keeps its contacts; the answers, rates and tables of the erased one are unchanged.
    expect((await members(later)).map((m) => [m.contact_email, m.contact_name])).toEqual(
      ADDRESSES.map((a, i) => [a, NAMES[i]]),
    );
    expect(await s.surveys.responseRates(due)).toEqual({ ...rates, at: expect.any(String) });
    expect(await s.tables.tables({ waves: [due] })).toEqual(tables);
    // One line, with counts and ids only; a second pass finds nothing to do.
    expect(lines.map((l) => l.msg)).toEqual(['survey contact details erased']);
    expect(lines[0]).toMatchObject({ waveIds: [due], waves: 1, members: 3, messages: 5, days: 90 });
    for (const secret of [...ADDRESSES, ...NAMES]) expect(JSON.stringify(lines)).not.toContain(secret);
    expect(await retention.eraseDue(new Date(Date.now() + 130 * DAY))).toEqual({ waves: 0, members: 0, messages: 0 });
  });

  it('the service’s schedule erases a wave that is due', async () => {
    const waveId = await fielded('Scheduled', 30);
    await servicesFor(db).surveys.mailings.close(waveId, by);
    const { retention } = servicesFor(db, { SLI_SURVEY_CONTACT_DAYS: '0' }).surveys;
    retention.start(10, 60_000);
    try {
      for (let i = 0; i < 100 && (await members(waveId)).some((m) => m.contact_email); i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      await retention.stop();
    }
    expect((await members(waveId)).every((m) => m.contact_email === null && m.contact_name === null)).toBe(true);
  });

  it('sli survey erase-contacts erases what is due and says how much', async () => {
    const waveId = await fielded('From the command line', 30);
    await servicesFor(db).surveys.mailings.close(waveId, by);
    const kept = await runSli(db, ['survey', 'erase-contacts'], { env: { SLI_SURVEY_CONTACT_DAYS: '5' } });
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('No wave closed 5 days ago or more still holds contact details.');
    const r = await runSli(db, ['survey', 'erase-contacts'], { env: { SLI_SURVEY_CONTACT_DAYS: '0' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'Erased the contact details of 3 members of 1 wave closed 0 days ago or more (and the recipients of 3 messages).',
    );
    expect((await members(waveId)).every((m) => m.contact_email === null)).toBe(true);
  });
});
