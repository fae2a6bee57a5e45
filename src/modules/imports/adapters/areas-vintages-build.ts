/**
 * Builds the geography bundle from the parsed areas-vintages files: areas with validity dates and names over time,
 * parents per relation as intervals, and successions. The rules are described at the top of areas-vintages.ts.
 */
import type { AdapterContext } from '../adapter.ts';
import type { AreaParentRecord, AreaRecord, AreaSuccessionRecord, GeographyBundle } from '../../areas/index.ts';
import type { SourceLocation } from '../../../platform/source.ts';

export interface Named {
  code: string;
  name: string;
}
export interface VintageRow {
  year: number;
  code: string;
  name: string;
  region: Named;
  county: Named | undefined;
  upperTier: string;
  met: Named | undefined;
  ca: Named | undefined;
  fra: Named | undefined;
  at: SourceLocation;
}
export interface ChangeRow {
  old: string;
  oldName: string;
  new: string | undefined;
  newName: string | undefined;
  type: 'merger' | 'new_code' | 'termination';
  year: number;
  at: SourceLocation;
}
export interface MySocietyRow {
  laCode: string;
  gss: string;
  name: string;
  start: string | undefined;
  end: string | undefined;
  replacedBy: string[];
  former: string[];
  at: SourceLocation;
}
export interface Ltla14Row {
  code: string;
  name: string;
  county: string | undefined;
  met: string | undefined;
  region: string;
  at: SourceLocation;
}
export interface ParsedGeography {
  vintages: VintageRow[];
  changes: ChangeRow[];
  mysociety: MySocietyRow[];
  ltla14: Ltla14Row[];
  hasLtla14: boolean;
}

type Relation = AreaParentRecord['relation'];

export const GEOGRAPHY_SOURCE =
  'ONS Open Geography (OGL v3): england_ltla_vintages_2019_2025, ons_la_changes_2014_2025, ons_ltla14_lookup; mySociety uk_local_authority_names_and_codes (CC BY 4.0)';

/**
 * Codes retired before 2014 (earlier than ons_la_changes) that publishers' series still use. mySociety lists them as
 * former codes without dates; the years are those ONS Explore Local Statistics gives ("obsolete code since 2013"), and
 * the North East combined authority's old code ended when North of Tyne was formed (mySociety: 2018-11-02).
 */
const EARLIER_CODES: Record<string, { successor: string; from: string; name?: string }> = {
  E06000048: { successor: 'E06000057', from: '2013-04-01' },
  E08000020: { successor: 'E08000037', from: '2013-04-01' },
  E11000004: { successor: 'E11000007', from: '2013-04-01', name: 'Tyne and Wear' },
  E07000097: { successor: 'E07000242', from: '2013-04-01' },
  E07000101: { successor: 'E07000243', from: '2013-04-01' },
  E07000100: { successor: 'E07000240', from: '2012-04-01' },
  E07000104: { successor: 'E07000241', from: '2012-04-01' },
  E47000005: { successor: 'E47000010', from: '2018-11-02' },
};
/** Areas no file names: the country and the Inner/Outer London statistical areas DfE reports on. */
const FIXED_AREAS: Named[] = [
  { code: 'E92000001', name: 'England' },
  { code: 'E13000001', name: 'Inner London' },
  { code: 'E13000002', name: 'Outer London' },
];
/** Parents of parents, derived when every member council of the parent agrees (e.g. a county's region). */
const DERIVED: [Relation, Relation[]][] = [
  ['county', ['region', 'combined-authority', 'fire-rescue-authority']],
  ['metropolitan-county', ['region']],
  ['combined-authority', ['region']],
  ['fire-rescue-authority', ['region']],
];

const april = (y: number) => `${y}-04-01`;
const march31 = (y: number) => `${y}-03-31`;
const shiftDay = (d: string, days: number) => {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
};
/** Later of two starts (null: since before our records). */
const laterStart = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);
/** Earlier of two ends (null: still current). */
const earlierEnd = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b);

interface Draft {
  code: string;
  name: string;
  validFrom: string | null;
  validTo: string | null;
  /** validFrom set by a change (a new code): not overridden by mySociety. */
  fixedFrom: boolean;
  at: SourceLocation;
}

export function buildGeography(p: ParsedGeography, ctx: AdapterContext): GeographyBundle {
  const years = [...new Set(p.vintages.map((v) => v.year))].sort((a, b) => a - b);
  const lastYear = years.at(-1) ?? 0;
  const next = (y: number) => years.find((x) => x > y);
  const areas = new Map<string, Draft>();
  const area = (code: string, name: string, at: SourceLocation): Draft => {
    let a = areas.get(code);
    if (!a) areas.set(code, (a = { code, name, validFrom: null, validTo: null, fixedFrom: false, at }));
    return a;
  };
  const fail = (at: SourceLocation, field: string | undefined, value: string | undefined, message: string) =>
    ctx.error({ at, field, value, message });

  // Councils and their parents, as the vintages show them (names: the latest vintage's).
  const present = new Map<string, number[]>();
  const names = new Map<string, Map<number, string>>();
  const inYear = new Map<number, string[]>();
  const seenAsParent = new Map<string, number[]>();
  for (const v of p.vintages) {
    const a = area(v.code, v.name, v.at);
    a.name = v.name;
    (present.get(v.code) ?? present.set(v.code, []).get(v.code)!).push(v.year);
    (names.get(v.code) ?? names.set(v.code, new Map()).get(v.code)!).set(v.year, v.name);
    (inYear.get(v.year) ?? inYear.set(v.year, []).get(v.year)!).push(v.code);
    for (const parent of [v.region, v.county, v.met, v.ca, v.fra]) {
      if (!parent) continue;
      area(parent.code, parent.name, v.at).name = parent.name;
      const ys = seenAsParent.get(parent.code) ?? seenAsParent.set(parent.code, []).get(parent.code)!;
      if (!ys.includes(v.year)) ys.push(v.year);
    }
  }
  const lifetime = (a: Draft, ys: number[]) => {
    const first = Math.min(...ys);
    const last = Math.max(...ys);
    if (first > years[0]!) a.validFrom = april(first);
    if (last < lastYear) a.validTo = march31(next(last)!);
  };
  for (const [code, ys] of present) lifetime(areas.get(code)!, ys);
  // Counties and combined authorities live while some council has them; regions, metropolitan counties and fire
  // authorities (published for two vintages only) are not dated from their appearances.
  for (const [code, ys] of seenAsParent) if (/^E(10|47)/.test(code)) lifetime(areas.get(code)!, ys);

  // Changes: who ended when, what began, and the successions.
  const successions = new Map<string, AreaSuccessionRecord>();
  const succeed = (s: AreaSuccessionRecord) => {
    const key = `${s.predecessor}>${s.successor}`;
    if (!successions.has(key)) successions.set(key, s);
  };
  const terminations: ChangeRow[] = [];
  for (const c of p.changes) {
    const old = areas.get(c.old) ?? area(c.old, c.oldName, c.at);
    const end = march31(c.year);
    if (present.has(c.old) || seenAsParent.has(c.old) ? old.validTo !== end : c.year > years[0]!) {
      fail(
        c.at,
        'start',
        String(c.year),
        `${c.old} ${c.oldName} ends in ${c.year} here, but the vintage file ${old.validTo ? `ends it on ${old.validTo}` : `still has it in ${lastYear}`}`,
      );
      continue;
    }
    old.validTo = end;
    if (c.type === 'termination') {
      terminations.push(c);
      continue;
    }
    const created = areas.get(c.new!);
    if (!created) {
      fail(c.at, 'newcd', c.new, `${c.new} ${c.newName ?? ''} is not in the vintage file`);
      continue;
    }
    const expected = c.year > years[0]! ? april(c.year) : null;
    if (
      (present.has(c.new!) || seenAsParent.has(c.new!)) &&
      created.validFrom !== expected &&
      created.validFrom !== april(c.year)
    ) {
      fail(
        c.at,
        'start',
        String(c.year),
        `${c.new} begins in ${c.year} here, but the vintage file ${created.validFrom ? `begins it on ${created.validFrom}` : `has it in ${years[0]}`}`,
      );
      continue;
    }
    created.validFrom = april(c.year);
    created.fixedFrom = true;
    succeed({
      predecessor: c.old,
      successor: c.new!,
      changeType: c.type === 'merger' ? 'merger' : 'new-code',
      effectiveDate: april(c.year),
      note:
        c.type === 'new_code'
          ? `ONS issued a new code after a boundary change (${c.oldName} ${c.old} became ${c.new})`
          : undefined,
    });
  }

  // Codes retired before 2014, as new-code successions.
  for (const [old, e] of Object.entries(EARLIER_CODES)) {
    const successor = areas.get(e.successor);
    if (!successor) continue;
    const a = area(old, e.name ?? successor.name, successor.at);
    a.validTo = shiftDay(e.from, -1);
    successor.validFrom = e.from;
    successor.fixedFrom = true;
    succeed({
      predecessor: old,
      successor: e.successor,
      changeType: 'new-code',
      effectiveDate: e.from,
      note: 'ONS issued a new code after a boundary change',
    });
  }

  // mySociety: start dates, end-date checks, replaced-by and former codes.
  const byRegister = new Map(p.mysociety.map((m) => [m.laCode, m.gss]));
  const replacedBy = new Map<string, { successors: string[]; at: SourceLocation }>();
  for (const m of p.mysociety) {
    const a = areas.get(m.gss);
    if (!a) {
      ctx.skipped?.(m.at, 'councils in mySociety but in no ONS file');
      continue;
    }
    const isCa = m.gss.startsWith('E47');
    if (!a.fixedFrom && m.start && (m.start.endsWith('-04-01') || isCa)) a.validFrom = m.start;
    if (m.end) {
      const end = m.end.endsWith('-04-01') ? shiftDay(m.end, -1) : m.end;
      if (a.validTo !== end)
        fail(
          m.at,
          'end-date',
          m.end,
          `${m.gss} ${m.name} ends on ${end} in mySociety but ${a.validTo ? `on ${a.validTo}` : 'is still current'} in the ONS files`,
        );
    }
    const successors = m.replacedBy.map((r) => byRegister.get(r) ?? r);
    const unknown = successors.filter((s) => !areas.has(s));
    if (unknown.length > 0)
      fail(m.at, 'replaced-by', m.replacedBy.join(','), `"${unknown.join(', ')}" is not a council in these files`);
    else if (successors.length > 0) replacedBy.set(m.gss, { successors, at: m.at });
    for (const f of m.former) {
      if (!successions.has(`${f}>${m.gss}`))
        fail(
          m.at,
          'former-gss-codes',
          f,
          `former code ${f} of ${m.gss} has no date in ons_la_changes or the pre-2014 list; add it to EARLIER_CODES`,
        );
    }
  }

  // The 2014 position (optional file): parents of the councils abolished in 2019.
  const seq = p.hasLtla14 ? [2014, ...years] : years;
  const values = new Map<string, Map<number, string>>();
  const put = (child: string, rel: Relation, year: number, parent: string) => {
    const key = `${child}|${rel}`;
    (values.get(key) ?? values.set(key, new Map()).get(key)!).set(year, parent);
  };
  const valueOf = (child: string, rel: Relation, year: number) => values.get(`${child}|${rel}`)?.get(year);
  for (const r of p.ltla14) {
    if (!areas.has(r.code)) {
      fail(r.at, 'ltlacd', r.code, `${r.code} ${r.name} is neither in the vintage file nor in ons_la_changes`);
      continue;
    }
    (inYear.get(2014) ?? inYear.set(2014, []).get(2014)!).push(r.code);
    put(r.code, 'region', 2014, r.region);
    if (r.county) put(r.code, 'county', 2014, r.county);
    if (r.county) put(r.code, 'upper-tier', 2014, r.county);
    if (r.met) put(r.code, 'metropolitan-county', 2014, r.met);
  }

  // Counties abolished: their successors are those of their districts in the same year, with mySociety's replaced-by.
  for (const t of terminations) {
    const districts = new Set([
      ...p.vintages.filter((v) => v.county?.code === t.old).map((v) => v.code),
      ...p.ltla14.filter((r) => r.county === t.old).map((r) => r.code),
    ]);
    const found = new Set(
      [...successions.values()]
        .filter((s) => districts.has(s.predecessor) && s.effectiveDate === april(t.year))
        .map((s) => s.successor),
    );
    for (const s of replacedBy.get(t.old)?.successors ?? []) found.add(s);
    if (found.size === 0)
      fail(
        t.at,
        'oldcd',
        t.old,
        `no successor found for ${t.old} ${t.oldName}: none of its districts changed in ${t.year}`,
      );
    for (const s of found) {
      succeed({
        predecessor: t.old,
        successor: s,
        changeType: found.size > 1 ? 'split' : 'merger',
        effectiveDate: april(t.year),
        note: `county council abolished; its area passed to ${[...found].sort().join(' and ')}`,
      });
    }
  }
  for (const [pred, r] of replacedBy) {
    const a = areas.get(pred)!;
    for (const s of r.successors) {
      if (successions.has(`${pred}>${s}`)) continue;
      if (!a.validTo)
        fail(r.at, 'replaced-by', s, `${pred} is replaced by ${s} in mySociety but is still current in the ONS files`);
      else
        succeed({
          predecessor: pred,
          successor: s,
          changeType: 'merger',
          effectiveDate: shiftDay(a.validTo, 1),
          note: 'from mySociety replaced-by',
        });
    }
  }

  // Parents per vintage (fire and rescue authorities from the nearest published lookup, from the first one on).
  const fraYears = years.filter((y) => p.vintages.some((v) => v.year === y && v.fra));
  const fraBy = new Map<string, string>(
    p.vintages.filter((v) => v.fra).map((v) => [`${v.year}|${v.code}`, v.fra!.code]),
  );
  const recoded = [...successions.values()].filter((s) => s.changeType === 'new-code');
  const fraFor = (code: string, year: number): string | undefined => {
    if (fraYears.length === 0 || year < fraYears[0]!) return undefined;
    const source = [...fraYears].sort((a, b) => Math.abs(a - year) - Math.abs(b - year) || a - b)[0]!;
    const linked = recoded
      .filter((s) => s.successor === code)
      .map((s) => s.predecessor)
      .concat(recoded.filter((s) => s.predecessor === code).map((s) => s.successor));
    return [code, ...linked].map((c) => fraBy.get(`${source}|${c}`)).find((f) => f !== undefined);
  };
  for (const v of p.vintages) {
    put(v.code, 'region', v.year, v.region.code);
    if (v.county) put(v.code, 'county', v.year, v.county.code);
    if (v.upperTier !== v.code) put(v.code, 'upper-tier', v.year, v.upperTier);
    if (v.met) put(v.code, 'metropolitan-county', v.year, v.met.code);
    if (v.ca) put(v.code, 'combined-authority', v.year, v.ca.code);
    const fra = fraFor(v.code, v.year);
    if (fra) put(v.code, 'fire-rescue-authority', v.year, fra);
  }
  for (const y of seq) {
    for (const [via, rels] of DERIVED) {
      const members = new Map<string, string[]>();
      for (const c of inYear.get(y) ?? []) {
        const parent = valueOf(c, via, y);
        if (parent) (members.get(parent) ?? members.set(parent, []).get(parent)!).push(c);
      }
      for (const [parent, ms] of members) {
        for (const rel of rels) {
          const vals = new Set(ms.map((m) => valueOf(m, rel, y)));
          const only = [...vals][0];
          if (vals.size === 1 && only) put(parent, rel, y, only);
        }
      }
    }
  }
  const parents: AreaParentRecord[] = [];
  for (const [key, byYear] of values) {
    const [child, rel] = key.split('|') as [string, Relation];
    // A parent derived from its members (a county's region) that is not an area itself: its members' own
    // relations to it are reported as naming an area not in these files.
    const c = areas.get(child);
    if (!c) continue;
    let run: { start: number; parent: string } | undefined;
    const close = (nextYear: number | undefined) => {
      if (!run) return;
      const par = areas.get(run.parent);
      if (!par) return fail(c.at, rel, run.parent, `${child}'s ${rel} ${run.parent} is not an area in these files`);
      const validFrom = laterStart(laterStart(april(run.start), c.validFrom), par.validFrom)!;
      const validTo = earlierEnd(earlierEnd(nextYear === undefined ? null : march31(nextYear), c.validTo), par.validTo);
      if (validTo === null || validFrom <= validTo)
        parents.push({ code: child, relation: rel, parent: run.parent, validFrom, validTo });
    };
    for (const y of seq) {
      const v = byYear.get(y);
      if (run && v === run.parent) continue;
      close(y);
      run = v ? { start: y, parent: v } : undefined;
    }
    close(undefined);
  }

  for (const f of FIXED_AREAS) area(f.code, f.name, { file: '(fixed)', line: 0 });
  const succ = [...successions.values()];
  const records: AreaRecord[] = [];
  for (const a of [...areas.values()].sort((x, y) => x.code.localeCompare(y.code))) {
    if (a.validTo && !succ.some((s) => s.predecessor === a.code))
      fail(a.at, undefined, a.code, `${a.code} ${a.name} ends on ${a.validTo} but no successor is known`);
    const record: AreaRecord = { code: a.code, name: a.name, validFrom: a.validFrom, validTo: a.validTo };
    const history = names.get(a.code);
    if (history && new Set(history.values()).size > 1) record.names = nameRuns(history, a);
    records.push(record);
  }
  parents.sort(
    (x, y) =>
      x.code.localeCompare(y.code) || x.relation.localeCompare(y.relation) || x.validFrom.localeCompare(y.validFrom),
  );
  succ.sort((x, y) => x.predecessor.localeCompare(y.predecessor) || x.successor.localeCompare(y.successor));
  return { areas: records, parents, successions: succ, source: GEOGRAPHY_SOURCE };
}

/** Names over time from the vintages: one interval per run of years with the same name. */
function nameRuns(history: Map<number, string>, a: Draft): NonNullable<AreaRecord['names']> {
  const ys = [...history.keys()].sort((x, y) => x - y);
  const runs: { name: string; start: number }[] = [];
  for (const y of ys) if (runs.at(-1)?.name !== history.get(y)) runs.push({ name: history.get(y)!, start: y });
  return runs.map((r, i) => {
    const following = runs[i + 1];
    return {
      name: r.name,
      validFrom: i === 0 ? (a.validFrom ?? april(r.start)) : april(r.start),
      validTo: following ? march31(following.start) : a.validTo,
    };
  });
}
