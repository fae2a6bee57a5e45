/**
 * Conflicts of interest as rules (data: peer_conflict_rules): each active rule is checked for a peer against an
 * engagement's council at the visit's date; the first that fires is named with the reason.
 */
import type { AreasService } from '../areas/index.ts';
import type { GroupsService } from '../groups/index.ts';
import type { Council } from '../areas/index.ts';
import { addMonths } from './states.ts';

export interface ConflictRule {
  code: string;
  description: string;
  params: Record<string, unknown>;
}
export interface ConflictFound {
  rule: string;
  reason: string;
}
export interface ConflictInput {
  council: Council;
  /** The peer's home council, if any. */
  home: Council | undefined;
  employments: { council: Council | undefined; until: string }[];
  partnerships: { other: Council | undefined; kind: string; validFrom: string; validTo: string | null }[];
  date: string;
}

const same = (a: Council | undefined, b: Council | undefined) => !!a && !!b && a.currentCode === b.currentCode;

export function conflictChecker(deps: { areas: AreasService; groups: GroupsService }) {
  async function check(rule: ConflictRule, x: ConflictInput): Promise<string | undefined> {
    const { council, home, date } = x;
    switch (rule.code) {
      case 'own-council':
        return same(council, home) ? `the peer's home council is ${council.name} (${council.code}) itself` : undefined;
      case 'similar-council': {
        if (!home) return undefined;
        const families = Array.isArray(rule.params.families) ? (rule.params.families as string[]) : [];
        for (const family of families) {
          const sets = await deps.groups.neighbourSets(family);
          const set = sets?.sets.get(council.currentCode) ?? sets?.sets.get(council.code);
          if (set?.members.some((m) => m.code === home.code || m.code === home.currentCode))
            return `${home.name} (${home.code}) is one of ${council.name}'s similar councils in ${sets!.family.name} (${family}@${sets!.family.version})`;
        }
        return undefined;
      }
      case 'shared-partner': {
        const p = x.partnerships.find(
          (s) => same(s.other, home) && s.validFrom <= date && (s.validTo === null || s.validTo >= date),
        );
        return p ? `${home!.name} and ${council.name} have a ${p.kind} partnership from ${p.validFrom}` : undefined;
      }
      case 'recent-employment': {
        const years = typeof rule.params.years === 'number' ? rule.params.years : 3;
        const since = addMonths(date, -12 * years);
        const e = x.employments.find((m) => same(m.council, council) && m.until >= since);
        return e ? `the peer worked for ${council.name} until ${e.until}, within ${years} years of ${date}` : undefined;
      }
      case 'same-combined-authority': {
        if (!home || same(home, council)) return undefined;
        const ca = async (c: Council) => {
          const a = await deps.areas.getArea(c.code, c.validTo && c.validTo < date ? c.validTo : date);
          return a.parents.combinedAuthority;
        };
        const [mine, theirs] = await Promise.all([ca(council), ca(home)]);
        return mine && theirs && mine.code === theirs.code
          ? `${home.name} and ${council.name} are both in ${mine.name} (${mine.code})`
          : undefined;
      }
      default:
        return undefined;
    }
  }
  return async function conflicts(rules: ConflictRule[], x: ConflictInput): Promise<ConflictFound[]> {
    const found: ConflictFound[] = [];
    for (const r of rules) {
      const reason = await check(r, x);
      if (reason) found.push({ rule: r.code, reason });
    }
    return found;
  };
}
