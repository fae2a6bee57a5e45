/**
 * A SYNTHETIC deflator series (made up for tests, labelled so in its title and description) loaded through the real
 * long CSV importer, as docs/REAL-TERMS.md tells an administrator to load HM Treasury's: an index metric of England
 * (E92000001), one figure per financial year, default id hmt.gdp-deflator.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/platform/db.ts';
import { findAdapter, runImport } from '../../src/modules/imports/index.ts';

const METRIC_HEADER =
  'code,title,unit,unit_type,decimal_places,polarity,topic,period_type,applicable_area_types,publisher,licence,source_url,description,caveats';
const DATA_HEADER = 'metric,area,period,value,status,lci,uci,numerator,denominator';

/** Loads and publishes the deflator: `index` by financial year as people write it ("2023/24": 100). */
export async function loadSyntheticDeflator(db: Db, index: Record<string, number>, code = 'hmt.gdp-deflator') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deflator-'));
  const write = (name: string, lines: string[]) => {
    const f = path.join(dir, name);
    writeFileSync(f, `${lines.join('\n')}\n`);
    return f;
  };
  const s = await runImport(db, {
    adapter: findAdapter('long-csv')!,
    files: [
      write('deflator-metric.csv', [
        METRIC_HEADER,
        `${code},GDP deflator (SYNTHETIC),index,index,3,not-applicable,context,financial-year,E92,Synthetic test deflator,OGL-UK-3.0,,SYNTHETIC: made up for a test.,`,
      ]),
      write('deflator.csv', [
        DATA_HEADER,
        ...Object.entries(index).map(([year, v]) => `${code},E92000001,${year},${v},,,,,`),
      ]),
    ],
    publish: true,
  });
  if (s.errors.length > 0 || s.state !== 'published') throw new Error(`synthetic deflator: ${s.message}`);
}
