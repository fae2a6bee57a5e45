import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli as sli } from '../../../test/helpers/cli.ts';
import { createTestDb, type TestDb } from '../../../test/helpers/db.ts';
import { seedAreas } from '../../../test/helpers/seed.ts';

/** SYNTHETIC history: no public register of past peer challenges exists; these rows are made up for the test. */
const HISTORY = `council,kind,framework,requested_on,onsite_start,onsite_end,report_published_on,action_plan_published_on,progress_review_published_on,closed_on
E08000009,corporate,2017,2018-01-10,2018-06-05,2018-06-08,2018-08-20,2018-10-01,2019-06-01,2019-07-01
E07000026,finance,,2022-02-01,2022-05-10,2022-05-12,,,,
`;

describe('sli peer import', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAreas(db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-peer-'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('loads a SYNTHETIC history and reports how many engagements it imported', async () => {
    const file = path.join(dir, 'history.csv');
    writeFileSync(file, HISTORY);
    const r = await sli(db, ['peer', 'import', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Imported 2 engagements');
    const rows = await db.kysely.selectFrom('peer_engagements').select(['state', 'kind']).orderBy('id').execute();
    expect(rows).toEqual([
      { state: 'closed', kind: 'corporate' },
      { state: 'on-site', kind: 'finance' },
    ]);
  });

  it('refuses a file with a problem, naming file:line and the column, and writes nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, HISTORY.replace('E07000026,finance', 'E99999999,finance'));
    const r = await sli(db, ['peer', 'import', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:3 council`);
    expect(await db.kysely.selectFrom('peer_engagements').select('id').execute()).toHaveLength(2);
  });
});
