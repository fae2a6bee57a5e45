/** All SQL of the budget module. Each function takes a Kysely handle: the database's or a transaction's. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db.ts';
import { refOf, type AboutYou } from './about.ts';
import type { Definition, SectionKind, SimulatorStatus, GapKind, GapRule } from './model.ts';
import type { PopulationDef } from './population.ts';

type K = Kysely<Database>;

/** A stored simulator: its row, its definition as the model reads it, and the ids of its items in order. */
export interface StoredSimulator {
  id: number;
  areaId: number;
  openKey: string;
  status: SimulatorStatus;
  createdAt: string;
  definition: Definition;
  itemIds: number[];
  /** The "about you" questions as set up; null when none are asked. */
  aboutYou: AboutYou | null;
}

export const budgetRepository = {
  async taxCaps(k: K, year: string) {
    return k.selectFrom('budget_tax_caps').selectAll().where('year', '=', year).orderBy('valid_from', 'desc').execute();
  },

  /** Writes a definition (in the caller's transaction); answers the simulator's id. */
  async insertDefinition(
    k: K,
    d: Definition,
    s: {
      areaId: number;
      openKey: string;
      createdBy: number | null;
      now: string;
      sourceNote: string | null;
      aboutYou?: AboutYou | null;
    },
  ): Promise<number> {
    const { id } = await k
      .insertInto('budget_simulators')
      .values({
        area_id: s.areaId,
        ...simulatorColumns(d),
        status: d.status ?? 'draft',
        open_key: s.openKey,
        source_note: s.sourceNote,
        about_you: s.aboutYou ? JSON.stringify(s.aboutYou) : null,
        created_by: s.createdBy,
        created_at: s.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertContents(k, id, d);
    return id;
  },

  /**
   * Replaces a simulator's definition (in the caller's transaction): its row's fields, and its sections, items, levels
   * and constraints written afresh. The caller makes sure no response refers to the items.
   */
  async replaceDefinition(
    k: K,
    id: number,
    d: Definition,
    aboutYou: AboutYou | null,
    sourceNote: string | null,
  ): Promise<void> {
    await k
      .updateTable('budget_simulators')
      .set({
        ...simulatorColumns(d),
        about_you: aboutYou ? JSON.stringify(aboutYou) : null,
        ...(sourceNote !== null ? { source_note: sourceNote } : {}),
      })
      .where('id', '=', id)
      .execute();
    await k.deleteFrom('budget_constraints').where('simulator_id', '=', id).execute();
    await k
      .deleteFrom('budget_levels')
      .where('item_id', 'in', (eb) => eb.selectFrom('budget_items').select('id').where('simulator_id', '=', id))
      .execute();
    await k.deleteFrom('budget_items').where('simulator_id', '=', id).execute();
    await k.deleteFrom('budget_sections').where('simulator_id', '=', id).execute();
    await insertContents(k, id, d);
  },

  /** How many responses (of any flag) a simulator holds. */
  async responseCount(k: K, id: number): Promise<number> {
    const r = await k
      .selectFrom('budget_responses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('simulator_id', '=', id)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },

  /** A simulator by id or by its open key, with its definition; undefined when there is none. */
  async load(k: K, by: { id: number } | { openKey: string }): Promise<StoredSimulator | undefined> {
    const s = await k
      .selectFrom('budget_simulators as s')
      .innerJoin('areas as a', 'a.id', 's.area_id')
      .selectAll('s')
      .select('a.code as council')
      .$call((q) => ('id' in by ? q.where('s.id', '=', by.id) : q.where('s.open_key', '=', by.openKey)))
      .executeTakeFirst();
    if (!s) return undefined;
    const [sections, items, levels, constraints] = await Promise.all([
      k.selectFrom('budget_sections').selectAll().where('simulator_id', '=', s.id).orderBy('position').execute(),
      k.selectFrom('budget_items').selectAll().where('simulator_id', '=', s.id).orderBy('position').execute(),
      k
        .selectFrom('budget_levels as l')
        .innerJoin('budget_items as i', 'i.id', 'l.item_id')
        .selectAll('l')
        .where('i.simulator_id', '=', s.id)
        .orderBy('l.item_id')
        .orderBy('l.position')
        .execute(),
      k.selectFrom('budget_constraints').selectAll().where('simulator_id', '=', s.id).orderBy('id').execute(),
    ]);
    const levelsOf = new Map<number, typeof levels>();
    for (const l of levels) levelsOf.set(l.item_id, [...(levelsOf.get(l.item_id) ?? []), l]);
    const itemIds: number[] = [];
    const aboutYou = s.about_you ? (JSON.parse(s.about_you) as AboutYou) : null;
    const definition: Definition = {
      council: s.council,
      year: s.year,
      title: s.title,
      status: s.status as SimulatorStatus,
      gap: {
        kind: s.gap_kind as GapKind,
        rule: s.gap_kind === 'multi-year' ? ((s.gap_rule ?? 'each-year') as GapRule) : null,
        years: JSON.parse(s.gap_years) as { year: string; amount: number }[],
      },
      statedTotal: s.stated_total,
      councilTax: {
        bandD: s.band_d,
        taxBase: s.tax_base,
        capPct: s.tax_cap_pct,
        capValidFrom: s.tax_cap_valid_from,
      },
      sections: sections.map((sec) => ({
        kind: sec.kind as SectionKind,
        title: sec.title,
        intro: sec.intro,
        items: items
          .filter((i) => i.section_id === sec.id)
          .map((i) => {
            itemIds.push(i.id);
            return {
              code: i.code,
              title: i.title,
              description: i.description,
              baseline: i.baseline,
              floor: i.floor,
              floorReason: i.floor_reason,
              ringFenced: i.ring_fenced === 1,
              contractual: i.contractual === 1,
              source: i.source,
              levels: (levelsOf.get(i.id) ?? []).map((l) => ({
                code: l.code,
                pctChange: l.pct_change,
                consequence: l.consequence,
              })),
            };
          }),
      })),
      constraints: constraints.map((c) => ({
        kind: c.kind as 'requires' | 'excludes',
        item: c.item,
        level: c.level,
        otherItem: c.other_item,
        otherLevel: c.other_level,
      })),
      ...(aboutYou ? { aboutYou: refOf(aboutYou) } : {}),
      ...(s.population ? { population: JSON.parse(s.population) as PopulationDef } : {}),
    };
    return {
      id: s.id,
      areaId: s.area_id,
      openKey: s.open_key,
      status: s.status as SimulatorStatus,
      createdAt: s.created_at,
      definition,
      itemIds,
      aboutYou,
    };
  },

  list(k: K, areaId: number | null) {
    return k
      .selectFrom('budget_simulators as s')
      .innerJoin('areas as a', 'a.id', 's.area_id')
      .select([
        's.id',
        's.title',
        's.year',
        's.status',
        's.open_key',
        's.created_at',
        'a.code as council',
        'a.name as councilName',
      ])
      .select((eb) =>
        eb
          .selectFrom('budget_responses as r')
          .whereRef('r.simulator_id', '=', 's.id')
          .where('r.flag', '=', 'ok')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('responses'),
      )
      .$call((q) => (areaId === null ? q : q.where('s.area_id', '=', areaId)))
      .orderBy('s.id', 'desc')
      .execute();
  },

  /** Sets (or, with null, removes) a simulator's population for weighting. */
  async setPopulation(k: K, id: number, p: PopulationDef | null): Promise<void> {
    await k
      .updateTable('budget_simulators')
      .set({ population: populationJson(p) })
      .where('id', '=', id)
      .execute();
  },

  async setStatus(k: K, id: number, status: SimulatorStatus): Promise<void> {
    await k.updateTable('budget_simulators').set({ status }).where('id', '=', id).execute();
  },

  async insertLinks(k: K, simulatorId: number, hashes: string[], now: string): Promise<void> {
    for (let i = 0; i < hashes.length; i += 500)
      await k
        .insertInto('budget_links')
        .values(
          hashes
            .slice(i, i + 500)
            .map((h) => ({ simulator_id: simulatorId, token_hash: h, created_at: now, used_at: null })),
        )
        .execute();
  },

  link(k: K, simulatorId: number, hash: string) {
    return k
      .selectFrom('budget_links')
      .select(['id', 'used_at'])
      .where('simulator_id', '=', simulatorId)
      .where('token_hash', '=', hash)
      .executeTakeFirst();
  },

  /** Marks the link used if it was not, in one statement: its id, or undefined (unknown or used: see link()). */
  async claimLink(k: K, simulatorId: number, hash: string, now: string): Promise<number | undefined> {
    const r = await k
      .updateTable('budget_links')
      .set({ used_at: now })
      .where('simulator_id', '=', simulatorId)
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return r?.id;
  },

  /**
   * PostgreSQL only: claims a panel link (unused, of the response's simulator) and writes the response and its comments
   * in one statement, atomic on its own; the response's id, or undefined when the link could not be claimed (nothing
   * written: see link()).
   */
  async insertByLink(
    k: K,
    hash: string,
    now: string,
    r: Omit<Database['budget_responses'], 'id' | 'link_id'>,
    comments: { item_id: number; text: string }[],
  ): Promise<number | undefined> {
    const { rows } = await sql<{ id: number }>`
      WITH claimed AS (
        UPDATE budget_links SET used_at = ${now}
        WHERE simulator_id = ${r.simulator_id} AND token_hash = ${hash} AND used_at IS NULL
        RETURNING id
      ), response AS (
        INSERT INTO budget_responses (simulator_id, link_id, levels, gap_closed, tax_change_pct, channel, assisted, flag,
          fingerprint, submitted_at, about, proof)
        SELECT ${r.simulator_id}, claimed.id, ${r.levels}, ${r.gap_closed}, ${r.tax_change_pct}, ${r.channel},
          ${r.assisted}, ${r.flag}, ${r.fingerprint}, ${r.submitted_at}, ${r.about}, ${r.proof}
        FROM claimed
        RETURNING id
      ), noted AS (
        INSERT INTO budget_comments (response_id, item_id, text)
        SELECT response.id, c.item_id, c.text
        FROM response, unnest(${comments.map((c) => c.item_id)}::integer[], ${comments.map((c) => c.text)}::text[])
          AS c(item_id, text)
      )
      SELECT id FROM response`.execute(k);
    return rows[0]?.id;
  },

  /**
   * A response and its comments (one multi-row insert); undefined, nothing written, when its proof-of-work challenge
   * was spent by another response of the simulator (a replay).
   */
  async insertResponse(
    k: K,
    r: Omit<Database['budget_responses'], 'id'>,
    comments: { item_id: number; text: string }[],
  ): Promise<number | undefined> {
    const row = await k
      .insertInto('budget_responses')
      .values(r)
      .$if(r.proof !== null, (q) => q.onConflict((oc) => oc.columns(['simulator_id', 'proof']).doNothing()))
      .returning('id')
      .executeTakeFirst();
    if (!row) return undefined;
    const id = row.id;
    if (comments.length)
      await k
        .insertInto('budget_comments')
        .values(comments.map((c) => ({ response_id: id, ...c })))
        .execute();
    return id;
  },

  /** The counted responses (flag ok) of a simulator: what the dashboard and the CSV read, in id order. */
  responses(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_responses')
      .select(['id', 'levels', 'gap_closed', 'tax_change_pct', 'channel', 'assisted', 'submitted_at', 'about'])
      .where('simulator_id', '=', simulatorId)
      .where('flag', '=', 'ok')
      .orderBy('id')
      .execute();
  },

  /**
   * The dashboard's totals over the counted responses, in SQL: how many, how many assisted, the sums of the council
   * tax change and the gap closed, and how many open-link budgets came without a solved proof-of-work.
   */
  async totals(k: K, simulatorId: number) {
    const r = await k
      .selectFrom('budget_responses')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('assisted'), eb.lit(0)).as('assisted'),
        eb.fn.coalesce(eb.fn.sum<number>('tax_change_pct'), eb.lit(0)).as('tax'),
        eb.fn.coalesce(eb.fn.sum<number>('gap_closed'), eb.lit(0)).as('closed'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('channel', '=', 'open'), eb('assisted', '=', 0), eb('proof', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('unsolved'),
      ])
      .where('simulator_id', '=', simulatorId)
      .where('flag', '=', 'ok')
      .executeTakeFirstOrThrow();
    return {
      n: Number(r.n),
      assisted: Number(r.assisted),
      tax: Number(r.tax),
      closed: Number(r.closed),
      unsolved: Number(r.unsolved ?? 0),
    };
  },

  /** Counted responses per UTC day (the stored time's first ten characters), in SQL. */
  perDay(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_responses')
      .select((eb) => [
        eb.fn<string>('substr', ['submitted_at', eb.lit(1), eb.lit(10)]).as('day'),
        eb.fn.countAll<number>().as('n'),
      ])
      .where('simulator_id', '=', simulatorId)
      .where('flag', '=', 'ok')
      .groupBy('day')
      .orderBy('day')
      .execute();
  },

  /** The counted responses' levels and nothing else (the narrow read the per-item counts are made from). */
  async countedLevels(k: K, simulatorId: number): Promise<string[]> {
    const rows = await k
      .selectFrom('budget_responses')
      .select('levels')
      .where('simulator_id', '=', simulatorId)
      .where('flag', '=', 'ok')
      .execute();
    return rows.map((r) => r.levels);
  },

  /** Counted comments per item, in SQL. */
  commentCounts(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_comments as c')
      .innerJoin('budget_responses as r', 'r.id', 'c.response_id')
      .select(['c.item_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.simulator_id', '=', simulatorId)
      .where('r.flag', '=', 'ok')
      .groupBy('c.item_id')
      .execute();
  },

  /** A page of every response (flagged too) after an id, in id order: the long CSV reads them a page at a time. */
  responsePage(k: K, simulatorId: number, after: number, limit: number) {
    return k
      .selectFrom('budget_responses')
      .select(['id', 'levels', 'channel', 'assisted', 'flag', 'submitted_at', 'proof'])
      .where('simulator_id', '=', simulatorId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit)
      .execute();
  },

  flagCounts(k: K, simulatorId: number) {
    return k
      .selectFrom('budget_responses')
      .select(['flag', (eb) => eb.fn.countAll<number>().as('n')])
      .where('simulator_id', '=', simulatorId)
      .groupBy('flag')
      .execute();
  },

  /** The comments of counted responses, or of every response (flagged too: the downloads). */
  comments(k: K, simulatorId: number, onlyCounted = true) {
    return k
      .selectFrom('budget_comments as c')
      .innerJoin('budget_responses as r', 'r.id', 'c.response_id')
      .select(['c.response_id', 'c.item_id', 'c.text'])
      .where('r.simulator_id', '=', simulatorId)
      .$if(onlyCounted, (q) => q.where('r.flag', '=', 'ok'))
      .execute();
  },
};

/** The simulator row's columns a definition sets. */
const simulatorColumns = (d: Definition) => ({
  year: d.year,
  title: d.title,
  gap_kind: d.gap.kind,
  gap_years: JSON.stringify(d.gap.years),
  gap_rule: d.gap.kind === 'multi-year' ? (d.gap.rule ?? 'each-year') : null,
  stated_total: d.statedTotal,
  band_d: d.councilTax.bandD,
  tax_base: d.councilTax.taxBase,
  tax_cap_pct: d.councilTax.capPct,
  tax_cap_valid_from: d.councilTax.capValidFrom ?? null,
  population: populationJson(d.population),
});

/** The entered population as stored (its fields in a fixed order; null when none). */
const populationJson = (p: PopulationDef | null | undefined) =>
  p
    ? JSON.stringify({
        source: p.source.trim(),
        date: p.date,
        measure: p.measure,
        rows: p.rows.map((r) => ({ age: r.age, sex: r.sex, value: r.value })),
      })
    : null;

/** A definition's sections, items, levels and constraints under a simulator. */
async function insertContents(k: K, simulatorId: number, d: Definition): Promise<void> {
  let position = 0;
  for (const [si, sec] of d.sections.entries()) {
    const { id: sectionId } = await k
      .insertInto('budget_sections')
      .values({ simulator_id: simulatorId, kind: sec.kind, title: sec.title, intro: sec.intro ?? null, position: si })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const it of sec.items) {
      const { id: itemId } = await k
        .insertInto('budget_items')
        .values({
          simulator_id: simulatorId,
          section_id: sectionId,
          code: it.code,
          title: it.title,
          description: it.description ?? null,
          baseline: it.baseline,
          floor: it.floor ?? null,
          floor_reason: it.floorReason ?? null,
          ring_fenced: it.ringFenced ? 1 : 0,
          contractual: it.contractual ? 1 : 0,
          source: it.source ?? null,
          position: position++,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await k
        .insertInto('budget_levels')
        .values(
          it.levels.map((l, li) => ({
            item_id: itemId,
            code: l.code,
            pct_change: l.pctChange,
            consequence: l.consequence,
            position: li,
          })),
        )
        .execute();
    }
  }
  if (d.constraints.length)
    await k
      .insertInto('budget_constraints')
      .values(
        d.constraints.map((c) => ({
          simulator_id: simulatorId,
          kind: c.kind,
          item: c.item,
          level: c.level,
          other_item: c.otherItem,
          other_level: c.otherLevel,
        })),
      )
      .execute();
}
