/**
 * Coverage: every current council with its last corporate peer challenge (on-site date, followed across re-codings),
 * the latest engagement's state and whether the next is due (within twelve months of five years), overdue, not due, or
 * none is on record; flagged councils from the sector's early-warning screening carry the flags' evidence, and a
 * flagged council that is overdue is listed first. The pipeline: open engagements by state with overdue deadlines.
 */
import { invalidParameter } from '../../platform/errors.ts';
import { today, typePrefixes } from '../areas/index.ts';
import type { PeerContext } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import { coverageStatus, reached, STATES, type CoverageStatus } from './states.ts';
import { deadlinesOf } from './view.ts';

export interface CoverageRow {
  code: string;
  name: string;
  type: string;
  region: string | null;
  regionName: string | null;
  lastOnsite: string | null;
  lastEngagement: number | null;
  state: string | null;
  status: CoverageStatus;
  dueBy: string | null;
  flags: { rule: string; since: string; evidence: string }[];
}
export interface CoverageQuery {
  type?: string | undefined;
  region?: string | undefined;
  status?: string | undefined;
  flagged?: boolean | undefined;
}
const STATUS_ORDER: Record<CoverageStatus, number> = { overdue: 0, none: 1, due: 2, 'not-due': 3 };

export function coverageService(ctx: PeerContext) {
  async function openFlags(): Promise<Map<string, CoverageRow['flags']>> {
    const out = new Map<string, CoverageRow['flags']>();
    try {
      const r = await ctx.deps.earlyWarning.results({ include: 'open' });
      for (const f of r.flags) {
        const list = out.get(f.area.code) ?? [];
        list.push({ rule: f.rule, since: f.enteredAt, evidence: f.evidence.summary });
        out.set(f.area.code, list);
      }
    } catch (e) {
      // No rule set loaded yet: no council is flagged.
      if ((e as { code?: string }).code !== 'no-rule-set') throw e;
    }
    return out;
  }

  /** Every current council's row, flagged and overdue first (unfiltered). */
  async function allRows(on: string): Promise<CoverageRow[]> {
    const [dir, rows, flags] = await Promise.all([ctx.councils(), repo.lastCorporate(ctx.db.kysely), openFlags()]);
    const last = new Map<string, { onsite: string | null; latest: number; latestState: string }>();
    for (const r of rows) {
      const code = dir.byId.get(r.area_id)?.currentCode;
      if (!code) continue;
      const cur = last.get(code) ?? { onsite: null, latest: r.id, latestState: r.state };
      if (r.id >= cur.latest) Object.assign(cur, { latest: r.id, latestState: r.state });
      if (r.onsite_start && reached(r.state, 'on-site') && (cur.onsite === null || r.onsite_start > cur.onsite))
        cur.onsite = r.onsite_start;
      last.set(code, cur);
    }
    const out = dir.current.map((c): CoverageRow => {
      const l = last.get(c.code);
      const s = coverageStatus(l?.onsite ?? null, on);
      return {
        code: c.code,
        name: c.name,
        type: c.type,
        region: c.region?.code ?? null,
        regionName: c.region?.name ?? null,
        lastOnsite: l?.onsite ?? null,
        lastEngagement: l?.latest ?? null,
        state: l?.latestState ?? null,
        status: s.status,
        dueBy: s.dueBy,
        flags: flags.get(c.code) ?? [],
      };
    });
    const urgent = (r: CoverageRow) => (r.flags.length > 0 && (r.status === 'overdue' || r.status === 'none') ? 0 : 1);
    return out.sort(
      (a, b) =>
        urgent(a) - urgent(b) ||
        STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
        (a.dueBy ?? '').localeCompare(b.dueBy ?? '') ||
        a.name.localeCompare(b.name),
    );
  }

  const countsOf = (rows: CoverageRow[], on: string) => {
    const by = (s: CoverageStatus) => rows.filter((r) => r.status === s).length;
    return {
      at: on,
      councils: rows.length,
      due: by('due'),
      overdue: by('overdue'),
      notDue: by('not-due'),
      none: by('none'),
    };
  };

  /** The coverage rows a query asks for, and the counts over every current council. */
  async function coverageWithCounts(q: CoverageQuery = {}, on = today()) {
    const prefixes = q.type ? typePrefixes(q.type) : undefined;
    if (q.type && !prefixes) throw invalidParameter('type', 'is not a council type such as E07 or district', q.type);
    if (q.region && !/^E12\d{6}$/.test(q.region))
      throw invalidParameter('region', 'is not a region code such as E12000002', q.region);
    const all = await allRows(on);
    const rows = all
      .filter((r) => !prefixes || prefixes.includes(r.type))
      .filter((r) => !q.region || r.region === q.region)
      .filter((r) => !q.status || r.status === q.status)
      .filter((r) => q.flagged === undefined || r.flags.length > 0 === q.flagged);
    // The regions of every current council, by name: the page offers them to choose from.
    const regions = [
      ...new Map(all.filter((r) => r.region).map((r) => [r.region!, r.regionName ?? r.region!])).entries(),
    ]
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    return { rows, counts: countsOf(all, on), regions };
  }

  const coverage = async (q: CoverageQuery = {}, on = today()) => (await coverageWithCounts(q, on)).rows;
  const counts = async (on = today()) => countsOf(await allRows(on), on);

  async function pipeline(on = today()) {
    const k = ctx.db.kysely;
    const [dir, ref, all] = await Promise.all([ctx.councils(), ctx.reference(), repo.engagements(k)]);
    const open = all.filter((e) => e.state !== 'closed' && e.state !== 'withdrawn');
    const steps = await repo.steps(
      k,
      open.map((e) => e.id),
    );
    const states = [...STATES.filter((s) => s !== 'closed'), 'postponed'];
    return states.map((state) => ({
      state,
      engagements: open
        .filter((e) => e.state === state)
        .map((e) => {
          const c = dir.byId.get(e.area_id);
          const deadlines = deadlinesOf(
            e,
            steps.filter((s) => s.engagement_id === e.id),
            ref.deadlines,
            on,
          );
          return {
            id: e.id,
            council: { code: c?.code ?? '', name: c?.name ?? '' },
            kind: e.kind,
            onsite: { start: e.onsite_start, end: e.onsite_end },
            overdue: deadlines.filter((d) => d.overdue),
          };
        }),
    }));
  }

  return { coverage, counts, coverageWithCounts, pipeline };
}
