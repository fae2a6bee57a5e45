/** On-site weeks as iCalendar (RFC 5545, via ical-generator): one all-day event per visit. */
import ical from 'ical-generator';

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
