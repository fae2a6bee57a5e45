import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProgrammeOffice } from '../../../test/helpers/auth.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { servicesFor, type Services } from '../../app/services.ts';
import type { SessionUser } from '../accounts/index.ts';
import { LEAD_QUESTIONNAIRES, LEAD_SURVEYS, leadQuestionnaire } from './evaluation.ts';

const EXAMPLES = new URL('../../../examples/surveys/', import.meta.url);
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(new URL(f, EXAMPLES), 'utf8')) as { code: string } }));

/**
 * The example questionnaires shipped in examples/surveys and the lead module's own questionnaires never share a code:
 * loading the examples, before or after the module's, neither fails nor leaves a leadership wave asking an example's
 * questions. On both dialects.
 */
describe('the example questionnaires and the leadership questionnaires', () => {
  let db: TestDb;
  let s: Services;
  let office: SessionUser;
  const by = { name: 'Analyst' };

  beforeAll(async () => {
    db = await createTestDb();
    s = servicesFor(db);
    office = await addProgrammeOffice(db);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('no example has the code of a leadership questionnaire, and no two examples share one', () => {
    expect(examples.length).toBeGreaterThan(0);
    const codes = examples.map((e) => e.json.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of LEAD_SURVEYS) expect(codes, kind).not.toContain(LEAD_QUESTIONNAIRES[kind]);
  });

  it('every example loads beside the leadership questionnaires, before and after them, and the waves ask the module’s', async () => {
    for (const e of examples) expect((await s.surveys.surveys.loadDefinition(e.json, by)).created, e.file).toBe(true);
    for (const kind of LEAD_SURVEYS) expect((await s.lead.loadLeadQuestionnaire(office, kind)).created).toBe(true);
    for (const e of examples) expect((await s.surveys.surveys.loadDefinition(e.json, by)).created, e.file).toBe(false);
    // Each leadership questionnaire is held in the module's version only.
    const listed = await s.lead.leadQuestionnaires(office);
    expect(listed.map((q) => [q.code, q.versions])).toEqual(
      LEAD_SURVEYS.map((k) => [LEAD_QUESTIONNAIRES[k], [leadQuestionnaire(k).version]]),
    );
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const wave = await s.lead.createLeadWave(office, {
      survey: 'impact',
      name: 'Impact',
      opensAt: day(-1),
      closesAt: day(30),
    });
    expect(wave).toMatchObject({ survey: 'leadership-impact', version: leadQuestionnaire('impact').version });
    const asked = (await s.surveys.surveys.definition('leadership-impact', wave.version)).definition as {
      questions: { code: string }[];
    };
    expect(asked.questions.map((q) => q.code)).toEqual(['IMPROVED', 'NEW_ROLE']);
  });
});
