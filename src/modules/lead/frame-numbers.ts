/**
 * The number a survey frame gives each participant among the people of one council in one cohort ("person 2 from the
 * council"): the council as the geography resolves it today (the current council an area passed whole into by a
 * merger or a new code), so two predecessors of one council are told apart. A number, once issued to a frame, is kept
 * (lead_participants.frame_number): a later change to the geography, or a predecessor's participant joining the
 * group, never moves it. Those not yet issued take the lowest numbers still free, in the order they were put forward.
 * Only when two people already numbered come to share a council (a merger learnt after both were issued) does the
 * later one take a new number, since one frame cannot hold the same council and role twice.
 */
export interface Numbered {
  id: number;
  /** The cohort and the council as resolved today, e.g. `12|E06000063`. */
  group: string;
  /** The number issued before, if any. */
  issued: number | null;
}

/** Each participant's number (1 for the first of their council in the cohort), by participant id. */
export function frameNumbers(people: readonly Numbered[]): Map<number, number> {
  const groups = new Map<string, Numbered[]>();
  for (const p of [...people].sort((a, b) => a.id - b.id)) {
    const g = groups.get(p.group);
    if (g) g.push(p);
    else groups.set(p.group, [p]);
  }
  const out = new Map<number, number>();
  for (const members of groups.values()) {
    const taken = new Set<number>();
    const waiting: Numbered[] = [];
    for (const p of members) {
      if (p.issued !== null && !taken.has(p.issued)) {
        taken.add(p.issued);
        out.set(p.id, p.issued);
      } else waiting.push(p);
    }
    let next = 1;
    for (const p of waiting) {
      while (taken.has(next)) next++;
      taken.add(next);
      out.set(p.id, next);
    }
  }
  return out;
}
