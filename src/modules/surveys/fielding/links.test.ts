/**
 * A frame member's link is the same in every message and download (links.ts), on both dialects: the links CSV, the
 * invitation and the reminders carry one link; two instances of the service (no SLI_LINK_SECRET: the secret made once
 * in the database) derive the same; with SLI_LINK_SECRET the database holds no secret; after the secret changes, the
 * member's next message carries a new link that works (the one before stops). Only hashes are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../../test/helpers/db.ts';
import { seedAreas } from '../../../../test/helpers/seed.ts';
import { FRAME_CONTACTS, isoIn, PERCEPTION_V1 } from '../../../../test/helpers/surveys.ts';
import { servicesFor } from '../../../app/services.ts';
import { hashToken } from './frames.ts';

const ORIGIN = 'https://sli.example';
const by = { name: 'Evaluation Officer' };
const SECRET = 'a link secret of at least thirty-two characters';

describe('survey links stay the same from message to message', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    await servicesFor(db).surveys.surveys.loadDefinition(PERCEPTION_V1, by);
  });
  afterAll(() => db?.drop());

  async function frameWave(name: string, env: Record<string, string> = {}) {
    const { surveys, frames } = servicesFor(db, env).surveys;
    const input = { survey: 'council-perception', version: 1, name, mode: 'frame' as const };
    const wave = await surveys.createWave({ ...input, opensAt: isoIn(-1), closesAt: isoIn(30) }, by);
    await frames.build(wave.id, { csv: FRAME_CONTACTS });
    return wave.id;
  }
  /** The link in each queued message of a wave (the bodies are kept until sent), by address and template. */
  async function queued(waveId: number) {
    const rows = await db.kysely
      .selectFrom('survey_mailings as m')
      .innerJoin('email_messages as e', 'e.id', 'm.email_message_id')
      .select(['e.to_address', 'e.template', 'e.body_text'])
      .where('m.wave_id', '=', waveId)
      .orderBy('e.id')
      .execute();
    return rows.map((r) => ({
      to: r.to_address,
      template: r.template,
      link: /https:\/\/sli\.example(\/s\/[\w-]+\/[\w-]+)/.exec(r.body_text ?? '')![1]!,
    }));
  }
  const opens = async (link: string) => {
    const [, , key, token] = link.split('/');
    return servicesFor(db)
      .surveys.respond.resolve(key!, token!)
      .then(
        () => true,
        () => false,
      );
  };
  const stored = (waveId: number) =>
    db.kysely
      .selectFrom('survey_respondents')
      .select(['contact_email', 'token_hash'])
      .where('wave_id', '=', waveId)
      .execute();

  it('the links CSV, the invitation and two reminders carry one link; two instances derive the same', async () => {
    const waveId = await frameWave('One link');
    const csv = await servicesFor(db).surveys.frames.issueLinks(waveId, ORIGIN, false);
    const other = servicesFor(db).surveys; // another instance of the service, with no secret of its own
    await other.mailings.invite(waveId, ORIGIN, by);
    await servicesFor(db).surveys.mailings.remind(waveId, 1, ORIGIN, by);
    await other.mailings.remind(waveId, 2, ORIGIN, by);
    const sent = await queued(waveId);
    expect(sent.map((m) => m.template)).toEqual([
      ...Array(3).fill('survey-invitation'),
      ...Array(3).fill('survey-reminder'),
      ...Array(3).fill('survey-reminder'),
    ]);
    // Each member's link: the same in the CSV and in every message to them.
    const byMember = (from: number) => sent.slice(from, from + 3).map((m) => `${m.to} ${m.link}`);
    expect(byMember(3)).toEqual(byMember(0));
    expect(byMember(6)).toEqual(byMember(0));
    expect(new Set(sent.map((m) => `${ORIGIN}${m.link}`))).toEqual(new Set(csv.map((r) => r.link)));
    for (const m of sent) expect(await opens(m.link)).toBe(true);
    // Only hashes are stored, and one secret, made once.
    const links = new Set(sent.map((m) => m.link.split('/').at(-1)!));
    expect(links.size).toBe(3);
    expect((await stored(waveId)).map((r) => r.token_hash).sort()).toEqual([...links].map(hashToken).sort());
    expect(await db.kysely.selectFrom('survey_secrets').select('name').execute()).toEqual([{ name: 'link' }]);
  });

  it('with SLI_LINK_SECRET the links come from it; after it changes, the next message carries a new link that works', async () => {
    const waveId = await frameWave('Secret', { SLI_LINK_SECRET: SECRET });
    const a = servicesFor(db, { SLI_LINK_SECRET: SECRET }).surveys;
    await a.mailings.invite(waveId, ORIGIN, by);
    const invited = await queued(waveId);
    const fromDatabaseSecret = await servicesFor(db).surveys.frames.issueLinks(waveId, ORIGIN, false);
    expect(fromDatabaseSecret).toEqual([]); // every member has a link already
    await a.mailings.remind(waveId, 1, ORIGIN, by);
    const first = await queued(waveId);
    expect(first.slice(3).map((m) => m.link)).toEqual(invited.map((m) => m.link));
    // The secret changes: each member's next message carries a new link, which opens; the old one no longer does.
    const b = servicesFor(db, { SLI_LINK_SECRET: `${SECRET}, changed` }).surveys;
    await b.mailings.remind(waveId, 2, ORIGIN, by);
    const second = (await queued(waveId)).slice(6);
    expect(second).toHaveLength(3);
    for (const [i, m] of second.entries()) {
      expect(m.link).not.toBe(invited[i]!.link);
      expect(await opens(m.link)).toBe(true);
      expect(await opens(invited[i]!.link)).toBe(false);
    }
  });
});
