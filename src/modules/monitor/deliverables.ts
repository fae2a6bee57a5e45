/**
 * The plan of deliverables agreed with the funder: per financial year, theme, deliverable, target and due quarter,
 * from a CSV (`sli monitor plan FILE`, checked whole, written in one transaction, problems named by file:line) or
 * entered one at a time; progress per quarter entered, or computed from the platform where the deliverable names a
 * measure. The quarterly report joins them with the quarter's programme delivery.
 */
import { parse } from 'csv-parse/sync';
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { QUARTERS, quarterRange, yearLabel, type Quarter } from './dates.ts';
import type { deliveryService } from './delivery.ts';
import { planRepository as repo } from './repository.ts';
import type { MonitorDeliverablesTable } from './tables.ts';

/** Figures the platform computes as a deliverable's progress, cumulative from the start of the financial year. */
export const MEASURES = ['peer-challenges-delivered', 'peer-days-donated', 'surveys-run'] as const;
export type Measure = (typeof MEASURES)[number];
export const PLAN_COLUMNS = ['year', 'theme', 'deliverable', 'target', 'due_quarter', 'measure'] as const;

export interface DeliverableInput {
  year: number | string;
  theme?: string | undefined;
  deliverable?: string | undefined;
  target?: number | string | null | undefined;
  dueQuarter?: string | undefined;
  measure?: string | null | undefined;
}

type CheckedDeliverable = Omit<MonitorDeliverablesTable, 'id' | 'created_at'>;

/** A deliverable checked field by field; problems are pushed with `where` (a file:line, or empty for a form). */
function check(d: DeliverableInput, where: string, problems: FieldError[]): CheckedDeliverable | null {
  const at = (f: string) => (where ? `${where} ${f}` : f);
  const before = problems.length;
  const year = Number(d.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    problems.push({
      field: at('year'),
      message: 'must be a financial year such as 2026 (for 2026/27)',
      value: String(d.year ?? ''),
    });
  const theme = (d.theme ?? '').trim();
  if (!theme) problems.push({ field: at('theme'), message: 'is required: every deliverable belongs to a theme' });
  const deliverable = (d.deliverable ?? '').trim();
  if (!deliverable) problems.push({ field: at('deliverable'), message: 'is required' });
  const rawTarget = d.target === null || d.target === undefined ? '' : String(d.target).trim();
  const target = rawTarget === '' ? null : Number(rawTarget);
  if (target !== null && (!Number.isFinite(target) || target < 0))
    problems.push({ field: at('target'), message: 'must be a number, 0 or more (or empty)', value: rawTarget });
  const due = (d.dueQuarter ?? '').trim().toUpperCase();
  if (!(QUARTERS as readonly string[]).includes(due))
    problems.push({
      field: at('due_quarter'),
      message: 'must be Q1, Q2, Q3 or Q4 (Q1 is April to June)',
      value: d.dueQuarter ?? '',
    });
  const measure = (d.measure ?? '').trim() || null;
  if (measure !== null && !(MEASURES as readonly string[]).includes(measure))
    problems.push({ field: at('measure'), message: `must be empty or one of ${MEASURES.join(', ')}`, value: measure });
  if (problems.length > before) return null;
  return { year, theme, deliverable, target, due_quarter: due, measure };
}

const refuse = (detail: string, errors: FieldError[]) =>
  new AppError(400, 'invalid-input', `${detail}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);

export interface QuarterRow {
  id: number;
  theme: string;
  deliverable: string;
  target: number | null;
  dueQuarter: string;
  measure: string | null;
  value: number | null;
  note: string | null;
  status: string;
}

export function deliverablesService(db: Db, delivery: ReturnType<typeof deliveryService>) {
  /** Imports a plan from CSV text: all rows or none. */
  async function importPlan(file: string, text: string, now = new Date()) {
    let rows: Record<string, string>[];
    try {
      rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
    } catch (e) {
      throw new AppError(400, 'invalid-csv', `${file}: ${(e as Error).message}`);
    }
    const header = Object.keys(rows[0] ?? {});
    const missing = PLAN_COLUMNS.filter((c) => c !== 'measure' && c !== 'target' && !header.includes(c));
    if (rows.length && missing.length)
      throw refuse(
        `${file}:1`,
        missing.map((c) => ({ field: `${file}:1 ${c}`, message: 'column is missing' })),
      );
    const problems: FieldError[] = [];
    const checked = rows.map((r, i) =>
      check(
        {
          year: r.year ?? '',
          theme: r.theme,
          deliverable: r.deliverable,
          target: r.target,
          dueQuarter: r.due_quarter,
          measure: r.measure,
        },
        `${file}:${i + 2}`,
        problems,
      ),
    );
    if (problems.length) throw refuse(`${file}: nothing was imported`, problems);
    const stamp = now.toISOString();
    await withTransaction(db, async (tx) => {
      for (const c of checked) await repo.upsertDeliverable(tx.kysely, { ...c!, created_at: stamp });
    });
    return { deliverables: checked.length };
  }

  async function add(input: DeliverableInput, now = new Date()) {
    const problems: FieldError[] = [];
    const c = check(input, '', problems);
    if (!c) throw refuse('The deliverable was not saved', problems);
    const id = await repo.upsertDeliverable(db.kysely, { ...c, created_at: now.toISOString() });
    return { id };
  }

  /** One deliverable with its progress by quarter (404 when there is none). */
  async function deliverable(id: number) {
    const d = await repo.deliverable(db.kysely, id);
    if (!d) throw new AppError(404, 'not-found', `Deliverable ${id} does not exist.`);
    const progress = await repo.progress(db.kysely, [id]);
    return {
      id: d.id,
      year: d.year,
      yearLabel: yearLabel(d.year),
      theme: d.theme,
      deliverable: d.deliverable,
      target: d.target === null ? null : Number(d.target),
      dueQuarter: d.due_quarter,
      measure: d.measure,
      progress: progress.map((p) => ({
        quarter: p.quarter,
        value: p.value === null ? null : Number(p.value),
        note: p.note,
      })),
    };
  }

  async function setProgress(
    id: number,
    input: { quarter: string; value?: number | null | undefined; note?: string | undefined },
    now = new Date(),
  ) {
    const d = await repo.deliverable(db.kysely, id);
    if (!d) throw new AppError(404, 'not-found', `Deliverable ${id} does not exist.`);
    const q = input.quarter.trim().toUpperCase();
    const errors: FieldError[] = [];
    if (!(QUARTERS as readonly string[]).includes(q))
      errors.push({ field: 'quarter', message: 'must be Q1, Q2, Q3 or Q4', value: input.quarter });
    if (d.measure) errors.push({ field: 'value', message: `is computed by the platform (${d.measure}), not entered` });
    if (input.value !== undefined && input.value !== null && (!Number.isFinite(input.value) || input.value < 0))
      errors.push({ field: 'value', message: 'must be a number, 0 or more', value: String(input.value) });
    if (errors.length) throw refuse('The progress was not saved', errors);
    await repo.setProgress(db.kysely, {
      deliverable_id: id,
      quarter: q,
      value: input.value ?? null,
      note: input.note?.trim() || null,
      recorded_at: now.toISOString(),
    });
  }

  async function computed(measure: Measure, year: number, q: Quarter): Promise<number> {
    const start = quarterRange(year, 'Q1').from;
    const d = await delivery.delivery(start, quarterRange(year, q).next);
    switch (measure) {
      case 'peer-challenges-delivered':
        return d.peer.delivered;
      case 'peer-days-donated':
        return d.peer.daysDonated;
      case 'surveys-run':
        return d.surveys.length;
    }
  }

  /** The plan of a year with progress to the end of a quarter, by theme, and the quarter's delivery. */
  async function quarterly(year: number, quarter: Quarter) {
    const range = quarterRange(year, quarter);
    const list = await repo.deliverables(db.kysely, year);
    const progress = await repo.progress(
      db.kysely,
      list.map((d) => d.id),
    );
    const qi = QUARTERS.indexOf(quarter);
    const cache = new Map<string, number>();
    const rows: QuarterRow[] = [];
    for (const d of list) {
      let value: number | null = null;
      let note: string | null = null;
      if (d.measure) {
        const m = d.measure as Measure;
        if (!cache.has(m)) cache.set(m, await computed(m, year, quarter));
        value = cache.get(m)!;
      } else {
        const latest = progress
          .filter((p) => p.deliverable_id === d.id && QUARTERS.indexOf(p.quarter as Quarter) <= qi)
          .at(-1);
        value = latest?.value ?? null;
        note = latest?.note ?? null;
      }
      const target = d.target === null ? null : Number(d.target);
      const due = QUARTERS.indexOf(d.due_quarter as Quarter);
      const status =
        target !== null && value !== null && value >= target
          ? 'Met'
          : value === null
            ? 'No progress recorded'
            : due < qi
              ? 'Not met by the due quarter'
              : due === qi
                ? 'Due this quarter'
                : 'In progress';
      rows.push({
        id: d.id,
        theme: d.theme,
        deliverable: d.deliverable,
        target,
        dueQuarter: d.due_quarter,
        measure: d.measure,
        value: value === null ? null : Number(value),
        note,
        status,
      });
    }
    const themes = [...new Set(rows.map((r) => r.theme))].map((theme) => ({
      theme,
      deliverables: rows.filter((r) => r.theme === theme),
    }));
    return {
      year,
      yearLabel: yearLabel(year),
      quarter,
      from: range.from,
      to: range.last,
      themes,
      delivery: await delivery.delivery(range.from, range.next),
    };
  }

  return { importPlan, add, deliverable, setProgress, quarterly };
}
export type Quarterly = Awaited<ReturnType<ReturnType<typeof deliverablesService>['quarterly']>>;
