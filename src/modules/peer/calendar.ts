/**
 * On-site weeks: as iCalendar (RFC 5545, via ical-generator), one all-day event per visit, and the managers' calendar
 * of a year's visits by week.
 */
import ical from 'ical-generator';
import { today } from '../areas/index.ts';
import type { PeerContext, Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';

export interface Visit {
  id: number;
  council: { code: string; name: string };
  kind: { name: string };
  onsite: { start: string | null; end: string | null };
  state: string;
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000);

/** The calendar of the visits that have dates (withdrawn ones left out); `origin` makes the events' ids unique. */
export function visitsCalendar(name: string, visits: Visit[], origin: string): string {
  const cal = ical({ name, prodId: { company: 'sli', product: 'peer-challenge' } });
  for (const v of visits) {
    if (!v.onsite.start || !v.onsite.end || v.state === 'withdrawn') continue;
    cal.createEvent({
      id: `peer-challenge-${v.id}@${new URL(origin).host}`,
      start: new Date(`${v.onsite.start}T00:00:00Z`),
      end: nextDay(v.onsite.end),
      allDay: true,
      summary: `${v.kind.name}: ${v.council.name} (${v.council.code})`,
      description: `On site. Engagement ${v.id}${v.state === 'postponed' ? ' (postponed)' : ''}.`,
      url: `${origin}/peer-challenge/engagements/${v.id}`,
    });
  }
  return cal.toString();
}

/** The Monday of the ISO week a date falls in. */
export function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The calendar of on-site weeks of a year, this year unless named (peer challenge managers and administrators): every
 * visit with dates that starts in the year, withdrawn ones left out, by the week it starts in, with its team (each
 * peer's own iCalendar).
 */
export function calendarService(ctx: PeerContext, requireManager: (v: Viewer, what: string) => unknown) {
  return async function onsiteWeeks(v: Viewer, year = Number(today().slice(0, 4))) {
    requireManager(v, 'see the calendar of on-site weeks');
    const k = ctx.db.kysely;
    const [dir, ref, rows] = await Promise.all([
      ctx.councils(),
      ctx.reference(),
      repo.visitsBetween(k, `${year}-01-01`, `${year}-12-31`),
    ]);
    const team = await repo.team(
      k,
      rows.map((e) => e.id),
    );
    const weeks = new Map<string, CalendarVisit[]>();
    for (const e of rows) {
      const c = dir.byId.get(e.area_id);
      const week = weekOf(e.onsite_start!);
      const list = weeks.get(week) ?? [];
      list.push({
        id: e.id,
        council: { code: c?.code ?? '', name: c?.name ?? '' },
        kind: { name: ref.kinds.find((x) => x.code === e.kind)?.name ?? e.kind },
        onsite: { start: e.onsite_start, end: e.onsite_end },
        state: e.state,
        team: team
          .filter((t) => t.engagement_id === e.id)
          .map((t) => ({ peerId: t.peer_id, name: t.name, teamRole: t.team_role })),
      });
      weeks.set(week, list);
    }
    return {
      year,
      visits: rows.length,
      weeks: [...weeks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, visits]) => ({ week, visits })),
    };
  };
}
export interface CalendarVisit extends Visit {
  team: { peerId: number; name: string; teamRole: string }[];
}
