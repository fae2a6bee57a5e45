import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProgrammeOffice } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';
import { servicesFor, type Services } from '../../app/services.ts';
import type { SessionUser } from '../accounts/index.ts';
import { frameNumbers } from './frame-numbers.ts';

const ALLERDALE = 'E07000026';
const CARLISLE = 'E07000028';
const CUMBERLAND = 'E06000063'; // Allerdale, Carlisle and Copeland merged into it on 2023-04-01

/**
 * The numbers a survey frame gives two people of one council in a cohort, on both dialects, over the real geography.
 * The programme, cohort and people are SYNTHETIC. The geography first lacks Carlisle's merger (its succession row is
 * taken out, as before an import brought it) and then learns it, as a later import would.
 */
describe('frame numbers of a cohort’s participants', () => {
  let db: TestDb;
  let s: Services;
  let office: SessionUser;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    s = servicesFor(db);
    office = await addProgrammeOffice(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /**
   * Changes the geography's stamp, as another instance's import does, and waits out the second for which the areas
   * module trusts the lineage it holds without looking at the stamp.
   */
  async function touchGeography(at: string) {
    await db.kysely.updateTable('areas').set({ updated_at: at }).where('code', '=', CARLISLE).execute();
    await new Promise((r) => setTimeout(r, 1100));
  }
  const areaId = async (code: string) =>
    (await db.kysely.selectFrom('areas').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

  it('numbers within the council as resolved today, and keeps a number once issued when the geography changes', async () => {
    // The geography before it learnt that Carlisle became part of Cumberland.
    const [carlisle, cumberland] = [await areaId(CARLISLE), await areaId(CUMBERLAND)];
    const merger = await db.kysely
      .selectFrom('area_successions')
      .selectAll()
      .where('predecessor_id', '=', carlisle)
      .where('successor_id', '=', cumberland)
      .executeTakeFirstOrThrow();
    await db.kysely.deleteFrom('area_successions').where('predecessor_id', '=', carlisle).execute();
    await touchGeography('2030-01-01T00:00:00.000Z');

    const lead = s.lead;
    const programme = await lead.createProgramme(office, {
      code: 'nextgen',
      name: 'Next Generation',
      kind: 'next-generation',
      crossParty: false,
      completionMinModules: 1,
      rules: [{ validFrom: '2020-01-01', roles: ['councillor'], councilTypes: null }],
      windows: [{ startsOn: '2021-04-01', endsOn: '2024-03-31' }],
      charges: [],
    });
    const cohort = await lead.createCohort(office, programme, {
      number: 1,
      capacity: 5,
      startsOn: '2022-09-01',
      endsOn: '2022-12-15',
      venue: 'Online',
    });
    await lead.addModule(office, cohort, { number: 1, title: 'Leading', heldOn: '2022-09-20' });
    await lead.addModule(office, cohort, { number: 2, title: 'Changing', heldOn: '2022-11-10' });
    const place = async (council: string, n: number, modules: number[]) => {
      const id = await lead.apply(office, cohort, {
        council,
        name: `Councillor ${n}`,
        email: `c${n}@example.org`,
        role: 'councillor',
        placeKind: 'full-fee',
      });
      await lead.decide(office, id, 'approved');
      await lead.book(office, id);
      for (const module of modules) await lead.attend(office, id, { module, attended: true });
      return id;
    };
    // Carlisle's councillor is put forward first, but attends the second module only.
    const fromCarlisle = await place(CARLISLE, 1, [2]);
    const fromAllerdale = await place(ALLERDALE, 2, [1, 2]);
    expect(fromCarlisle).toBeLessThan(fromAllerdale);

    await lead.loadLeadQuestionnaire(office, 'feedback');
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const wave = await lead.createLeadWave(office, {
      survey: 'feedback',
      name: 'Next Generation cohort 1',
      opensAt: day(-1),
      closesAt: day(30),
    });
    const build = (to: string) =>
      lead.leadFrame(office, { wave: wave.id, programme: 'nextgen', from: '2022-09-21', to }, true);
    const frame = async () => (await s.surveys.frames.members(wave.id)).map((m) => `${m.area?.code} ${m.role}`).sort();

    // Module 1's feedback: Allerdale's councillor, the first of Cumberland's people (Carlisle is not part of it yet).
    expect((await build('2022-09-30')).added).toBe(1);
    expect(await frame()).toEqual([`${CUMBERLAND} Councillor, nextgen cohort 1, module 1`]);

    // The geography learns Carlisle's merger: Carlisle's councillor, put forward earlier, is now Cumberland's too.
    await db.kysely.insertInto('area_successions').values(merger).execute();
    await touchGeography('2030-01-02T00:00:00.000Z');
    const second = await build('2022-11-30');
    expect(second.added).toBe(2);
    // Allerdale's councillor keeps number 1 (not re-added as person 2); Carlisle's takes the next.
    expect(await frame()).toEqual([
      `${CUMBERLAND} Councillor, nextgen cohort 1, module 1`,
      `${CUMBERLAND} Councillor, nextgen cohort 1, module 2`,
      `${CUMBERLAND} Councillor, nextgen cohort 1, module 2 (person 2 from the council)`,
    ]);
    const fixed = await db.kysely
      .selectFrom('lead_participants')
      .select(['id', 'frame_number'])
      .where('cohort_id', '=', cohort)
      .orderBy('id')
      .execute();
    expect(fixed).toEqual([
      { id: fromCarlisle, frame_number: 2 },
      { id: fromAllerdale, frame_number: 1 },
    ]);
    // Building again adds nobody: each contact is known by its council and role.
    expect((await build('2022-11-30')).added).toBe(0);
  });

  it('frameNumbers: the lowest free numbers in order put forward; an issued number kept; a clash renumbers the later', () => {
    const n = frameNumbers([
      { id: 5, group: '1|A', issued: null },
      { id: 3, group: '1|A', issued: 2 },
      { id: 9, group: '1|A', issued: null },
      { id: 4, group: '1|B', issued: null },
      { id: 6, group: '1|C', issued: 1 },
      { id: 7, group: '1|C', issued: 1 },
    ]);
    expect(Object.fromEntries(n)).toEqual({ 3: 2, 5: 1, 9: 3, 4: 1, 6: 1, 7: 2 });
  });
});
