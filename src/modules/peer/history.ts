/**
 * `sli peer import FILE`: a history of past engagements from a CSV, checked whole and written in one transaction (a
 * problem anywhere, named by file:line and column, writes nothing). The format (UTF-8, a header row):
 *
 *   council                   GSS code of the council as it was at the time (a later re-coding is followed)
 *   kind                      an engagement kind: corporate, finance, childrens-safeguarding, adult-social-care …
 *   framework                 optional: the framework version (2011, 2017, 2023); default the one in force
 *   requested_on              the date the council asked for it
 *   onsite_start, onsite_end  the visit's first and last days
 *   report_published_on       optional dates of the later steps, each on or after the one before
 *   action_plan_published_on
 *   progress_review_published_on
 *   closed_on
 *
 * An imported engagement records only the steps the file dates (requested, on site, and those given), and its state
 * is the furthest of them.
 */
import { parse } from 'csv-parse/sync';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { Problems, type PeerContext } from './context.ts';
import type { engagementService } from './engagements.ts';
import { peerRepository as repo } from './repository.ts';

export const HISTORY_COLUMNS = [
  'council',
  'kind',
  'framework',
  'requested_on',
  'onsite_start',
  'onsite_end',
  'report_published_on',
  'action_plan_published_on',
  'progress_review_published_on',
  'closed_on',
] as const;
const REQUIRED = ['council', 'kind', 'requested_on', 'onsite_start', 'onsite_end'];
const LATER = [
  ['report_published_on', 'report-published'],
  ['action_plan_published_on', 'action-plan-published'],
  ['progress_review_published_on', 'progress-review-published'],
  ['closed_on', 'closed'],
] as const;

export function historyImport(ctx: PeerContext, engagements: ReturnType<typeof engagementService>) {
  return async function importHistory(file: string, text: string, now = new Date()): Promise<{ engagements: number }> {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parse(text.replace(/^\uFEFF/, ''), { columns: true, info: true, skip_empty_lines: true, trim: true });
    } catch (e) {
      throw new AppError(400, 'invalid-csv', `${file}: ${(e as Error).message}`);
    }
    const header = Object.keys(records[0]?.record ?? {});
    const missing = REQUIRED.filter((c) => !header.includes(c));
    const unknown = header.filter((c) => !(HISTORY_COLUMNS as readonly string[]).includes(c));
    if (records.length === 0 || missing.length || unknown.length)
      throw new AppError(
        400,
        'invalid-csv',
        `${file}:1: ${records.length === 0 ? 'no rows' : ''}${missing.length ? `missing columns ${missing.join(', ')}` : ''}${unknown.length ? ` unknown columns ${unknown.join(', ')}` : ''}`.trim(),
      );
    const errors: FieldError[] = [];
    const checked: {
      c: Awaited<ReturnType<typeof engagements.checkEngagement>>;
      later: { state: string; date: string }[];
    }[] = [];
    for (const { record: r, info } of records) {
      const p = new Problems();
      const c = await engagements.checkEngagement(
        {
          council: r.council ?? '',
          kind: r.kind ?? '',
          framework: r.framework || undefined,
          requestedOn: r.requested_on ?? '',
          onsiteStart: r.onsite_start,
          onsiteEnd: r.onsite_end,
        },
        p,
      );
      if (!c.start) p.add('onsiteStart', 'is required for a past engagement');
      let prev = c.end;
      const later: { state: string; date: string }[] = [];
      for (const [col, state] of LATER) {
        const d = p.date(col, r[col]);
        if (!d) continue;
        if (prev && d < prev) p.add(col, `is before the step before it (${prev}): dates out of order`, d);
        prev = d;
        later.push({ state, date: d });
      }
      for (const e of p.list) errors.push({ ...e, field: `${file}:${info.lines} ${e.field}` });
      checked.push({ c, later });
    }
    if (errors.length)
      throw new AppError(
        400,
        'invalid-input',
        `${file}: ${errors.length} problem(s); nothing was imported. ${errors
          .slice(0, 3)
          .map((e) => `${e.field} ${e.message}`)
          .join('; ')}`,
        errors,
      );
    const stamp = now.toISOString();
    await withTransaction(
      ctx.db,
      async (tx) => {
        for (const { c, later } of checked) {
          const steps = [{ state: 'requested', date: c.requested! }, { state: 'on-site', date: c.start! }, ...later];
          const id = await repo.insertEngagement(tx.kysely, {
            area_id: c.council!.id,
            kind: c.kind!.code,
            framework_id: c.framework!.id,
            scope: c.scope,
            focus_areas: JSON.stringify(c.focus),
            state: steps.at(-1)!.state,
            resume_state: null,
            onsite_start: c.start,
            onsite_end: c.end,
            created_at: stamp,
            updated_at: stamp,
          });
          for (const s of steps)
            await repo.insertStep(tx.kysely, {
              engagement_id: id,
              state: s.state,
              date: s.date,
              reason: 'imported history',
              recorded_at: stamp,
            });
        }
      },
      { long: true },
    );
    ctx.log.info({ event: 'history-imported', engagements: checked.length });
    return { engagements: checked.length };
  };
}
