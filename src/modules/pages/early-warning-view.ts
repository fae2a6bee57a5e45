/** The analysts' early-warning page: the latest screening run, the flags with their evidence, and annotations. */
import type { EarlyWarning } from '../sector/index.ts';
import { formatDate } from './format.ts';

export function createEarlyWarningPages(deps: { earlyWarning: EarlyWarning }) {
  const { earlyWarning } = deps;
  return {
    screen: (rules?: string) => earlyWarning.screen(rules),
    annotate: earlyWarning.annotate,
    async page(q: { rules?: string | undefined; include?: 'open' | 'all' | undefined }) {
      const [r, sets] = await Promise.all([earlyWarning.results(q), earlyWarning.ruleSets()]);
      const statements = new Map(
        sets.find((s) => s.id === `${r.ruleSet.id}@${r.ruleSet.version}`)?.rules.map((x) => [x.id, x.statement]) ?? [],
      );
      const councils = new Set(r.flags.filter((f) => f.leftAt === null).map((f) => f.area.code));
      return {
        r,
        include: q.include ?? 'open',
        openCouncils: councils.size,
        lastRunText: r.lastRun ? formatDate(r.lastRun.runAt) : null,
        flags: r.flags.map((f) => ({
          ...f,
          statement: statements.get(f.rule) ?? f.rule,
          sinceText: formatDate(f.enteredAt),
          leftText: f.leftAt ? formatDate(f.leftAt) : null,
          items: f.evidence.items.map((i) =>
            Object.entries(i)
              .filter(([, v]) => v !== null && typeof v !== 'object')
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join('; '),
          ),
          annotations: f.annotations.map((a) => ({ ...a, when: formatDate(a.createdAt) })),
        })),
      };
    },
  };
}
export type EarlyWarningPages = ReturnType<typeof createEarlyWarningPages>;
