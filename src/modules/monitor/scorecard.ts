/**
 * The usage scorecard for a month, computed live from the platform's own tables: registered users by authority type;
 * registered councils (with a user) as a share of the councils of each type current at the month's end (the
 * geography's denominator); the share of registered councils with a signed-in request in the last 30 and 60 days
 * (to the month's end, or today in the current month); metrics published and the share new or updated in the month
 * (the change feed); saved reports; page views, average daily unique visitors (never a sum over days), API requests
 * and embeds served. Per-council detail is built only when asked (the routes decide who may see it).
 */
import { COUNCIL_TYPES, today, typeInfo, type AreasService } from '../areas/index.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ChangesService } from '../changes/index.ts';
import type { Db } from '../../platform/db.ts';
import { addDays, monthRange } from './dates.ts';
import { monitorRepository as repo } from './repository.ts';

export interface ScorecardDeps {
  areas: AreasService;
  accounts: AccountsService;
  changes: ChangesService;
  savedReports: { counts(from: string, to: string): Promise<{ total: number; made: number }> };
}

export interface CouncilTypeLine {
  type: string;
  typeName: string;
  users: number;
  councils: number;
  registered: number;
  registeredShare: number | null;
  active30: number;
  active30Share: number | null;
  active60: number;
  active60Share: number | null;
}

export interface CouncilDetail {
  code: string;
  name: string;
  type: string;
  users: number;
  active30: boolean;
  active60: boolean;
}

const share = (a: number, b: number) => (b > 0 ? a / b : null);

/** Every day from `from` to `to`, inclusive (YYYY-MM-DD). */
function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export function scorecardService(db: Db, deps: ScorecardDeps) {
  async function scorecard(month: string, opts: { detail?: boolean } = {}) {
    const { from, last, next } = monthRange(month);
    const asOf = last < today() ? last : today();
    const endIso = `${next}T00:00:00.000Z`;
    const fromIso = `${from}T00:00:00.000Z`;
    // Six queries, each over an index on days or a table of hundreds of rows (never the raw events of a counted day).
    // Days after asOf have no events yet: only the days to asOf are looked for in raw events.
    const [live, users, active, metrics, saved, traffic] = await Promise.all([
      deps.areas.liveAreas({ types: [...COUNCIL_TYPES] }, last),
      deps.accounts.registeredAt(endIso),
      repo.activeCouncils(db.kysely, addDays(asOf, -59), asOf),
      deps.changes.metricActivity(fromIso, endIso),
      deps.savedReports.counts(fromIso, endIso),
      repo.traffic(db.kysely, from, last, daysFrom(from, asOf)),
    ]);
    const usersOf = new Map<string, number>();
    let sectorUsers = 0;
    for (const u of users) {
      if (u.council_code) usersOf.set(u.council_code, (usersOf.get(u.council_code) ?? 0) + 1);
      else sectorUsers++;
    }
    const since30 = addDays(asOf, -29);
    const a30 = new Set(active.filter((a) => a.last >= since30).map((a) => a.code));
    const a60 = new Set(active.map((a) => a.code));
    const byType: CouncilTypeLine[] = COUNCIL_TYPES.map((type) => {
      const councils = live.filter((c) => c.type === type);
      const registered = councils.filter((c) => usersOf.has(c.code));
      const r30 = registered.filter((c) => a30.has(c.code)).length;
      const r60 = registered.filter((c) => a60.has(c.code)).length;
      return {
        type,
        typeName: typeInfo(type).name,
        users: councils.reduce((n, c) => n + (usersOf.get(c.code) ?? 0), 0),
        councils: councils.length,
        registered: registered.length,
        registeredShare: share(registered.length, councils.length),
        active30: r30,
        active30Share: share(r30, registered.length),
        active60: r60,
        active60Share: share(r60, registered.length),
      };
    }).filter((l) => l.councils > 0 || l.users > 0);
    const sum = (f: (l: CouncilTypeLine) => number) => byType.reduce((n, l) => n + f(l), 0);
    const all = {
      users: sum((l) => l.users),
      councils: sum((l) => l.councils),
      registered: sum((l) => l.registered),
      active30: sum((l) => l.active30),
      active60: sum((l) => l.active60),
    };
    const liveCodes = new Set(live.map((c) => c.code));
    // Users of a council not current at the month's end (retired, or not a council type): counted, not shared out.
    const otherCouncilUsers = [...usersOf].filter(([c]) => !liveCodes.has(c)).reduce((n, [, k]) => n + k, 0);
    const days = Math.max(0, Math.round((Date.parse(asOf) - Date.parse(from)) / 86_400_000) + 1);
    const kindTotal = (kind: string, f: 'events' | 'uniques') =>
      traffic.filter((t) => t.kind === kind).reduce((n, t) => n + t[f], 0);
    const card = {
      month,
      from,
      to: last,
      asOf,
      users: { total: users.length, sectorBody: sectorUsers, otherCouncils: otherCouncilUsers },
      councils: {
        byType,
        total: {
          ...all,
          registeredShare: share(all.registered, all.councils),
          active30Share: share(all.active30, all.registered),
          active60Share: share(all.active60, all.registered),
        },
      },
      metrics: {
        ...metrics,
        newlyPublishedShare: share(metrics.newlyPublished, metrics.published),
        updatedShare: share(metrics.updated, metrics.published),
      },
      savedReports: { total: saved.total, madeInMonth: saved.made },
      traffic: {
        days,
        pageViews: kindTotal('page', 'events'),
        averageDailyUniqueVisitors: days > 0 ? Math.round(kindTotal('page', 'uniques') / days) : 0,
        apiRequests: kindTotal('api', 'events'),
        embedsServed: kindTotal('embed', 'events'),
      },
    };
    if (!opts.detail) return { ...card, detail: null };
    const detail: CouncilDetail[] = live
      .filter((c) => usersOf.has(c.code))
      .map((c) => ({
        code: c.code,
        name: c.name,
        type: c.type,
        users: usersOf.get(c.code) ?? 0,
        active30: a30.has(c.code),
        active60: a60.has(c.code),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { ...card, detail };
  }
  return { scorecard };
}
export type Scorecard = Awaited<ReturnType<ReturnType<typeof scorecardService>['scorecard']>>;
