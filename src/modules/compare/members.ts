/**
 * Group membership for one metric: the council first, then the group's other members, built-in groups narrowed to the
 * tiers the metric applies to; members of other tiers left in a mixed group are said so (they are not ranked).
 */
import type { ResolvedArea } from '../areas/index.ts';
import type { ResolvedGroup } from '../groups/index.ts';

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
