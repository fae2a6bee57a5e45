import { sql, type Selectable } from 'kysely';
import type { StagedMetricsTable } from './tables.ts';
import type { Period } from '../observations/index.ts';
import type { MetricRowFields } from '../metrics/index.ts';
import type { Tx } from '../../platform/transaction.ts';
import type { Db } from '../../platform/db.ts';
import { TOPICS } from '../metrics/index.ts';
import type { NationalFigure, PeriodCoverage } from './fresh-coverage.ts';

export interface AreaRef {
  id: number;
  code: string;
  name: string;
  type: string;
  validFrom: string | null;
  validTo: string | null;
  successors: string[];
}

export interface StoredMetric extends MetricRowFields {
  id: number;
  slug: string;
}

/** A metric definition a draft import holds aside until it is published or discarded. */
export interface StagedMetric {
  id: number;
  importId: number;
  code: string;
  /** The published metric it changes (when it was staged); null for a new metric. */
  metricId: number | null;
  slug: string;
  fields: MetricRowFields;
  stagedAt: string;
}

const toStagedMetric = (r: Selectable<StagedMetricsTable>): StagedMetric => ({
  id: r.id,
  importId: r.import_id,
  code: r.code,
  metricId: r.metric_id,
  slug: r.slug,
  fields: JSON.parse(r.fields) as MetricRowFields,
  stagedAt: r.created_at,
});

/** A change-log row: what changed in the catalogue (or an import published). */
export interface ChangeRow {
  at: string;
  entity: string;
  action: string;
  key: string;
  importId: number | null;
  detail?: unknown;
}

/** All SQL of the imports module (the bulk writer lives in writer.ts). */
export const importsRepository = {
  async ensureTopics(tx: Tx): Promise<void> {
    const have = new Set((await tx.kysely.selectFrom('topics').select('id').execute()).map((t) => t.id));
    const missing = TOPICS.map((t, i) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      sort_order: i,
    })).filter((t) => !have.has(t.id));
    if (missing.length > 0) await tx.kysely.insertInto('topics').values(missing).execute();
  },

  async createImport(tx: Tx, row: { adapter: string; files: string; state: string; now: string }): Promise<number> {
    const r = await tx.kysely
      .insertInto('imports')
      .values({
        adapter: row.adapter,
        files: row.files,
        state: row.state,
        created_at: row.now,
        published_at: row.state === 'published' ? row.now : null,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        summary: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },

  async finishImport(
    tx: Tx,
    id: number,
    c: { inserted: number; updated: number; unchanged: number; rejected: number; summary: string },
  ): Promise<void> {
    await tx.kysely.updateTable('imports').set(c).where('id', '=', id).execute();
  },

  async setImportState(tx: Tx, id: number, state: string, now: string): Promise<void> {
    await tx.kysely
      .updateTable('imports')
      .set({ state, ...(state === 'published' ? { published_at: now } : {}) })
      .where('id', '=', id)
      .execute();
  },

  async getImport(db: Db | Tx, id: number) {
    return db.kysely.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The ids of a metric (by code), an area (by GSS code) and a period (by ISO interval or label), each if found. */
  async keyIds(tx: Tx, k: { metric: string; area?: string; period?: string }) {
    const metric = await tx.kysely.selectFrom('metrics').select('id').where('code', '=', k.metric).executeTakeFirst();
    const area = k.area
      ? await tx.kysely.selectFrom('areas').select('id').where('code', '=', k.area).executeTakeFirst()
      : undefined;
    const period = k.period
      ? await tx.kysely
          .selectFrom('periods')
          .select('id')
          .where((eb) => eb.or([eb('iso', '=', k.period!), eb('label', '=', k.period!)]))
          .orderBy('id')
          .executeTakeFirst()
      : undefined;
    return { metricId: metric?.id, areaId: area?.id, periodId: period?.id };
  },

  /** Every published import's adapter, id and files (JSON), oldest first: what `sli load --all` finds loaded. */
  async publishedFiles(db: Db) {
    return db.kysely
      .selectFrom('imports')
      .select(['id', 'adapter', 'files'])
      .where('state', '=', 'published')
      .orderBy('id')
      .execute();
  },

  /** Imports committed in parts that did not finish (imports/parts.ts). */
  async unfinishedImports(db: Db): Promise<number[]> {
    const rows = await db.kysely.selectFrom('imports').select('id').where('state', '=', 'loading').execute();
    return rows.map((r) => r.id);
  },

  /**
   * Undoes an unfinished import committed in parts: its observations (all new rows of its own), the metrics it
   * created that hold no other observations, its change-log entries and the import itself (with its import_metrics).
   * The periods it added stay (shared, and harmless without observations). Counts what went.
   */
  async undoUnfinishedImport(tx: Tx, importId: number): Promise<{ observations: number; metrics: number }> {
    const observations = await tx.run('DELETE FROM observations WHERE import_id = ?', [importId]);
    const metrics = await tx.run(
      `DELETE FROM metrics WHERE import_id = ?
         AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.metric_id = metrics.id)`,
      [importId],
    );
    await tx.run('DELETE FROM change_log WHERE import_id = ?', [importId]);
    await tx.run("DELETE FROM imports WHERE id = ? AND state = 'loading'", [importId]);
    return { observations, metrics };
  },

  async listImports(db: Db, limit = 50) {
    return db.kysely.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(limit).execute();
  },

  /**
   * Changes whenever an import is made, published or discarded (the catalogue, periods and geography change only so).
   */
  async stamp(db: Db): Promise<string> {
    const r = await db.kysely
      .selectFrom('imports')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.max('id').as('last'),
        eb.fn.max('published_at').as('published'),
        eb.fn.sum<number>(eb.case().when('state', '=', 'draft').then(1).else(0).end()).as('drafts'),
      ])
      .executeTakeFirst();
    return [r?.n, r?.last, r?.published, r?.drafts].map((x) => String(x ?? '-')).join('|');
  },

  /** Published imports of the same files (by checksum), newest first. */
  async findPublishedByChecksum(tx: Tx, adapter: string) {
    return tx.kysely
      .selectFrom('imports')
      .select(['id', 'files', 'published_at'])
      .where('adapter', '=', adapter)
      .where('state', '=', 'published')
      .orderBy('id', 'desc')
      .execute();
  },

  async loadAreas(tx: Tx): Promise<Map<string, AreaRef>> {
    const rows = await tx.kysely
      .selectFrom('areas')
      .select(['id', 'code', 'name', 'type', 'valid_from', 'valid_to'])
      .execute();
    const succ = await tx.kysely
      .selectFrom('area_successions as s')
      .innerJoin('areas as p', 'p.id', 's.predecessor_id')
      .innerJoin('areas as n', 'n.id', 's.successor_id')
      .select(['p.code as from', 'n.code as to'])
      .execute();
    const map = new Map<string, AreaRef>();
    for (const r of rows)
      map.set(r.code, {
        id: r.id,
        code: r.code,
        name: r.name,
        type: r.type,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        successors: [],
      });
    for (const s of succ) map.get(s.from)?.successors.push(s.to);
    return map;
  },

  async loadMetrics(tx: Tx): Promise<Map<string, StoredMetric>> {
    const rows = await tx.kysely.selectFrom('metrics').selectAll().execute();
    return new Map(rows.map((r) => [r.code, r as StoredMetric]));
  },

  /** Metrics that have published observations (from the coverage table). */
  async metricsWithData(tx: Tx): Promise<Set<number>> {
    const rows = await tx.kysely.selectFrom('metric_periods').select('metric_id').distinct().execute();
    return new Set(rows.map((r) => r.metric_id));
  },

  async loadPeriods(tx: Tx): Promise<Map<string, number>> {
    const rows = await tx.kysely.selectFrom('periods').select(['id', 'iso']).execute();
    return new Map(rows.map((r) => [r.iso, r.id]));
  },

  async insertPeriod(tx: Tx, p: Period): Promise<number> {
    const r = await tx.kysely
      .insertInto('periods')
      .values({ iso: p.iso, type: p.type, start_date: p.start, end_date: p.end, label: p.label })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },

  async slugExists(tx: Tx, slug: string): Promise<boolean> {
    const a = await tx.kysely.selectFrom('metrics').select('id').where('slug', '=', slug).executeTakeFirst();
    const b = await tx.kysely
      .selectFrom('metric_slugs')
      .select('metric_id')
      .where('slug', '=', slug)
      .executeTakeFirst();
    return a !== undefined || b !== undefined;
  },

  /** Every slug a metric has or had (what `slugExists` asks, all at once). */
  async takenSlugs(tx: Tx): Promise<Set<string>> {
    const a = await tx.kysely.selectFrom('metrics').select('slug').execute();
    const b = await tx.kysely.selectFrom('metric_slugs').select('slug').execute();
    return new Set([...a, ...b].map((r) => r.slug));
  },

  async insertMetric(tx: Tx, fields: MetricRowFields, slug: string, importId: number, now: string): Promise<number> {
    const r = await tx.kysely
      .insertInto('metrics')
      .values({ ...fields, slug, import_id: importId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },

  /** New metrics in one statement a few hundred; their ids by code. */
  async insertMetrics(
    tx: Tx,
    rows: (MetricRowFields & { slug: string })[],
    importId: number,
    now: string,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (let i = 0; i < rows.length; i += 200) {
      const part = rows.slice(i, i + 200).map((r) => ({ ...r, import_id: importId, created_at: now, updated_at: now }));
      for (const r of await tx.kysely.insertInto('metrics').values(part).returning(['id', 'code']).execute())
        ids.set(r.code, r.id);
    }
    return ids;
  },

  async updateMetric(
    tx: Tx,
    id: number,
    fields: Partial<MetricRowFields>,
    importId: number,
    now: string,
  ): Promise<void> {
    await tx.kysely
      .updateTable('metrics')
      .set({ ...fields, import_id: importId, updated_at: now })
      .where('id', '=', id)
      .execute();
  },

  /** Holds a draft's new or changed metric definition aside (staged_metrics); returns its id. */
  async stageMetric(
    tx: Tx,
    row: {
      importId: number;
      code: string;
      metricId: number | null;
      slug: string;
      fields: MetricRowFields;
      now: string;
    },
  ): Promise<number> {
    const r = await tx.kysely
      .insertInto('staged_metrics')
      .values({
        import_id: row.importId,
        code: row.code,
        metric_id: row.metricId,
        slug: row.slug,
        fields: JSON.stringify(row.fields),
        created_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  },

  /** A draft's held-aside definitions, in the order the import read them. */
  async stagedMetrics(db: Db | Tx, importId: number): Promise<StagedMetric[]> {
    const rows = await db.kysely
      .selectFrom('staged_metrics')
      .selectAll()
      .where('import_id', '=', importId)
      .orderBy('id')
      .execute();
    return rows.map(toStagedMetric);
  },

  /** One definition a draft holds aside, by code or by the slug it would get. */
  async stagedMetric(db: Db, importId: number, idOrSlug: string): Promise<StagedMetric | undefined> {
    const row = await db.kysely
      .selectFrom('staged_metrics')
      .selectAll()
      .where('import_id', '=', importId)
      .where((eb) => eb.or([eb('code', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
    return row && toStagedMetric(row);
  },

  async deleteStagedMetrics(tx: Tx, importId: number): Promise<void> {
    await tx.kysely.deleteFrom('staged_metrics').where('import_id', '=', importId).execute();
  },

  /** Points a draft's staged observations of a placeholder metric id at the metric's real id. */
  async remapStagedObservations(tx: Tx, importId: number, from: number, to: number): Promise<void> {
    await tx.run('UPDATE staged_observations SET metric_id = ? WHERE import_id = ? AND metric_id = ?', [
      to,
      importId,
      from,
    ]);
  },

  /** Published metrics by code, as stored (for comparing a draft's definitions with them). */
  async metricsByCode(db: Db | Tx, codes: string[]): Promise<Map<string, StoredMetric>> {
    if (codes.length === 0) return new Map();
    const rows = await db.kysely.selectFrom('metrics').selectAll().where('code', 'in', codes).execute();
    return new Map(rows.map((r) => [r.code, r as StoredMetric]));
  },

  /** What a published import changed in the catalogue, as its change-log rows say (oldest first). */
  async metricChangesOf(db: Db, importId: number) {
    return db.kysely
      .selectFrom('change_log')
      .select(['entity_key', 'action', 'detail'])
      .where('import_id', '=', importId)
      .where('entity', '=', 'metric')
      .orderBy('id')
      .execute();
  },

  /**
   * Dates a draft's change-log rows (areas or groups its bundles changed) at its publication: the feed shows only
   * published imports' rows, so a reader polling since a time after the draft was made still sees them.
   */
  async redateChanges(tx: Tx, importId: number, now: string): Promise<void> {
    await tx.kysely.updateTable('change_log').set({ at: now }).where('import_id', '=', importId).execute();
  },

  async logChange(tx: Tx, c: ChangeRow): Promise<void> {
    await importsRepository.logChanges(tx, [c]);
  },

  /** Change-log rows in the order given (their ids follow it), a few hundred a statement. */
  async logChanges(tx: Tx, rows: ChangeRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500).map((c) => ({
        at: c.at,
        entity: c.entity,
        action: c.action,
        entity_key: c.key,
        import_id: c.importId,
        detail: c.detail === undefined ? null : JSON.stringify(c.detail),
      }));
      await tx.kysely.insertInto('change_log').values(part).execute();
    }
  },

  /**
   * Recomputes the per-period coverage of the given metrics from the published observations and records what this
   * import inserted and updated per metric.
   */
  /**
   * Fresh planner statistics for the observations table after a large publication: without them PostgreSQL plans
   * queries over many metrics as if the table were small (a sequential scan of millions of rows) until autovacuum
   * catches up. Sampled, so it takes a second or two at millions of rows.
   */
  async refreshStatistics(db: Db): Promise<void> {
    // The coverage too: without statistics PostgreSQL scans all of it for a report's few metrics (measured: 3 ms, not
    // 0.1).
    if (db.sqlite)
      db.sqlite.exec(
        'PRAGMA analysis_limit = 1000; ANALYZE observations; ANALYZE metric_periods; ANALYZE periods; ANALYZE metrics;',
      );
    else await sql`ANALYZE observations, metric_periods, periods, metrics`.execute(db.kysely);
  },

  /**
   * Each metric's periods with the number of areas and of figures, and England's own observation beside them (read over
   * the area index, cheaper than picking it out of every row of the counting scan).
   */
  async refreshCoverage(
    tx: Tx,
    metricIds: number[],
    importId: number,
    rowsRead: Map<number, number>,
    tallied?: ReadonlyMap<number, ReadonlyMap<number, PeriodCoverage>>,
    added: ReadonlySet<number> = new Set(),
  ): Promise<void> {
    // Metrics the import tallied (every key it wrote was new): their coverage is the tally, added to what it was for
    // those that had published observations before (`added`).
    const counted = tallied ? metricIds.filter((id) => tallied.has(id)) : [];
    if (counted.length > 0) await storeTallied(tx, counted, importId, rowsRead, tallied!, added);
    const rest = tallied ? metricIds.filter((id) => !tallied.has(id)) : metricIds;
    if (rest.length === 0) return;
    const [england] = await tx.all<{ id: number }>(`SELECT id FROM areas WHERE code = 'E92000001'`);
    for (let i = 0; i < rest.length; i += 500) {
      const ids = rest.slice(i, i + 500);
      const list = ids.map(() => '?').join(',');
      await tx.run(`DELETE FROM metric_periods WHERE metric_id IN (${list})`, ids);
      const rows = await tx.all<{
        metric_id: number;
        period_id: number;
        n_areas: number;
        n_values: number;
        ins: number;
        upd: number;
      }>(
        `SELECT metric_id, period_id, count(*) AS n_areas, count(value) AS n_values,
           sum(CASE WHEN import_id = ? AND revision = 1 THEN 1 ELSE 0 END) AS ins,
           sum(CASE WHEN import_id = ? AND revision > 1 THEN 1 ELSE 0 END) AS upd
         FROM observations WHERE metric_id IN (${list}) GROUP BY metric_id, period_id`,
        [importId, importId, ...ids],
      );
      type National = {
        metric_id: number;
        period_id: number;
        value: number | null;
        lci: number | null;
        uci: number | null;
        status: string;
        note: string | null;
      };
      const national = new Map<string, National>();
      if (england) {
        for (const o of await tx.all<National>(
          `SELECT metric_id, period_id, value, lci, uci, status, note FROM observations WHERE area_id = ? AND metric_id IN (${list})`,
          [england.id, ...ids],
        )) {
          national.set(`${o.metric_id}:${o.period_id}`, o);
        }
      }
      await insertCoverage(
        tx,
        rows.map((r) => ({ ...r, n_areas: Number(r.n_areas), n_values: Number(r.n_values) })),
        national,
      );
      const perMetric = new Map<number, { ins: number; upd: number }>();
      for (const r of rows) {
        const m = perMetric.get(r.metric_id) ?? { ins: 0, upd: 0 };
        m.ins += Number(r.ins);
        m.upd += Number(r.upd);
        perMetric.set(r.metric_id, m);
      }
      const im = importMetrics(importId, ids, perMetric, rowsRead);
      if (im.length > 0) await tx.kysely.insertInto('import_metrics').values(im).execute();
    }
  },
};

type CoverageRow = { metric_id: number; period_id: number; n_areas: number; n_values: number };

/** Stores coverage rows, with England's own figure where there is one. */
async function insertCoverage(tx: Tx, rows: CoverageRow[], national: Map<string, NationalFigure>): Promise<void> {
  for (let j = 0; j < rows.length; j += 500) {
    const part = rows.slice(j, j + 500);
    await tx.kysely
      .insertInto('metric_periods')
      .values(
        part.map((r) => {
          const e = national.get(`${r.metric_id}:${r.period_id}`);
          return {
            metric_id: r.metric_id,
            period_id: r.period_id,
            n_areas: r.n_areas,
            n_values: r.n_values,
            england_value: e?.value ?? null,
            england_lci: e?.lci ?? null,
            england_uci: e?.uci ?? null,
            england_status: e ? e.status : null,
            england_note: e?.note ?? null,
          };
        }),
      )
      .execute();
  }
}

/**
 * Adds counts to stored coverage rows (inserted where the period had none): the areas and figures of new keys, and
 * England's figure where one of them is England's.
 */
async function addCoverage(tx: Tx, rows: CoverageRow[], national: Map<string, NationalFigure>): Promise<void> {
  const columns = [
    'n_areas',
    'n_values',
    'england_value',
    'england_lci',
    'england_uci',
    'england_status',
    'england_note',
  ];
  const england = columns.slice(2);
  // England's columns are replaced only when the new keys include England's (its status is never NULL then).
  const set = [
    'n_areas = metric_periods.n_areas + excluded.n_areas',
    'n_values = metric_periods.n_values + excluded.n_values',
    ...england.map(
      (c) => `${c} = CASE WHEN excluded.england_status IS NULL THEN metric_periods.${c} ELSE excluded.${c} END`,
    ),
  ];
  for (let j = 0; j < rows.length; j += 500) {
    const part = rows.slice(j, j + 500);
    const params: unknown[] = [];
    for (const r of part) {
      const e = national.get(`${r.metric_id}:${r.period_id}`);
      params.push(r.metric_id, r.period_id, r.n_areas, r.n_values);
      params.push(e?.value ?? null, e?.lci ?? null, e?.uci ?? null, e ? e.status : null, e?.note ?? null);
    }
    await tx.run(
      `INSERT INTO metric_periods (metric_id, period_id, ${columns.join(', ')})
       VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (metric_id, period_id) DO UPDATE SET ${set.join(', ')}`,
      params,
    );
  }
}

/** What an import did to each metric (rows read beyond those inserted or updated were unchanged). */
function importMetrics(
  importId: number,
  ids: number[],
  perMetric: Map<number, { ins: number; upd: number }>,
  rowsRead: Map<number, number>,
) {
  return ids
    .map((id) => {
      const m = perMetric.get(id) ?? { ins: 0, upd: 0 };
      const read = rowsRead.get(id) ?? 0;
      return {
        import_id: importId,
        metric_id: id,
        inserted: m.ins,
        updated: m.upd,
        unchanged: Math.max(0, read - m.ins - m.upd),
      };
    })
    .filter((r) => r.inserted + r.updated + r.unchanged > 0);
}

/**
 * The coverage of metrics whose keys the import wrote were all new, from the writer's tally: every key is a new row.
 * For a metric new to the observations table the tally is its coverage; for one in `added` it is added to the stored
 * coverage (areas and figures counted on, England's figure where the tally has one).
 */
async function storeTallied(
  tx: Tx,
  ids: number[],
  importId: number,
  rowsRead: Map<number, number>,
  tallied: ReadonlyMap<number, ReadonlyMap<number, PeriodCoverage>>,
  added: ReadonlySet<number>,
): Promise<void> {
  const rows: CoverageRow[] = [];
  const more: CoverageRow[] = [];
  const national = new Map<string, NationalFigure>();
  const perMetric = new Map<number, { ins: number; upd: number }>();
  for (const id of ids) {
    let ins = 0;
    const to = added.has(id) ? more : rows;
    for (const [periodId, p] of tallied.get(id)!) {
      to.push({ metric_id: id, period_id: periodId, n_areas: p.areas.size, n_values: p.values });
      if (p.england) national.set(`${id}:${periodId}`, p.england);
      ins += p.areas.size;
    }
    perMetric.set(id, { ins, upd: 0 });
  }
  await insertCoverage(tx, rows, national);
  await addCoverage(tx, more, national);
  for (let i = 0; i < ids.length; i += 500) {
    const im = importMetrics(importId, ids.slice(i, i + 500), perMetric, rowsRead);
    if (im.length > 0) await tx.kysely.insertInto('import_metrics').values(im).execute();
  }
}
