/**
 * Group membership for one metric: the council first, then the group's other members, built-in groups narrowed to the
 * tiers the metric applies to; members of other tiers left in a mixed group are said so (they are not ranked).
 */
import type { Lineage, ResolvedArea } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';

/** A group's members as at a date (the group resolved then). */
export type GroupAt = (at: string) => Promise<ResolvedGroup>;

/**
 * The date a group's members are taken at for a period compared: its last day, or today while the period runs. The
 * headline and a single comparison both use it, so a rank "of N" is the same in both.
 */
export function membershipDate(period: { end_date: string }, today = new Date().toISOString().slice(0, 10)): string {
  return period.end_date < today ? period.end_date : today;
}

/**
 * The group's members as the council is compared with them: a member re-coded since (Sheffield E08000019, now
 * E08000039) is shown under its current code, its figure coming from the earlier one by the figure-source rule; a
 * member whose area is part of the council's own (a predecessor the council's figure may come from) is left out, so no
 * area is counted twice.
 */
export function asCompared(resolved: ResolvedGroup, focus: { id: number }, lineage: Lineage): ResolvedGroup {
  const own = new Set(lineage.withSources([focus.id]));
  const seen = new Set<number>();
  const members: ResolvedGroup['members'] = [];
  for (const x of resolved.members) {
    const now = lineage.recodedAs(x.id);
    const m = now ? { ...x, id: now.id, code: now.code, name: now.name } : x;
    if (seen.has(m.id) || (m.id !== focus.id && own.has(m.id))) continue;
    seen.add(m.id);
    members.push(m);
  }
  return members.length === resolved.members.length && members.every((m, i) => m === resolved.members[i])
    ? resolved
    : { ...resolved, members };
}

/** Built-in groups (following the geography) are narrowed to the metric's tiers; published and custom ones are not. */
const BUILT_IN_NARROWED = new Set(['authority-type', 'tier', 'region', 'county', 'combined-authority', 'england']);

export interface ComparedCouncil {
  id: number;
  code: string;
  name: string;
  type: string;
  /** Rank in a neighbour set (1 = nearest), where the group has one. */
  rank: number | null;
}

/** The councils compared, the council first; notes say who was left out of a built-in group or is not ranked. */
export function comparedCouncils(
  focus: ResolvedArea,
  resolved: ResolvedGroup,
  applicableTypes: Set<string>,
  notes: string[],
): ComparedCouncil[] {
  const types = () => [...applicableTypes].join(', ');
  let members = resolved.members.filter((x) => x.id !== focus.id);
  if (BUILT_IN_NARROWED.has(resolved.group.type)) {
    const before = members.length;
    members = members.filter((x) => applicableTypes.has(x.type));
    if (members.length < before) {
      const n = members.length + 1;
      notes.push(`The group is limited to the ${n} councils of the types this measure applies to (${types()}).`);
    }
  }
  const set = [{ id: focus.id, code: focus.code, name: focus.name, type: focus.type, rank: null }, ...members];
  const excludedTier = set.filter((x) => !applicableTypes.has(x.type));
  if (excludedTier.length > 0) {
    const named = excludedTier.map((x) => `${x.name} (${x.code})`).join(', ');
    const verb = excludedTier.length === 1 ? 'is' : 'are';
    const why = `because the measure applies to ${types()} councils only`;
    notes.push(`This group mixes tiers: ${named} ${verb} left out ${why}.`);
  }
  return set;
}

/** A note on members whose codes had ended by the group's date (published families keep their original codes). */
export function retiredNote(resolved: ResolvedGroup): string | undefined {
  const retired = resolved.group.members.filter((x) => !x.current);
  if (retired.length === 0) return undefined;
  const codes = `member code${retired.length > 1 ? 's' : ''}`;
  const ended = `had ended by ${resolved.group.at} (${retired.map((x) => x.code).join(', ')})`;
  return `${retired.length} ${codes} ${ended}; the group is shown as published.`;
}
