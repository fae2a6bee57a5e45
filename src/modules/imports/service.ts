import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../platform/db.ts';
import { RollbackSignal, withTransaction, type Tx } from '../../platform/transaction.ts';
import { changedFields, slugify, toMetricFields, validateMetricDefinition } from '../metrics/index.ts';
import { statusToText } from '../observations/index.ts';
import type { ImportAdapter, ImportIssue, ObservationRecord } from './adapter.ts';
import type { BoundaryBundle } from '../maps/index.ts';
import type { GeographyBundle } from '../areas/index.ts';
import type { GroupFamilyBundle } from '../groups/index.ts';
import type { MetricDefinition } from '../metrics/index.ts';
import type { SourceLocation } from '../../platform/source.ts';
import { ImportFileError } from './csv.ts';
import { importsRepository as repo, type AreaRef, type StoredMetric } from './repository.ts';
import { createObservationWriter, publishStaged, type WriterCounts } from './writer.ts';

export interface ImportRequest {
  adapter: ImportAdapter;
  files: string[];
  /** Publish at once; otherwise the import is held as a draft until `publishImport`. */
  publish?: boolean;
  /** Validate and count, then roll back: nothing is written. */
  dryRun?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  now?: Date;
  /** Applies a geography bundle inside the import's transaction (the areas module provides it). */
  applyGeography?: (tx: Tx, bundle: GeographyBundle, ctx: { importId: number; now: string }) => Promise<GeographyCounts>;
  /** Stores boundary shapes inside the import's transaction (the maps module provides it). */
  applyBoundaries?: (tx: Tx, bundle: BoundaryBundle, ctx: { importId: number; now: string }) => Promise<BoundaryCounts>;
  /** Stores a family of comparison groups inside the import's transaction (the groups module provides it). */
  applyGroups?: (tx: Tx, bundle: GroupFamilyBundle, ctx: { importId: number; now: string }) => Promise<GroupCounts>;
  /** For a file whose header fits another adapter: a hint naming it. */
  suggestAdapter?: (file: string) => Promise<string | undefined>;
  /** Rows per staging chunk (tests use small chunks to exercise the cross-chunk paths). */
  chunkSize?: number;
}

export interface GeographyCounts {
  created: number;
  updated: number;
  unchanged: number;
  parents: number;
  successions: number;
}

export interface BoundaryCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface GroupCounts {
  families: { created: number; updated: number; unchanged: number };
  groups: number;
  members: number;
  /** Problems found while applying (e.g. a member code not in the geography), reported like any other. */
  issues: ImportIssue[];
}

export interface ImportSummary {
  importId: number | null;
  adapter: string;
  state: 'published' | 'draft' | 'dry-run' | 'rejected' | 'unchanged';
  files: { name: string; sha256: string; bytes: number }[];
  observations: { read: number; inserted: number; updated: number; unchanged: number; duplicates: number; rejected: number };
  /** Rows the adapter left out on purpose, by reason (e.g. Welsh rows in a UK-wide file). */
  skipped: Record<string, number>;
  metrics: { created: number; updated: number; unchanged: number };
  geography?: GeographyCounts;
  boundaries?: BoundaryCounts;
  groups?: Omit<GroupCounts, 'issues'>;
  errors: ImportIssue[];
  errorCount: number;
  message: string;
}

const MAX_ISSUES = 200;
/** Comparators that any metric may carry: England, regions, Inner/Outer London. */
const COMPARATOR_TYPES = new Set(['E92', 'E12', 'E13']);

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

const fmt = (n: number) => n.toLocaleString('en-GB');

function describeArea(a: AreaRef, areas: Map<string, AreaRef>): string {
  const succ = a.successors.map((c) => `${c} (${areas.get(c)?.name ?? '?'})`).join(' and ');
  return succ ? `; its successor is ${succ}` : '';
}

/**
 * Imports publishers' files through an adapter: validation first, then all or nothing in one transaction.
 * A changed value keeps its previous value, import and time in observation_revisions; re-importing the same file
 * changes nothing and says so (no import is recorded).
 */
export async function runImport(db: Db, req: ImportRequest): Promise<ImportSummary> {
  const now = (req.now ?? new Date()).toISOString();
  const adapter = req.adapter;
  const issues: ImportIssue[] = [];
  let errorCount = 0;
  const error = (i: ImportIssue) => {
    errorCount++;
    if (issues.length < MAX_ISSUES) issues.push(i);
  };

  const files: ImportSummary['files'] = [];
  for (const f of req.files) {
    const name = path.relative(process.cwd(), f) || f;
    let bytes: number;
    try {
      bytes = statSync(f).size;
    } catch {
      error({ at: { file: name, line: 0 }, message: 'file not found' });
      continue;
    }
    files.push({ name, sha256: await sha256(f), bytes });
  }
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  const obs = { read: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: 0 };
  const metricCounts = { created: 0, updated: 0, unchanged: 0 };
  const skipped: Record<string, number> = {};
  let geography: GeographyCounts | undefined;
  let boundaries: BoundaryCounts | undefined;
  let groups: Omit<GroupCounts, 'issues'> | undefined;
  const base = (state: ImportSummary['state'], importId: number | null, message: string): ImportSummary => ({
    importId,
    adapter: adapter.name,
    state,
    files,
    observations: obs,
    skipped,
    metrics: metricCounts,
    ...(geography ? { geography } : {}),
    ...(boundaries ? { boundaries } : {}),
    ...(groups ? { groups } : {}),
    errors: issues,
    errorCount,
    message,
  });
  if (errorCount > 0) return base('rejected', null, `Nothing was imported: ${errorCount} problem(s) with the files given.`);

  const mode = req.publish || req.dryRun ? 'publish' : 'draft';
  const summary = await withTransaction(db, async (tx) => {
    await repo.ensureTopics(tx);
    const importId = await repo.createImport(tx, { adapter: adapter.name, files: JSON.stringify(files), state: mode === 'publish' ? 'published' : 'draft', now });
    let areas = await repo.loadAreas(tx);
    const metrics = await repo.loadMetrics(tx);
    const periods = await repo.loadPeriods(tx);
    const definedHere = new Map<string, MetricDefinition>();
    const rowsRead = new Map<number, number>();
    const applicability = new Map<number, string[]>();
    const metricsWithData = await repo.metricsWithData(tx);
    const writer = await createObservationWriter(tx, { importId, now, mode, metricsWithData, ...(req.chunkSize ? { chunkSize: req.chunkSize } : {}) });
    // Files as the adapter names them in locations, numbered for the staging table.
    const fileNames: string[] = [];
    const fileNo = new Map<string, number>();
    const fileIndex = (name: string) => {
      let n = fileNo.get(name);
      if (n === undefined) fileNo.set(name, (n = fileNames.push(name) - 1));
      return n;
    };
    const fileName = (n: number) => fileNames[n] ?? '?';

    async function onMetric(def: MetricDefinition, at: SourceLocation): Promise<void> {
      const problems = validateMetricDefinition(def);
      for (const p of problems) error({ at, field: p.field, value: p.value, message: `metric ${def.code}: ${p.field} ${p.message}` });
      if (problems.length > 0) return;
      const earlier = definedHere.get(def.code);
      if (earlier) {
        if (JSON.stringify(earlier) !== JSON.stringify(def)) error({ at, field: 'code', value: def.code, message: `metric ${def.code} is defined twice in this import, differently` });
        return;
      }
      definedHere.set(def.code, def);
      const fields = toMetricFields(def, adapter.name);
      const stored = metrics.get(def.code);
      if (!stored) {
        let slug = slugify(def.shortTitle ?? def.title) || slugify(def.code);
        if (await repo.slugExists(tx, slug)) slug = `${slug}-${slugify(def.code)}`.slice(0, 120);
        const id = await repo.insertMetric(tx, fields, slug, importId, now);
        metrics.set(def.code, { ...fields, id, slug });
        metricCounts.created++;
        await repo.logChange(tx, { at: now, entity: 'metric', action: 'created', key: def.code, importId });
        return;
      }
      const changed = changedFields(stored, fields);
      if (changed.length === 0) {
        metricCounts.unchanged++;
        return;
      }
      await repo.updateMetric(tx, stored.id, fields, importId, now);
      metricCounts.updated++;
      await repo.logChange(tx, {
        at: now,
        entity: 'metric',
        action: 'updated',
        key: def.code,
        importId,
        detail: Object.fromEntries(changed.map((k) => [k, { before: stored[k], after: fields[k] }])),
      });
      metrics.set(def.code, { ...stored, ...fields });
      applicability.delete(stored.id);
    }

    async function onObservation(o: ObservationRecord): Promise<void> {
      obs.read++;
      const before = errorCount;
      const m: StoredMetric | undefined = metrics.get(o.metric);
      if (!m) error({ at: o.at, field: 'metric', value: o.metric, message: `unknown metric "${o.metric}": it is neither defined in this import nor in the catalogue` });
      const a = areas.get(o.area);
      if (!a) {
        error({
          at: o.at,
          field: 'area',
          value: o.area,
          message:
            areas.size === 0
              ? `unknown area code "${o.area}": no geography is loaded yet; run "sli import areas-vintages …" first`
              : `unknown area code "${o.area}": it is not an English council, county, region or combined authority code we know`,
        });
      } else {
        if (a.validTo && o.period.start > a.validTo) {
          error({ at: o.at, field: 'area', value: o.area, message: `area ${a.code} (${a.name}) ended on ${a.validTo}, before this period (${o.period.label}) began${describeArea(a, areas)}` });
        }
        if (m && !COMPARATOR_TYPES.has(a.type)) {
          let applicable = applicability.get(m.id);
          if (!applicable) applicability.set(m.id, (applicable = JSON.parse(m.applicable_area_types) as string[]));
          if (!applicable.includes(a.type)) error({ at: o.at, field: 'area', value: o.area, message: `metric ${m.code} applies to ${applicable.join(', ')} areas, not to ${a.code} (${a.name}, ${a.type})` });
        }
      }
      if (o.lci != null && o.uci != null && o.lci > o.uci) error({ at: o.at, field: 'lci', value: String(o.lci), message: `lower confidence limit ${o.lci} is above the upper ${o.uci}` });
      if (errorCount > before) {
        obs.rejected++;
        return;
      }
      if (errorCount > 0) return; // keep validating, stop writing
      let periodId = periods.get(o.period.iso);
      if (periodId === undefined) {
        periodId = await repo.insertPeriod(tx, o.period);
        periods.set(o.period.iso, periodId);
      }
      rowsRead.set(m!.id, (rowsRead.get(m!.id) ?? 0) + 1);
      await writer.add({
        metricId: m!.id,
        periodId,
        areaId: a!.id,
        value: o.value,
        status: o.status.length === 0 ? '' : statusToText(o.status),
        lci: o.lci ?? null,
        uci: o.uci ?? null,
        ciLevel: o.ciLevel ?? (o.lci != null || o.uci != null ? 95 : null),
        numerator: o.numerator ?? null,
        denominator: o.denominator ?? null,
        note: o.note ?? null,
        fileNo: fileIndex(o.at.file),
        line: o.at.line,
      });
    }

    try {
      const ctx = {
        error,
        progress: (bytes: number) => req.onProgress?.(bytes, totalBytes),
        skipped: (_at: SourceLocation, reason: string) => {
          skipped[reason] = (skipped[reason] ?? 0) + 1;
        },
        area: (code: string) => areas.get(code),
      };
      for await (const item of adapter.read(req.files, ctx)) {
        switch (item.kind) {
          case 'metric':
            await onMetric(item.metric, item.at);
            break;
          case 'observation':
            await onObservation(item.observation);
            break;
          case 'geography':
            if (!req.applyGeography) throw new Error('this import needs the areas module to apply geography');
            geography = await req.applyGeography(tx, item.geography, { importId, now });
            areas = await repo.loadAreas(tx);
            break;
          case 'boundaries': {
            if (!req.applyBoundaries) throw new Error('this import needs the maps module to store boundaries');
            const c = await req.applyBoundaries(tx, item.boundaries, { importId, now });
            boundaries = boundaries ? { created: boundaries.created + c.created, updated: boundaries.updated + c.updated, unchanged: boundaries.unchanged + c.unchanged } : c;
            break;
          }
          case 'groups': {
            if (!req.applyGroups) throw new Error('this import needs the groups module to store comparison groups');
            const { issues: found, ...c } = await req.applyGroups(tx, item.groups, { importId, now });
            for (const i of found) error(i);
            groups = groups
              ? {
                  families: { created: groups.families.created + c.families.created, updated: groups.families.updated + c.families.updated, unchanged: groups.families.unchanged + c.families.unchanged },
                  groups: groups.groups + c.groups,
                  members: groups.members + c.members,
                }
              : c;
            break;
          }
          default: {
            const never: never = item;
            throw new Error(`unknown import item ${JSON.stringify(never)}`);
          }
        }
      }
    } catch (e) {
      if (!(e instanceof ImportFileError)) throw e;
      const hint = e.wrongHeader && req.suggestAdapter ? await req.suggestAdapter(path.resolve(e.at.file)) : undefined;
      error({ at: e.at, message: hint ? `${e.message}; ${hint}` : e.message });
    }

    let counts: WriterCounts = { inserted: 0, updated: 0, unchanged: 0, duplicates: 0 };
    if (errorCount === 0) counts = await writer.finish();
    for (const c of writer.conflicts) error({ at: { file: fileName(c.fileNo), line: c.line }, message: c.message });
    Object.assign(obs, { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, duplicates: counts.duplicates });

    if (errorCount > 0) {
      throw new RollbackSignal(base('rejected', null, `Nothing was imported: ${fmt(errorCount)} problem(s) found. Fix them and import again.`));
    }
    const geoChanged =
      (geography ? geography.created + geography.updated > 0 : false) ||
      (boundaries ? boundaries.created + boundaries.updated > 0 : false) ||
      (groups ? groups.families.created + groups.families.updated > 0 : false);
    const changed = obs.inserted + obs.updated + metricCounts.created + metricCounts.updated > 0 || geoChanged;
    if (!changed && mode === 'publish') {
      const msg = `Nothing changed: all ${fmt(obs.read)} observations${metricCounts.unchanged ? `, ${fmt(metricCounts.unchanged)} metrics` : ''}${geography ? `, ${fmt(geography.unchanged)} areas` : ''}${boundaries ? `, ${fmt(boundaries.unchanged)} boundaries` : ''}${groups ? `, ${fmt(groups.families.unchanged)} group families` : ''} are already as in ${files.length > 1 ? 'these files' : 'this file'}.`;
      throw new RollbackSignal(base(req.dryRun ? 'dry-run' : 'unchanged', null, msg));
    }
    const touched = [...rowsRead.keys()];
    if (mode === 'publish') await repo.refreshCoverage(tx, touched, importId, rowsRead);
    await repo.finishImport(tx, importId, {
      inserted: obs.inserted,
      updated: obs.updated,
      unchanged: obs.unchanged,
      rejected: obs.rejected,
      summary: JSON.stringify({ observations: obs, metrics: metricCounts, geography }),
    });
    const skippedText = Object.entries(skipped).map(([r, n]) => `${fmt(n)} ${r}`).join(', ');
    const observationsText = `${fmt(obs.read)} observations read: ${fmt(obs.inserted)} new, ${fmt(obs.updated)} changed (previous values kept), ${fmt(obs.unchanged)} unchanged${obs.duplicates ? `, ${fmt(obs.duplicates)} identical duplicates ignored` : ''}; metrics: ${metricCounts.created} new, ${metricCounts.updated} changed, ${metricCounts.unchanged} unchanged`;
    const what = `${skippedText ? `rows left out on purpose: ${skippedText}; ` : ''}${obs.read || definedHere.size || !(geography || boundaries || groups) ? observationsText : groups ? 'comparison groups only' : 'geography only'}${geography ? `; areas: ${geography.created} new, ${geography.updated} changed, ${geography.unchanged} unchanged` : ''}${boundaries ? `; boundaries: ${boundaries.created} new, ${boundaries.updated} changed, ${boundaries.unchanged} unchanged` : ''}${groups ? `; group families: ${groups.families.created} new, ${groups.families.updated} changed, ${groups.families.unchanged} unchanged (${fmt(groups.groups)} groups, ${fmt(groups.members)} members)` : ''}.`;
    if (req.dryRun) throw new RollbackSignal(base('dry-run', null, `Dry run, nothing written. It would publish ${what}`));
    if (mode === 'draft') return base('draft', importId, `Import #${importId} is held as a draft: ${what} Publish it with "sli imports publish ${importId}".`);
    await repo.logChange(tx, { at: now, entity: 'import', action: 'published', key: String(importId), importId });
    return base('published', importId, `Published import #${importId}: ${what}`);
  }, { long: true });
  if (summary.state === 'published' && obs.inserted + obs.updated >= STATISTICS_AFTER_ROWS) await repo.refreshStatistics(db);
  return summary;
}

/** Publications of at least this many new or changed observations refresh the planner's statistics. */
const STATISTICS_AFTER_ROWS = 50_000;

export class ImportStateError extends Error {}

/** Publishes a draft import: its staged observations go through the same merge as a direct publish. */
export async function publishImport(db: Db, importId: number, at = new Date()): Promise<WriterCounts> {
  const now = at.toISOString();
  return withTransaction(db, async (tx) => {
    const imp = await repo.getImport(tx, importId);
    if (!imp) throw new ImportStateError(`import #${importId} does not exist`);
    if (imp.state !== 'draft') throw new ImportStateError(`import #${importId} is ${imp.state}, not a draft`);
    const metricIds = (await tx.all<{ metric_id: number; n: number }>('SELECT metric_id, count(*) AS n FROM staged_observations WHERE import_id = ? GROUP BY metric_id', [importId])).map((r) => ({ id: r.metric_id, n: Number(r.n) }));
    const counts = await publishStaged(tx, importId, now);
    await repo.refreshCoverage(tx, metricIds.map((m) => m.id), importId, new Map(metricIds.map((m) => [m.id, m.n])));
    await repo.setImportState(tx, importId, 'published', now);
    await repo.finishImport(tx, importId, { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, rejected: 0, summary: imp.summary ?? '{}' });
    await repo.logChange(tx, { at: now, entity: 'import', action: 'published', key: String(importId), importId });
    return counts;
  }, { long: true }).then(async (counts) => {
    if (counts.inserted + counts.updated >= STATISTICS_AFTER_ROWS) await repo.refreshStatistics(db);
    return counts;
  });
}

/** Discards a draft import and its staged observations. */
export async function discardImport(db: Db, importId: number, at = new Date()): Promise<void> {
  await withTransaction(db, async (tx) => {
    const imp = await repo.getImport(tx, importId);
    if (!imp) throw new ImportStateError(`import #${importId} does not exist`);
    if (imp.state !== 'draft') throw new ImportStateError(`import #${importId} is ${imp.state}; only drafts can be discarded`);
    await tx.run('DELETE FROM staged_observations WHERE import_id = ?', [importId]);
    await repo.setImportState(tx, importId, 'discarded', at.toISOString());
  });
}

export const listImports = (db: Db, limit?: number) => repo.listImports(db, limit);

/** A value that changes whenever an import is made, published or discarded: what caches of the catalogue key on. */
export const importsStamp = (db: Db) => repo.stamp(db);
