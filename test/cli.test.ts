import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSli } from './helpers/cli.ts';
import { createTestDb, type TestDb } from './helpers/db.ts';
import { seedFixtureAreas } from './helpers/fixtures.ts';
import { sharedFile } from './helpers/shared-data.ts';

const sli = runSli;

const METRICS_CSV = `code,title,short_title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats
mycouncil.missed-bins,"Missed bin collections per 100,000 collections",Missed bins,"per 100,000 collections",rate-per-100000,1,lower-is-better,environment-housing,financial-year,E06 E07 E08 E09,Example Council,OGL-UK-3.0,https://www.example.gov.uk/data,Household bin collections reported missed.,Councils count reports differently.
`;

describe('sli command line', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    await seedFixtureAreas(db);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sli-cli-'));
    writeFileSync(path.join(dir, 'metrics.csv'), METRICS_CSV);
  });
  afterAll(async () => db.drop());

  const count = async (t: 'observations' | 'metrics' | 'imports') =>
    Number(
      (
        await db.kysely
          .selectFrom(t)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('sli import with an unknown adapter exits 2 and lists the adapters', async () => {
    const r = await sli(db, ['import', 'nope', 'x.csv']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/there is no "nope" importer; use one of: .*long-csv/);
  });

  it('sli import refuses a file given to the wrong adapter, naming the file and the right adapter', async () => {
    const file = sharedFile('performance/oflog_adult_social_care_2015_2023.csv');
    const r = await sli(db, ['import', 'defra-recycling', file, '--publish']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/oflog_adult_social_care_2015_2023\.csv:1: .*use "sli import oflog-asc/);
    expect(await count('imports')).toBe(0);
  });

  it('sli import rejects bad rows with file:line, field and value, and writes nothing', async () => {
    writeFileSync(
      path.join(dir, 'bad.csv'),
      'metric,area,period,value,status,lci,uci,numerator,denominator\nmycouncil.missed-bins,E08000009,2022/23,41.5,,,,,\nmycouncil.missed-bins,E08000009,2023/24,lots,,,,,\nmycouncil.missed-bins,E99999999,2023/24,1,,,,,\n',
    );
    const r = await sli(db, [
      'import',
      'long-csv',
      path.join(dir, 'bad.csv'),
      path.join(dir, 'metrics.csv'),
      '--publish',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv:3: value "lots": /);
    expect(r.stderr).toMatch(/bad\.csv:4: area "E99999999": unknown area code/);
    expect(r.stdout).toMatch(/Nothing was imported/);
    expect(await count('metrics')).toBe(0);
    expect(await count('observations')).toBe(0);
  });

  it('sli import --dry-run counts and writes nothing; then a draft; then publish; then export', async () => {
    writeFileSync(
      path.join(dir, 'good.csv'),
      'metric,area,period,value,status,lci,uci,numerator,denominator\nmycouncil.missed-bins,E08000009,2022/23,41.5,,,,830,2000000\nmycouncil.missed-bins,E08000003,2022/23,,c,,,,\n',
    );
    const files = [path.join(dir, 'good.csv'), path.join(dir, 'metrics.csv')];
    const dry = await sli(db, ['import', 'long-csv', ...files, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/Dry run, nothing written.*2 new/);
    expect(await count('observations')).toBe(0);

    const draft = await sli(db, ['import', 'long-csv', ...files, '--json']);
    expect(draft.status).toBe(0);
    const summary = JSON.parse(draft.stdout) as { state: string; importId: number };
    expect(summary.state).toBe('draft');
    expect(await count('observations')).toBe(0);
    expect((await sli(db, ['imports', 'list'])).stdout).toMatch(new RegExp(`#${summary.importId}\\tdraft\\tlong-csv`));
    expect(await count('metrics')).toBe(0);
    const show = await sli(db, ['imports', 'show', String(summary.importId)]);
    expect(show.stdout).toMatch(/Observations: 2 new, 0 changed, 0 unchanged/);
    expect(show.stdout).toMatch(/New metric mycouncil\.missed-bins "Missed bin collections per 100,000 collections"/);

    const pub = await sli(db, ['imports', 'publish', String(summary.importId)]);
    expect(pub.status).toBe(0);
    expect(await count('observations')).toBe(2);

    const again = await sli(db, ['import', 'long-csv', ...files, '--publish']);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/Nothing changed/);

    const metadata = path.join(dir, 'bins.csv-metadata.json');
    const csv = await sli(db, [
      'export',
      'observations',
      '--metric',
      'mycouncil.missed-bins',
      '--format',
      'csv',
      '--metadata',
      metadata,
    ]);
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^mycouncil\.missed-bins,"Missed bin collections per 100,000 collections",E08000003,Manchester,2022-04-01\/P1Y,2022\/23,,,c,/,
    );
    expect(lines[1]).toMatch(/,Councils count reports differently\.,OGL-UK-3\.0,Example Council$/);
    const meta = JSON.parse(readFileSync(metadata, 'utf8'));
    expect(meta).toMatchObject({ '@context': 'http://www.w3.org/ns/csvw', url: 'bins.csv' });
    expect(meta.tableSchema.columns.map((c: { name: string }) => c.name).join(',')).toBe(lines[0]);
    expect(meta['rdfs:comment']).toEqual([
      'Missed bin collections per 100,000 collections (mycouncil.missed-bins): Councils count reports differently.',
    ]);
    expect(meta['dc:publisher']).toEqual(['Example Council']);
    const json = await sli(db, [
      'export',
      'observations',
      '--metric',
      'mycouncil.missed-bins',
      '--area',
      'E08000009',
      '--format',
      'json',
    ]);
    expect(JSON.parse(json.stdout).observations[0]).toMatchObject({
      value: 41.5,
      numerator: 830,
      denominator: 2000000,
    });
    const bad = await sli(db, ['export', 'observations', '--metric', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown metric "nope"/);
  });
});
