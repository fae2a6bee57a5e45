/**
 * The position-statement evidence pack of an engagement: the council's headline report against its similar councils,
 * its value-for-money profile, the sector's early-warning flags with their evidence and the latest perception survey
 * results, each read through its module's service, then FROZEN: the sections are stored as one JSON snapshot with the
 * date and who generated it, and every later read (page, JSON, XLSX) serves that snapshot, so data published or
 * re-published since never alter what the council saw. For managers, administrators, the council and the team; never
 * public.
 */
import { AppError } from '../../platform/errors.ts';
import type { Council } from '../areas/index.ts';
import type { PeerContext, Viewer } from './context.ts';
import { packRepository as repo, type PackRow } from './pack-repository.ts';
import { HEADLINE_COLUMNS, headlineCells } from '../reports/index.ts';

type CellValue = string | number | null;

/** One section of a pack, as a table: what it is, why it is empty when it is, its rows, notes and sources. */
export interface PackSection {
  key: 'headline' | 'value' | 'flags' | 'survey';
  title: string;
  /** Why the section has no rows (nothing loaded, no responses); null when it has them. */
  unavailable: string | null;
  about: string[];
  columns: string[];
  rows: CellValue[][];
  notes: string[];
  sources: string[];
  licences: string[];
}

export interface EvidencePack {
  id: number;
  engagement: number;
  council: { code: string; name: string };
  asAt: string;
  generatedAt: string;
  generatedBy: string;
  sections: PackSection[];
  /** Every pack of the engagement, newest first (earlier ones stay readable with ?pack=ID). */
  packs: { id: number; asAt: string; generatedBy: string }[];
}

/** What is frozen: the council as it was named and coded that day, and the sections. */
interface Snapshot {
  council: { code: string; name: string };
  sections: PackSection[];
}

/** Who may read a pack, and who may generate one. */
const READERS = ['manager', 'council', 'peer'] as const;
const MAKERS = ['manager', 'council'] as const;

const empty = (key: PackSection['key'], title: string, unavailable: string, about: string[] = []): PackSection => ({
  key,
  title,
  unavailable,
  about,
  columns: [],
  rows: [],
  notes: [],
  sources: [],
  licences: [],
});

/** A client's problem (nothing loaded, no data for the council) becomes the section's reason; a fault is thrown. */
async function guarded(key: PackSection['key'], title: string, build: () => Promise<PackSection>) {
  try {
    return await build();
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return empty(key, title, e.message);
    throw e;
  }
}
const uniq = (xs: string[]) => [...new Set(xs)];

export function packService(ctx: PeerContext) {
  const { headlines, value, earlyWarning, surveys, groups } = ctx.deps;

  /** The council's similar councils: a neighbour set of a family the similar-council conflict rule names. */
  async function similarGroup(c: Council): Promise<{ id: string; note: string } | undefined> {
    const rule = (await ctx.reference()).conflictRules.find((r) => r.code === 'similar-council');
    const families = Array.isArray(rule?.params.families) ? (rule.params.families as string[]) : [];
    for (const family of families) {
      const sets = await groups.neighbourSets(family);
      const set = sets?.sets.get(c.currentCode) ?? sets?.sets.get(c.code);
      if (set) return { id: set.groupId, note: `${sets!.family.name} (${family}@${sets!.family.version})` };
    }
    return undefined;
  }

  async function headlineSection(c: Council): Promise<PackSection> {
    const title = 'Headline report against similar councils';
    const similar = await similarGroup(c);
    return guarded('headline', title, async () => {
      const h = await headlines.headline(c.currentCode, similar ? { group: similar.id } : {});
      return {
        key: 'headline',
        title,
        unavailable: null,
        about: [
          `The key measures of "${h.basket.name}" (${h.basket.id}, version ${h.basket.version}) for ${h.area.name} against ${h.group.name}${similar ? `, its similar councils in ${similar.note}` : ' (no set of similar councils is loaded for it: the councils of its type)'}.`,
          'Rank 1 is the best; councils with the same value share a rank. Quarter: the top quarter is the best.',
        ],
        columns: ['Service area', ...HEADLINE_COLUMNS],
        rows: h.themes.flatMap((t) => t.items.map((i) => [t.title, ...headlineCells(i)])),
        notes: [...[...h.notApplicable, ...h.noData].map((n) => `${n.title}: ${n.reason}.`), ...h.notes],
        sources: h.attribution,
        licences: h.licences,
      };
    });
  }

  async function valueSection(c: Council): Promise<PackSection> {
    const title = 'Value for money';
    return guarded('value', title, async () => {
      const p = await value.profile(c.currentCode);
      const rows = p.services.flatMap((s) =>
        [...s.spend, ...s.outcomes].map((f) => [
          s.title,
          f.role === 'spend' ? `spend${f.base ? ` (${f.base})` : ''}` : 'outcome',
          f.metric.title,
          f.period.label,
          f.value,
          f.metric.unit,
          f.rank,
          f.rankOf,
          f.group.median,
          f.england?.value ?? null,
          f.sentence,
        ]),
      );
      if (rows.length === 0) return empty('value', title, `No value-for-money figures are loaded for ${p.area.name}.`);
      return {
        key: 'value',
        title,
        unavailable: null,
        about: [
          `Spend per head beside each service's outcome measures for ${p.area.name} against ${p.group.name} (mapping ${p.mapping.id}, version ${p.mapping.version}).`,
        ],
        columns: [
          'Service',
          'Role',
          'Measure',
          'Period',
          'Value',
          'Unit',
          'Rank',
          'Councils ranked',
          'Group median',
          'England',
          'Summary',
        ],
        rows,
        notes: uniq([
          ...p.caveats,
          ...p.notes,
          ...p.services.flatMap((s) => [
            ...(s.notRunReason ? [`${s.title}: ${s.notRunReason}`] : []),
            ...s.missing.map((m) => `${s.title}, ${m.title}: ${m.reason}.`),
          ]),
        ]),
        sources: p.attribution,
        licences: p.licences,
      };
    });
  }

  async function flagsSection(c: Council): Promise<PackSection> {
    const title = 'Early-warning flags';
    return guarded('flags', title, async () => {
      const r = await earlyWarning.results({ area: c.currentCode, include: 'open' });
      const about = [
        `The open flags of the sector's screening "${r.ruleSet.name}" (${r.ruleSet.id}, version ${r.ruleSet.version})${r.lastRun ? `, last run ${r.lastRun.runAt.slice(0, 10)} on data as of ${r.lastRun.dataAsOf}` : ''}.`,
      ];
      if (r.flags.length === 0) return empty('flags', title, `${c.name} has no open early-warning flag.`, about);
      const detail = (items: Record<string, unknown>[]) =>
        items
          .map((i) =>
            Object.entries(i)
              .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
              .join(', '),
          )
          .join('; ');
      return {
        key: 'flags',
        title,
        unavailable: null,
        about,
        columns: ['Rule', 'Flagged since', 'Evidence', 'Evidence in detail', 'Annotations'],
        rows: r.flags.map((f) => [
          f.rule,
          f.enteredAt.slice(0, 10),
          f.evidence.summary,
          detail(f.evidence.items) || null,
          f.annotations.map((a) => `${a.author} (${a.createdAt.slice(0, 10)}): ${a.text}`).join('; ') || null,
        ]),
        notes: [],
        sources: ['The sector early-warning screening (this service)'],
        licences: ['OGL-UK-3.0'],
      };
    });
  }

  /**
   * The latest wave of a perception survey the council's people answered: the results of everyone who answered (the
   * council's own answers are never shown apart, so no respondent is identifiable), with the base of each question.
   */
  async function surveySection(c: Council): Promise<PackSection> {
    const title = 'Perception survey';
    const waves = (await surveys.surveys.waves())
      .filter((w) => w.survey.includes('perception') && w.state !== 'scheduled')
      .sort((a, b) => b.opensAt.localeCompare(a.opensAt) || b.id - a.id);
    for (const w of waves) {
      const responses = await surveys.surveys.responses(w.id, 'submitted');
      const own = responses.rows.filter((r) => r['area_code'] === c.code || r['area_code'] === c.currentCode).length;
      if (own === 0) continue;
      const t = await surveys.tables.tables({ waves: [w.id] });
      return {
        key: 'survey',
        title,
        unavailable: null,
        about: [
          `${t.tabulation.survey.title}: wave "${w.name}" (${w.opensAt.slice(0, 10)} to ${w.closesAt.slice(0, 10)}${w.state === 'open' ? ', still open: results so far' : ''}), ${own} response${own === 1 ? '' : 's'} from ${c.name}.`,
          'The results of everyone who answered the wave; the council’s own answers are not shown apart. Percentages of those answering each question, rounded; * under 0.5 per cent; nets are marked.',
        ],
        columns: ['Question', 'Answer', 'Per cent', 'Answered (base)', 'Asked'],
        rows: t.tabulation.tables.flatMap((q) => {
          const base = q.bases[0];
          if (!base) return [];
          return q.rows.map((row) => [
            q.title,
            row.net ? `${row.label} (net)` : row.label,
            row.cells.find((x) => x.column === base.column)?.display ?? null,
            base.answered,
            base.asked,
          ]);
        }),
        notes: uniq(t.tabulation.tables.flatMap((q) => q.notes.map((n) => `${q.title}: ${n}`))),
        sources: ['The sector body’s perception survey (this service)'],
        licences: ['OGL-UK-3.0'],
      };
    }
    return empty('survey', title, `No perception survey has a response from ${c.name}.`);
  }

  async function sections(c: Council): Promise<PackSection[]> {
    return Promise.all([headlineSection(c), valueSection(c), flagsSection(c), surveySection(c)]);
  }

  async function toPack(row: PackRow): Promise<EvidencePack> {
    const snapshot = JSON.parse(row.content) as Snapshot;
    const all = await repo.list(ctx.db.kysely, row.engagement_id);
    return {
      id: row.id,
      engagement: row.engagement_id,
      council: snapshot.council,
      asAt: row.as_at,
      generatedAt: row.generated_at,
      generatedBy: row.generated_by_name,
      sections: snapshot.sections,
      packs: all.map((p) => ({ id: p.id, asAt: p.as_at, generatedBy: p.generated_by_name })),
    };
  }

  const councilOf = async (areaId: number): Promise<Council> => {
    const c = (await ctx.councils()).byId.get(areaId);
    if (!c) throw new AppError(500, 'internal', `The engagement's council (area ${areaId}) is not in the directory.`);
    return c;
  };

  return {
    /**
     * Generates the engagement's evidence pack from the data published now and freezes it (the council, managers and
     * administrators). Answers the new pack's id.
     */
    async generatePack(v: Viewer, id: number, now = new Date()): Promise<number> {
      const { e } = await ctx.writable(v, id, MAKERS, 'generate the evidence pack');
      const c = await councilOf(e.area_id);
      const content: Snapshot = { council: { code: c.code, name: c.name }, sections: await sections(c) };
      const packId = await repo.insert(ctx.db.kysely, {
        engagement_id: id,
        as_at: now.toISOString().slice(0, 10),
        generated_at: now.toISOString(),
        generated_by: v!.id,
        generated_by_name: v!.name,
        content: JSON.stringify(content),
      });
      ctx.log.info({ engagement: id, pack: packId }, 'evidence pack generated');
      return packId;
    },

    /** A frozen pack (the latest unless `packId`), or null when none has been generated yet. */
    async evidencePack(v: Viewer, id: number, packId?: number): Promise<EvidencePack | null> {
      await ctx.writable(v, id, READERS, 'see the evidence pack');
      const row = await repo.pack(ctx.db.kysely, id, packId);
      if (!row) {
        if (packId !== undefined)
          throw new AppError(404, 'not-found', `Engagement ${id} has no evidence pack ${packId}.`);
        return null;
      }
      return toPack(row);
    },

    /** Whether the viewer may generate a pack of the engagement (the page offers the button). */
    mayGeneratePack: async (v: Viewer, id: number): Promise<boolean> =>
      (MAKERS as readonly string[]).includes((await ctx.visible(v, id)).standing),
  };
}
