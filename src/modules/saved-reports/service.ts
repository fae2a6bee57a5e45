/**
 * Saved reports: a registered user's definition (metrics, councils or a group, periods, chart), saved with a title and
 * a visibility. Rules:
 * - a definition is checked field by field on save (an unknown metric, area or group is a 400 naming the field and
 *   value); a metric deleted later is a marked gap when the report is viewed, never an error (compute.ts);
 * - figures are never stored: every view re-computes from the published data;
 * - private reports: the owner, analysts and administrators; shared: anyone with the permalink; public: listed too.
 *   A report someone may not see is a 404 (its existence is not given away). Only the owner edits; the owner or an
 *   administrator deletes;
 * - the permalink's slug is 144 random bits and never changes.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound, type FieldError } from '../../platform/errors.ts';
import { ANALYST_ROLES } from '../accounts/index.ts';
import { COUNCIL_TYPES, type AreasService } from '../areas/index.ts';
import { type GroupsService, type Viewer } from '../groups/index.ts';
import { isCategorical, type MetricsService } from '../metrics/index.ts';
import { parsePeriodSelectors, SelectorError } from '../observations/index.ts';
import { CATEGORICAL_NOT_CHARTED, type ReportComputer, defaultPeriods } from './compute.ts';
import { createSavedReportsRepository, type SavedReportRow } from './repository.ts';
import {
  CHART_TYPES,
  VISIBILITIES,
  type ReportBodyT,
  type ReportDefinitionT,
  type ReportPatchT,
  type ReportViewT,
  type Visibility,
} from './schemas.ts';
import { checkStoredText, normaliseText } from '../../platform/text.ts';

export const MAX_TREND_AREAS = 6;

export type ReportSummaryT = ReportViewT['report'];

/** Named mapper from a stored row to the API's summary. */
export function toReportSummary(r: SavedReportRow): ReportSummaryT {
  return {
    slug: r.slug,
    title: r.title,
    description: r.description,
    visibility: r.visibility,
    owner: r.owner_name,
    definition: JSON.parse(r.definition) as ReportDefinitionT,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    links: {
      self: `/api/v1/reports/${r.slug}`,
      page: `/reports/${r.slug}`,
      csv: `/api/v1/reports/${r.slug}.csv`,
      embed: `/embed/reports/${r.slug}`,
    },
  };
}

export const newSlug = (): string => randomBytes(18).toString('base64url');

export function createSavedReportsService(
  db: Db,
  deps: { computer: ReportComputer; metrics: MetricsService; areas: AreasService; groups: GroupsService },
) {
  const repo = createSavedReportsRepository(db);
  const { computer, metrics, areas, groups } = deps;

  /**
   * Checks a definition field by field; returns it normalised (canonical metric ids, upper-case codes, periods set).
   */
  async function validate(def: ReportDefinitionT, owner: Viewer, errors: FieldError[]): Promise<ReportDefinitionT> {
    const f = (field: string) => `definition.${field}`;
    if (!(CHART_TYPES as readonly string[]).includes(def.chart))
      errors.push({ field: f('chart'), value: String(def.chart), message: `must be one of ${CHART_TYPES.join(', ')}` });
    const ids = def.metrics.map((m) => m.trim());
    const rows = await metrics.resolveKnown(ids.filter((x) => x !== ''));
    const byKey = new Map(
      rows.flatMap(
        (r) =>
          [
            [r.code, r],
            [r.slug, r],
          ] as const,
      ),
    );
    const seen = new Map<string, number>();
    const canonical: string[] = [];
    ids.forEach((id, i) => {
      const row = byKey.get(id);
      if (!row)
        return errors.push({
          field: f(`metrics[${i}]`),
          value: id,
          message: 'is not a metric in the catalogue (see /api/v1/metrics)',
        });
      if (isCategorical(row))
        return errors.push({
          field: f(`metrics[${i}]`),
          value: id,
          message: CATEGORICAL_NOT_CHARTED,
        });
      if (seen.has(row.code))
        return errors.push({
          field: f(`metrics[${i}]`),
          value: id,
          message: `is listed twice (also at metrics[${seen.get(row.code)}])`,
        });
      seen.set(row.code, i);
      canonical.push(row.code);
    });
    if (def.chart === 'scatter' && ids.length !== 2)
      errors.push({
        field: f('metrics'),
        value: String(ids.length),
        message: 'a scatter needs exactly two measures: spend (x) first, then the outcome (y)',
      });

    const codes = (def.areas ?? []).map((c) => c.trim().toUpperCase());
    const first = new Map<string, number>();
    codes.forEach((c, i) => {
      if (!/^E\d{8}$/.test(c))
        errors.push({ field: f(`areas[${i}]`), value: c, message: 'is not an English GSS code such as E08000009' });
      else if (first.has(c))
        errors.push({ field: f(`areas[${i}]`), value: c, message: `is listed twice (also at areas[${first.get(c)}])` });
      else first.set(c, i);
    });
    const { areas: found, unknown } = await areas.resolveCodes([...first.keys()]);
    for (const u of unknown)
      errors.push({ field: f(`areas[${first.get(u)}]`), value: u, message: 'is not an area code we know' });
    for (const a of found) {
      if (a.status === 'retired')
        errors.push({
          field: f(`areas[${first.get(a.code)}]`),
          value: a.code,
          message: `${a.note ?? `${a.code} has ended`}: use the current code`,
        });
      else if (!COUNCIL_TYPES.includes(a.type))
        errors.push({
          field: f(`areas[${first.get(a.code)}]`),
          value: a.code,
          message: `${a.name} is not a council (type ${a.type})`,
        });
    }
    if (def.chart === 'trend' && (first.size < 1 || first.size > MAX_TREND_AREAS)) {
      errors.push({
        field: f('areas'),
        value: String(first.size),
        message: `a trend report draws a line for each chosen council: choose from 1 to ${MAX_TREND_AREAS}`,
      });
    }

    const group = def.group?.trim() || undefined;
    if (group) {
      try {
        await groups.resolve(group, undefined, owner);
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        errors.push({
          field: f('group'),
          value: group,
          message:
            e.status === 404
              ? 'is not a group you can use (see /api/v1/groups and /api/v1/me/groups)'
              : (e.errors[0]?.message ?? e.message),
        });
      }
    }
    if (!group && first.size === 0)
      errors.push({ field: f('areas'), value: '', message: 'choose at least one council, or a group, or both' });

    const periods = def.periods?.trim() || defaultPeriods(def.chart);
    try {
      parsePeriodSelectors(periods);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      errors.push({ field: f('periods'), value: periods, message: e.message });
    }
    return {
      metrics: canonical,
      ...(first.size ? { areas: [...first.keys()] } : {}),
      ...(group ? { group } : {}),
      periods,
      chart: def.chart,
    };
  }

  function checkVisibility(v: string | undefined, errors: FieldError[]): Visibility {
    if (v === undefined) return 'private';
    if (!(VISIBILITIES as readonly string[]).includes(v))
      errors.push({ field: 'visibility', value: v, message: `must be one of ${VISIBILITIES.join(', ')}` });
    return v as Visibility;
  }

  function checkTitle(t: string | undefined, errors: FieldError[]): string {
    const title = normaliseText((t ?? '').trim());
    if (title === '' || title.length > 200)
      errors.push({ field: 'title', value: t ?? '', message: 'is required, up to 200 characters' });
    const unsafe = checkStoredText('title', title);
    if (unsafe) errors.push(unsafe);
    return title;
  }

  /** The description as stored (null when blank), refused like a title when it holds unsafe characters. */
  function checkDescription(d: string | null | undefined, errors: FieldError[]): string | null {
    const description = normaliseText(d?.trim() ?? '');
    const unsafe = checkStoredText('description', description);
    if (unsafe) errors.push(unsafe);
    return description || null;
  }

  /**
   * True when only its owner may see the group (a private custom group): it must not travel in a shared or public
   * report.
   */
  async function privateGroup(id: string | undefined): Promise<boolean> {
    if (!id) return false;
    try {
      await groups.resolve(id, undefined, undefined);
      return false;
    } catch (e) {
      if (e instanceof AppError && e.status === 404) return true;
      throw e;
    }
  }
  async function checkGroupShareable(visibility: Visibility, group: string | undefined, errors: FieldError[]) {
    if (visibility !== 'private' && (await privateGroup(group))) {
      errors.push({
        field: 'visibility',
        value: visibility,
        message: `the report uses your private group "${group}": a ${visibility} report would show its members to others. Share the group first, or keep the report private`,
      });
    }
  }

  const refuse = (errors: FieldError[]) =>
    new AppError(
      400,
      'invalid-report',
      `The report was not saved: correct ${errors.length === 1 ? 'the field' : 'the fields'} listed.`,
      errors,
    );
  const canSee = (r: SavedReportRow, viewer: Viewer | undefined) =>
    r.visibility !== 'private' ||
    (viewer !== undefined &&
      (viewer.id === r.owner_user_id || (ANALYST_ROLES as readonly string[]).includes(viewer.role)));
  const ownerOf = (r: SavedReportRow): Viewer => ({ id: r.owner_user_id, role: 'council' });

  /** The report if this viewer may see it; otherwise 404, whether or not it exists. */
  async function visible(slug: string, viewer: Viewer | undefined): Promise<SavedReportRow> {
    const r = await repo.bySlug(slug);
    if (!r || !canSee(r, viewer)) throw notFound('Report', slug);
    return r;
  }

  return {
    visible,
    /** How many reports had been saved before `to`, and how many of them on or after `from` (ISO times). */
    counts: (from: string, to: string) => repo.counts(from, to),
    isOwner: (r: SavedReportRow, viewer: Viewer | undefined) => viewer?.id === r.owner_user_id,

    async create(owner: Viewer, body: ReportBodyT, now = new Date()): Promise<ReportSummaryT> {
      const errors: FieldError[] = [];
      const title = checkTitle(body.title, errors);
      const description = checkDescription(body.description, errors);
      const visibility = checkVisibility(body.visibility, errors);
      const definition = await validate(body.definition, owner, errors);
      await checkGroupShareable(visibility, definition.group, errors);
      if (errors.length) throw refuse(errors);
      const stamp = now.toISOString();
      const slug = newSlug();
      await repo.insert({
        slug,
        owner_user_id: owner.id,
        title,
        description,
        definition: JSON.stringify(definition),
        visibility,
        created_at: stamp,
        updated_at: stamp,
      });
      return toReportSummary((await repo.bySlug(slug))!);
    },

    async update(viewer: Viewer, slug: string, patch: ReportPatchT, now = new Date()): Promise<ReportSummaryT> {
      const r = await visible(slug, viewer);
      if (r.owner_user_id !== viewer.id)
        throw new AppError(403, 'forbidden', 'Only the owner of a report can change it.');
      const errors: FieldError[] = [];
      const set: Parameters<typeof repo.update>[1] = { updated_at: now.toISOString() };
      if (patch.title !== undefined) set.title = checkTitle(patch.title, errors);
      if (patch.description !== undefined) set.description = checkDescription(patch.description, errors);
      if (patch.visibility !== undefined) set.visibility = checkVisibility(patch.visibility, errors);
      if (patch.definition !== undefined)
        set.definition = JSON.stringify(await validate(patch.definition, viewer, errors));
      const finalDefinition = JSON.parse(set.definition ?? r.definition) as { group?: string };
      await checkGroupShareable((set.visibility ?? r.visibility) as Visibility, finalDefinition.group, errors);
      if (errors.length) throw refuse(errors);
      await repo.update(r.id, set);
      return toReportSummary((await repo.bySlug(slug))!);
    },

    async remove(viewer: Viewer, slug: string): Promise<void> {
      const r = await visible(slug, viewer);
      if (r.owner_user_id !== viewer.id && viewer.role !== 'admin')
        throw new AppError(403, 'forbidden', 'Only the owner of a report or an administrator can delete it.');
      await repo.delete(r.id);
    },

    mine: async (viewer: Viewer): Promise<ReportSummaryT[]> => (await repo.ofOwner(viewer.id)).map(toReportSummary),
    listPublic: async (limit = 200): Promise<ReportSummaryT[]> => (await repo.listPublic(limit)).map(toReportSummary),

    /** The report with its figures re-computed from the published data. */
    async view(r: SavedReportRow): Promise<ReportViewT> {
      const summary = toReportSummary(r);
      // A private report is computed as its owner sees the data (their private groups included); a shared or public one
      // as anyone would, so a group made private after sharing becomes a marked gap rather than showing its members.
      return {
        report: summary,
        ...(await computer.compute(summary.definition, r.visibility === 'private' ? ownerOf(r) : undefined)),
      };
    },

    /** A cache key part that changes with the report and with anything its figures depend on. */
    stamp: async (r: SavedReportRow): Promise<string> =>
      `${r.id}|${r.visibility}|${r.updated_at}|${await computer.stamp(JSON.parse(r.definition) as ReportDefinitionT)}`,
  };
}
export type SavedReportsService = ReturnType<typeof createSavedReportsService>;
