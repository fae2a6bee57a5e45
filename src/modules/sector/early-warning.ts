/**
 * Early warning as published, explainable rules: loading rule sets, screening every council, and keeping the history
 * of when each council entered and left each flag, with analysts' annotations. Screening results are for analysts and
 * administrators (the routes enforce it); the rules themselves are public.
 */
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { COUNCIL_TYPES, type AreasService } from '../areas/index.ts';
import type { GroupsService } from '../groups/index.ts';
import type { MetricsService } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import type { BasketDefinitionT } from './definitions.ts';
import { sectorRepository as repo } from './repository.ts';
import { ruleSetProblems, type RuleSetT, type RuleT } from './rules.ts';
import { evaluateRule, type Council, type Evidence, type ScreenMetric, type ScreeningData } from './screening.ts';
import type { SectorService } from './service.ts';

export const DEFAULT_RULES = 'sector-early-warning';
/** Periods of each metric loaded for screening: enough for the longest run a rule may ask for. */
const WINDOW = 11;

export interface ScreeningResult {
  ruleSet: { id: string; version: string; name: string };
  runId: number | null;
  runAt: string;
  councils: number;
  rules: {
    id: string;
    type: string;
    statement: string;
    status: 'ok' | 'failed';
    error: string | null;
    flagged: number;
  }[];
  results: {
    area: { code: string; name: string; type: string };
    flags: { rule: string; statement: string; evidence: Evidence; since: string }[];
  }[];
}

export function createEarlyWarning(
  db: Db,
  deps: {
    sector: SectorService;
    metrics: MetricsService;
    observations: ObservationsService;
    areas: AreasService;
    groups: GroupsService;
    logger: Logger;
  },
) {
  const { sector, metrics, observations, areas, groups } = deps;
  const log = deps.logger.child({ module: 'early-warning' });

  async function groupExists(spec: string): Promise<boolean> {
    if (spec === 'same-type') return true;
    if (spec.startsWith('nearest-neighbours:'))
      return (await groups.neighbourSets(spec.slice('nearest-neighbours:'.length))) !== undefined;
    try {
      await groups.resolve(spec);
      return true;
    } catch (e) {
      if (e instanceof AppError && e.status < 500) return false;
      throw e;
    }
  }

  async function ruleSet(ref: string | undefined): Promise<{ id: number; def: RuleSetT }> {
    const [code, version] = (ref ?? DEFAULT_RULES).split('@');
    const row = await repo.definition(db, 'rule_sets', code!, version);
    if (!row) {
      if (ref === undefined)
        throw new AppError(
          404,
          'no-rule-set',
          `No early-warning rule set is loaded yet. Load one with "sli sector load-rules FILE" (the default is src/modules/sector/rules/${DEFAULT_RULES}.json).`,
        );
      throw new AppError(400, 'unknown-rule-set', `There is no rule set "${ref}". See /api/v1/sector/rules.`, [
        { field: 'rules', message: 'is not a loaded rule set', value: ref },
      ]);
    }
    return { id: row.id, def: JSON.parse(row.definition) as RuleSetT };
  }

  async function load(raw: unknown, now?: Date) {
    const baskets = await sector.baskets();
    const byCode = new Map<string, BasketDefinitionT['metrics']>();
    for (const b of baskets) byCode.set(b.code, b.metrics); // newest version last
    const codes = ((raw as { rules?: { params?: { metric?: unknown } }[] })?.rules ?? [])
      .map((r) => r?.params?.metric)
      .filter((x): x is string => typeof x === 'string');
    const known = new Map((await metrics.resolveKnown(codes)).map((m) => [m.code, m.unitType]));
    return sector.loadDefinition(
      'rule_sets',
      raw,
      (r) =>
        ruleSetProblems(r, {
          metric: (c) => (known.has(c) ? { topic: null, polarity: '', periods: 1, unitType: known.get(c) } : undefined),
          themes: new Set(),
          basket: (c) => (byCode.has(c) ? { metrics: byCode.get(c)!.length } : undefined),
          groupExists,
        }),
      now,
    );
  }

  /** Everything the rules read, in memory: councils live today, the metrics' recent periods and their observations. */
  async function data(def: RuleSetT): Promise<ScreeningData> {
    const basketCodes = new Set<string>();
    const metricCodes = new Set<string>();
    for (const r of def.rules) {
      if (r.type === 'threshold') metricCodes.add(r.params.metric);
      else basketCodes.add(r.params.basket);
    }
    const baskets = new Map<string, string[]>();
    for (const code of basketCodes) {
      try {
        const b = await sector.basket(code);
        baskets.set(
          code,
          b.metrics.map((m) => m.metric),
        );
        for (const m of b.metrics) metricCodes.add(m.metric);
      } catch (e) {
        if (!(e instanceof AppError)) throw e; // a missing basket fails its rules, not the run
      }
    }
    const rows = await metrics.resolveKnown([...metricCodes]);
    const periods = await metrics.periodsOf(rows.map((r) => r.id));
    const screenMetrics = new Map<string, ScreenMetric>();
    const periodIds = new Set<number>();
    for (const r of rows) {
      const ps = periods.filter((p) => p.metric_id === r.id).slice(-WINDOW);
      ps.forEach((p) => periodIds.add(p.id));
      const applicable = new Set(r.applicableAreaTypes);
      screenMetrics.set(r.code, {
        id: r.id,
        code: r.code,
        title: r.title,
        polarity: r.polarity,
        applicable,
        periods: ps,
      });
    }
    const lineage = await areas.lineage();
    const councils: Council[] = (await areas.liveAreas({ types: [...COUNCIL_TYPES] })).map((c) => ({
      ...c,
      began: lineage.area(c.id)?.validFrom ?? null,
    }));
    // Each council's figures by the figure-source rule: a re-coded council (Barnsley, Sheffield) or a unitary on a
    // county's area has its predecessor's figures for the periods before it began.
    const grid = await observations.figures(
      rows,
      periods.filter((p) => periodIds.has(p.id)),
      councils.map((c) => c.id),
    );
    const byKey = new Map(
      grid.map((o) => [`${o.metric_id}:${o.period_id}:${o.area_id}`, { value: o.value, status: o.status }]),
    );
    const groupSpecs = new Set(def.rules.flatMap((r) => (r.type === 'bottom-quartile' ? [r.params.group] : [])));
    const fixed = new Map<string, { id: string; members: Council[] }>();
    const neighbours = new Map<string, Awaited<ReturnType<typeof groups.neighbourSets>>>();
    for (const spec of groupSpecs) {
      if (spec === 'same-type') continue;
      if (spec.startsWith('nearest-neighbours:'))
        neighbours.set(spec, await groups.neighbourSets(spec.slice('nearest-neighbours:'.length)));
      else if (await groupExists(spec)) fixed.set(spec, { id: spec, members: (await groups.resolve(spec)).members });
    }
    return {
      councils,
      metrics: screenMetrics,
      baskets,
      obs: (m, p, a) => byKey.get(`${m}:${p}:${a}`),
      groupFor(spec, c) {
        if (spec === 'same-type') return { id: `type:${c.type}`, members: councils.filter((x) => x.type === c.type) };
        const n = neighbours.get(spec);
        if (n !== undefined) {
          const s = n?.sets.get(c.code);
          return s ? { id: s.groupId, members: s.members } : undefined;
        }
        return fixed.get(spec);
      },
    };
  }

  /** Screens every council, records the run and the flags' history, and returns the flags with their evidence. */
  async function screen(ref?: string, now = new Date()): Promise<ScreeningResult> {
    const { id: ruleSetId, def } = await ruleSet(ref);
    const d = await data(def);
    const outcomes = def.rules.map((rule) => {
      if (rule.type === 'bottom-quartile' && !d.councils.some((c) => d.groupFor(rule.params.group, c))) {
        return {
          rule,
          status: 'failed' as const,
          error: `the group ${rule.params.group} is not available`,
          flagged: new Map<string, Evidence>(),
        };
      }
      return evaluateRule(rule, d);
    });
    const at = now.toISOString();
    const codeToId = new Map(d.councils.map((c) => [c.code, c.id]));
    const idToCouncil = new Map(d.councils.map((c) => [c.id, c]));
    const flagCount = outcomes.reduce((s, o) => s + o.flagged.size, 0);
    const since = new Map<string, string>();
    let entered = 0;
    let left = 0;
    const runId = await withTransaction(db, async (tx) => {
      const run = await repo.insertRun(tx, {
        rule_set_id: ruleSetId,
        run_at: at,
        data_as_of: await observations.lastPublished(),
        councils: d.councils.length,
        flags: flagCount,
        summary: JSON.stringify(
          outcomes.map((o) => ({ rule: o.rule.id, status: o.status, error: o.error ?? null, flagged: o.flagged.size })),
        ),
      });
      const open = await repo.openFlags(tx, ruleSetId);
      for (const o of outcomes) {
        if (o.status === 'failed') continue; // a broken rule neither raises nor clears a flag
        const openForRule = new Map(open.filter((f) => f.rule_id === o.rule.id).map((f) => [f.area_id, f]));
        for (const [code, evidence] of o.flagged) {
          const areaId = codeToId.get(code)!;
          const existing = openForRule.get(areaId);
          if (existing) {
            await repo.refreshFlag(tx, existing.id, JSON.stringify(evidence));
            since.set(`${o.rule.id}:${code}`, existing.entered_at);
            openForRule.delete(areaId);
          } else {
            await repo.insertFlag(tx, {
              rule_set_id: ruleSetId,
              rule_id: o.rule.id,
              area_id: areaId,
              entered_at: at,
              entered_run_id: run,
              left_at: null,
              left_run_id: null,
              evidence: JSON.stringify(evidence),
            });
            since.set(`${o.rule.id}:${code}`, at);
            entered++;
          }
        }
        for (const f of openForRule.values()) {
          if (!idToCouncil.has(f.area_id)) continue;
          await repo.closeFlag(tx, f.id, at, run);
          left++;
        }
      }
      return run;
    });
    log.info(
      {
        event: 'screening',
        ruleSet: `${def.id}@${def.version}`,
        runId,
        councils: d.councils.length,
        flags: flagCount,
        entered,
        left,
        failedRules: outcomes.filter((o) => o.status === 'failed').length,
      },
      'early-warning screening run',
    );
    const results = new Map<string, ScreeningResult['results'][number]>();
    for (const o of outcomes) {
      for (const [code, evidence] of o.flagged) {
        const c = d.councils.find((x) => x.code === code)!;
        let r = results.get(code);
        if (!r) results.set(code, (r = { area: { code, name: c.name, type: c.type }, flags: [] }));
        r.flags.push({
          rule: o.rule.id,
          statement: o.rule.statement,
          evidence,
          since: since.get(`${o.rule.id}:${code}`) ?? at,
        });
      }
    }
    return {
      ruleSet: { id: def.id, version: def.version, name: def.name },
      runId,
      runAt: at,
      councils: d.councils.length,
      rules: outcomes.map((o) => ({
        id: o.rule.id,
        type: o.rule.type,
        statement: o.rule.statement,
        status: o.status,
        error: o.error ?? null,
        flagged: o.flagged.size,
      })),
      results: [...results.values()].sort((a, b) => a.area.name.localeCompare(b.area.name)),
    };
  }

  return {
    load,
    screen,
    ruleSet,
    async ruleSets() {
      return (await repo.definitions(db, 'rule_sets')).map((r) => {
        const d = JSON.parse(r.definition) as RuleSetT;
        return {
          id: `${r.code}@${r.version}`,
          code: r.code,
          version: r.version,
          name: r.name,
          description: d.description,
          loadedAt: r.loaded_at,
          rules: d.rules as RuleT[],
        };
      });
    },
    /** Every flag of a rule set with its annotations: when each council entered and left each flag. */
    async history(ref?: string, areaCode?: string) {
      const { id, def } = await ruleSet(ref);
      const area = areaCode ? (await areas.resolveCodes([areaCode])).areas[0] : undefined;
      const flags = await repo.flagHistory(db, id, area?.id);
      const notes = await repo.annotationsOf(
        db,
        flags.map((f) => f.id),
      );
      return {
        ruleSet: { id: def.id, version: def.version, name: def.name },
        flags: flags.map((f) => ({
          id: f.id,
          rule: f.rule_id,
          area: { code: f.code, name: f.name, type: f.type },
          enteredAt: f.entered_at,
          leftAt: f.left_at,
          evidence: JSON.parse(f.evidence) as Evidence,
          annotations: notes
            .filter((n) => n.flag_id === f.id)
            .map((n) => ({ author: n.author, text: n.text, createdAt: n.created_at })),
        })),
      };
    },
    /**
     * The screening results for analysts: the latest run (its rules' status and counts) and the flags, open only unless
     * `all` is asked for, each with its evidence, dates and annotations.
     */
    async results(q: { rules?: string | undefined; area?: string | undefined; include?: 'open' | 'all' | undefined }) {
      const { id } = await ruleSet(q.rules);
      const h = await this.history(q.rules, q.area);
      const run = await repo.latestRun(db, id);
      return {
        ruleSet: h.ruleSet,
        lastRun: run
          ? {
              id: run.id,
              runAt: run.run_at,
              dataAsOf: run.data_as_of,
              councils: run.councils,
              flags: run.flags,
              rules: JSON.parse(run.summary ?? '[]') as {
                rule: string;
                status: string;
                error: string | null;
                flagged: number;
              }[],
            }
          : null,
        flags: q.include === 'all' ? h.flags : h.flags.filter((f) => f.leftAt === null),
      };
    },
    async annotate(flagId: number, author: { id: number | null; name: string }, text: string, now = new Date()) {
      const t = text.trim();
      if (t === '' || t.length > 2000)
        throw new AppError(400, 'invalid-parameter', 'An annotation is 1 to 2,000 characters.', [
          { field: 'text', message: 'must be 1 to 2,000 characters' },
        ]);
      if (!(await repo.flagById(db, flagId))) throw new AppError(404, 'not-found', `Flag ${flagId} does not exist.`);
      await repo.insertAnnotation(db, {
        flag_id: flagId,
        user_id: author.id,
        author: author.name,
        text: t,
        created_at: now.toISOString(),
      });
    },
  };
}
export type EarlyWarning = ReturnType<typeof createEarlyWarning>;
