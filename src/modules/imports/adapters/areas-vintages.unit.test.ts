import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../../test/helpers/shared-data.ts';
import type { ImportIssue } from '../adapter.ts';
import type { GeographyBundle } from '../../areas/index.ts';
import { ImportFileError, readCsv } from '../csv.ts';
import { areasVintagesAdapter } from './areas-vintages.ts';

async function run(files: string[]) {
  const errors: ImportIssue[] = [];
  const skipped: Record<string, number> = {};
  const bundles: GeographyBundle[] = [];
  for await (const item of areasVintagesAdapter.read(files, {
    error: (i) => void errors.push(i),
    progress: () => {},
    skipped: (_at, r) => void (skipped[r] = (skipped[r] ?? 0) + 1),
  })) {
    if (item.kind === 'geography') bundles.push(item.geography);
  }
  return { bundle: bundles[0], count: bundles.length, errors, skipped };
}
async function fileError(files: string[]): Promise<ImportFileError> {
  try {
    await run(files);
  } catch (e) {
    if (e instanceof ImportFileError) return e;
    throw e;
  }
  throw new Error('expected the files to be refused');
}

const REAL = [
  'england_ltla_vintages_2019_2025.csv',
  'ons_la_changes_2014_2025.csv',
  'mysociety_uk_local_authorities.csv',
  'ons_ltla14_lookup.csv',
].map((f) => sharedFile(`geography/${f}`));
const live = (b: GeographyBundle, at: string, prefixes: string[]) =>
  b.areas.filter(
    (a) =>
      prefixes.includes(a.code.slice(0, 3)) &&
      (a.validFrom === null || a.validFrom <= at) &&
      (a.validTo === null || a.validTo >= at),
  );
const LTLA = ['E06', 'E07', 'E08', 'E09'];

describe('areas-vintages adapter over the real files', async () => {
  const r = await run([...REAL].reverse()); // any order: files are told apart by their header
  const b = r.bundle!;
  const area = (code: string) => b.areas.find((a) => a.code === code);
  const parents = (code: string, relation: string) =>
    b.parents
      .filter((p) => p.code === code && p.relation === relation)
      .map((p) => `${p.parent} ${p.validFrom}..${p.validTo ?? ''}`);
  const successors = (code: string) =>
    b.successions.filter((s) => s.predecessor === code).map((s) => `${s.successor} ${s.changeType} ${s.effectiveDate}`);

  it('yields one geography bundle, with no errors and the rows it leaves out counted by reason', () => {
    expect(r.errors).toEqual([]);
    expect(r.count).toBe(1);
    expect(r.skipped).toEqual({
      'councils outside England': 90 + 65, // mySociety's Welsh, Scottish and Northern Irish councils, and the 2014 lookup's
      'changes outside England': 4,
      'combined-authority memberships (read from the vintage file)': 23,
      'the Greater London Authority (not a council type held)': 1,
    });
    expect(b.source).toMatch(/OGL v3.*CC BY 4\.0/);
  });

  it('dates the councils so that each April matches the vintage counts in SOURCES.md', () => {
    const counts = [2019, 2020, 2021, 2022, 2023, 2024, 2025].map((y) => live(b, `${y}-04-01`, LTLA).length);
    expect(counts).toEqual([317, 314, 309, 309, 296, 296, 296]);
    // the 2014 to 2018 set, before Dorset, Suffolk and Somerset West
    expect(live(b, '2019-03-31', LTLA)).toHaveLength(326);
    expect(live(b, '2019-04-01', ['E10'])).toHaveLength(26);
    expect(live(b, '2023-04-01', ['E10'])).toHaveLength(21);
    expect(live(b, '2024-04-01', ['E12'])).toHaveLength(9);
    expect(live(b, '2025-06-01', ['E47'])).toHaveLength(15);
    // In the 2025 vintage, but established in May 2025 (mySociety): their members join them then.
    expect(live(b, '2025-04-01', ['E47'])).toHaveLength(13);
  });

  it('takes real start dates from mySociety only when they are 1 April or a combined authority', () => {
    expect(area('E08000009')).toMatchObject({ name: 'Trafford', validFrom: '1974-04-01', validTo: null });
    expect(area('E06000029')).toMatchObject({ name: 'Poole', validFrom: '1997-04-01', validTo: '2019-03-31' });
    expect(area('E06000028')).toMatchObject({ name: 'Bournemouth', validFrom: null }); // mySociety's 2005-06-19 is a register date
    expect(area('E47000013')).toMatchObject({ validFrom: '2024-02-27', validTo: null });
    expect(area('E06000060')).toMatchObject({ name: 'Buckinghamshire', validFrom: '2020-04-01', validTo: null });
    expect(area('E10000002')).toMatchObject({ name: 'Buckinghamshire', validTo: '2020-03-31' });
  });

  it('merges consecutive vintages with the same parent into one interval per relation', () => {
    expect(parents('E08000009', 'region')).toEqual(['E12000002 2014-04-01..']);
    expect(parents('E08000009', 'combined-authority')).toEqual(['E47000001 2019-04-01..']);
    expect(parents('E06000057', 'combined-authority')).toEqual([
      'E47000011 2019-04-01..2024-03-31',
      'E47000014 2024-04-01..',
    ]);
    expect(parents('E07000026', 'county')).toEqual(['E10000006 2014-04-01..2023-03-31']);
    expect(parents('E07000048', 'county')).toEqual(['E10000009 2014-04-01..2019-03-31']); // from the 2014 lookup
    // all its districts are in it
    expect(parents('E10000003', 'combined-authority')).toEqual(['E47000008 2019-04-01..']);
  });

  it('gives fire and rescue authorities from 2021 only, carrying the 2024 lookup to 2025 codes through their predecessors', () => {
    expect(parents('E07000084', 'fire-rescue-authority')).toEqual(['E31000048 2021-04-01..']);
    expect(parents('E07000026', 'fire-rescue-authority')).toEqual(['E31000009 2021-04-01..2023-03-31']);
    expect(parents('E08000038', 'fire-rescue-authority')).toEqual(['E31000042 2025-04-01..']);
    expect(b.parents.filter((p) => p.relation === 'fire-rescue-authority' && p.validFrom < '2021-04-01')).toEqual([]);
    expect(live(b, '2024-04-01', ['E31'])).toHaveLength(44);
  });

  it('records mergers, splits and new codes, and gives every retired code a successor', () => {
    expect(successors('E08000016')).toEqual(['E08000038 new-code 2025-04-01']);
    expect(successors('E08000019')).toEqual(['E08000039 new-code 2025-04-01']);
    expect(successors('E07000004')).toEqual(['E06000060 merger 2020-04-01']);
    expect(successors('E10000002')).toEqual(['E06000060 merger 2020-04-01']);
    expect(successors('E10000006')).toEqual(['E06000063 split 2023-04-01', 'E06000064 split 2023-04-01']);
    // Christchurch went to BCP
    expect(successors('E10000009')).toEqual(['E06000058 split 2019-04-01', 'E06000059 split 2019-04-01']);
    expect(successors('E47000010')).toEqual(['E47000014 merger 2024-04-01']);
    expect(successors('E08000020')).toEqual(['E08000037 new-code 2013-04-01']);
    const retired = b.areas.filter((a) => a.validTo !== null);
    // 15 in 2019, 5 in 2020, 8 in 2021, 20 in 2023, 2 combined authorities in 2024, 2 in 2025, 8 before 2014.
    expect(retired).toHaveLength(60);
    expect(retired.filter((a) => successors(a.code).length === 0)).toEqual([]);
  });

  it('keeps names over time: Tewkesbury until March 2025, North Gloucestershire after', () => {
    expect(area('E07000083')).toMatchObject({
      name: 'North Gloucestershire',
      names: [
        { name: 'Tewkesbury', validFrom: '2019-04-01', validTo: '2025-03-31' },
        { name: 'North Gloucestershire', validFrom: '2025-04-01', validTo: null },
      ],
    });
    expect(b.areas.filter((a) => a.names)).toHaveLength(1);
  });

  it('holds every area code that the LAIT crosswalk and the ELS areas use (E06 to E13, E47, E92)', async () => {
    const codes = new Set(b.areas.map((a) => a.code));
    const used = new Set<string>();
    for await (const row of readCsv(sharedFile('performance/dfe_lait/lait_la_number_to_gss_crosswalk.csv'), {
      required: ['gss_code'],
      adapter: 'test',
    }))
      used.add(row.get('gss_code')!.trim());
    for await (const row of readCsv(sharedFile('performance/ons_explore_local_statistics/els_areas.csv'), {
      required: ['areacd'],
      adapter: 'test',
    }))
      used.add(row.get('areacd')!.trim());
    const ours = [...used].filter((c) => /^E(0[6-9]|1[0-3]|47|92)/.test(c));
    expect(ours.length).toBeGreaterThan(400);
    expect(ours.filter((c) => !codes.has(c))).toEqual([]);
    for (const c of [
      'E10000009',
      'E06000029',
      'E06000028',
      'E10000006',
      'E10000021',
      'E13000001',
      'E13000002',
      'E92000001',
      'E11000004',
    ])
      expect(codes.has(c)).toBe(true);
  });

  it('works without the optional 2014 lookup: the 2019 abolitions then have no parents', async () => {
    const without = await run(REAL.slice(0, 3));
    expect(without.errors).toEqual([]);
    expect(without.bundle!.areas).toHaveLength(b.areas.length);
    expect(without.bundle!.parents.filter((p) => p.code === 'E07000048')).toEqual([]);
  });
});

describe('areas-vintages adapter refuses bad input', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'areas-vintages-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (name: string, lines: string[]) => {
    const p = path.join(tmp, name);
    writeFileSync(p, `${lines.join('\n')}\n`);
    return p;
  };
  const VH =
    'vintage,ltla_code,ltla_name,ltla_type,county_code,county_name,utla_code,utla_name,region_code,region_name,met_county_code,met_county_name,combined_authority_code,combined_authority_name,fire_rescue_authority_code,fire_rescue_authority_name';
  const trafford = (y: number) =>
    `${y},E08000009,Trafford,Metropolitan district,,,E08000009,Trafford,E12000002,North West,E11000001,Greater Manchester,E47000001,Greater Manchester,,`;
  const changes = () => write('changes.csv', ['oldcd,oldnm,newcd,newnm,type,start']);
  const MH =
    'local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,county-la,combined-authority,former-gss-codes';
  const mysociety = (...rows: string[]) => write('mysociety.csv', [MH, ...rows]);
  const vintages = (...rows: string[]) => write('vintages.csv', [VH, ...rows]);

  it('reads a minimal valid set', async () => {
    const r = await run([
      vintages(trafford(2024), trafford(2025)),
      changes(),
      mysociety('TRF,Trafford Council,Trafford,E08000009,1974-04-01,,,England,North West,MD,,GMCA,'),
    ]);
    expect(r.errors).toEqual([]);
    expect(r.bundle!.areas.find((a) => a.code === 'E08000009')).toMatchObject({
      validFrom: '1974-04-01',
      validTo: null,
    });
  });

  it('refuses a file meant for another adapter, naming the file and line 1', async () => {
    const e = await fileError([
      sharedFile('performance/oflog_adult_social_care_2015_2023.csv'),
      changes(),
      mysociety(),
    ]);
    expect(e.wrongHeader).toBe(true);
    expect(e.at).toMatchObject({ file: expect.stringContaining('oflog_adult_social_care_2015_2023.csv'), line: 1 });
    expect(e.message).toMatch(/not a file the areas-vintages importer reads.*england_ltla_vintages_2019_2025\.csv/);
  });

  it('refuses an unknown column in the vintage file, and a missing one, naming the column', async () => {
    const extra = write('extra.csv', [`${VH},police_force_code`, `${trafford(2024)},E23000005`]);
    const e = await fileError([extra, changes(), mysociety()]);
    expect(e.at).toEqual({ file: expect.stringContaining('extra.csv'), line: 1 });
    expect(e.message).toMatch(/unknown column "police_force_code"/);
    const renamed = write('renamed.csv', [VH.replace('ltla_code', 'ltla_cd'), trafford(2024)]);
    const m = await fileError([renamed, changes(), mysociety()]);
    expect(m.message).toMatch(/lacks "ltla_code"/);
  });

  it('refuses a file that does not exist, naming it', async () => {
    const e = await fileError([path.join(tmp, 'nowhere.csv'), changes(), mysociety()]);
    expect([path.basename(e.at.file), e.at.line, e.message]).toEqual(['nowhere.csv', 0, 'file not found']);
  });

  it('refuses a set without one of the three required files', async () => {
    const e = await fileError([vintages(trafford(2024)), mysociety()]);
    expect(e.message).toMatch(/also needs ons_la_changes_2014_2025\.csv/);
  });

  it('reports bad rows with file:line and field, and yields nothing', async () => {
    const r = await run([
      vintages(
        trafford(2024),
        '2024,E08000010,Wigan,London borough,,,E08000010,Wigan,E12000002,North West,,,,,,',
        '20x4,E0800001,Bolton,Metropolitan district,,,E08000001,Bolton,E12000002,North West,,,,,,',
      ),
      changes(),
      mysociety('TRF,Trafford Council,Trafford,E08000009,2023-02-30,,,England,North West,MD,,GMCA,'),
    ]);
    expect(r.count).toBe(0);
    const brief = r.errors.map((e) => `${path.basename(e.at.file)}:${e.at.line} ${e.field}`);
    expect(brief).toEqual([
      'vintages.csv:3 ltla_type',
      'vintages.csv:4 vintage',
      'vintages.csv:4 ltla_code',
      'mysociety.csv:2 start-date',
    ]);
    expect(r.errors[3]!.message).toBe('"2023-02-30" is not a date written YYYY-MM-DD');
    expect(r.errors[2]!.message).toMatch(/"E0800001" is not a E06 or E07 or E08 or E09 GSS code/);
  });

  it('reports a change that contradicts the vintages at the change row', async () => {
    const c = write('changes-bad.csv', [
      'oldcd,oldnm,newcd,newnm,type,start',
      'E08000009,Trafford,E08000099,New Trafford,new_code,2025',
    ]);
    const r = await run([vintages(trafford(2024), trafford(2025)), c, mysociety()]);
    expect(r.count).toBe(0);
    expect(r.errors[0]).toMatchObject({ at: { line: 2 }, field: 'start', value: '2025' });
    expect(r.errors[0]!.message).toMatch(
      /E08000009 Trafford ends in 2025 here, but the vintage file still has it in 2025/,
    );
  });
});
