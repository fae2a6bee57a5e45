/**
 * What the leadership module's services share: the database, the councils (the areas module's directory over the
 * geography), who may see and change what, and the checks of plain input.
 */
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { councilDirectory, isIsoDate, type AreasService, type Council } from '../areas/index.ts';
import type { SessionUser } from '../accounts/index.ts';
import type { Surveys } from '../surveys/index.ts';

export type Viewer = SessionUser | null | undefined;
export const OFFICE_ROLES = ['programme_office', 'admin'] as const;
export const isOffice = (v: Viewer): boolean => !!v && (OFFICE_ROLES as readonly string[]).includes(v.role);

export interface LeadDeps {
  areas: AreasService;
  logger: Logger;
  /** The surveys module: the evaluation surveys' questionnaires, waves, frames and invitations (evaluation.ts). */
  surveys?: Surveys;
  /** Days a freed place is held for the person it is offered to. */
  offerDays?: number;
  now?: () => Date;
}

export function createContext(db: Db, deps: LeadDeps) {
  const councils = councilDirectory(deps.areas);
  const log = deps.logger.child({ module: 'lead' });
  const now = deps.now ?? (() => new Date());

  /** The council a code names on a date: a code retired by a re-coding is taken as the code it became. */
  async function councilAt(field: string, code: string | undefined, date: string): Promise<Council> {
    const dir = await councils();
    const given = (code ?? '').trim().toUpperCase();
    let c = dir.byCode.get(given);
    if (c && c.validTo !== null && c.validTo < date && c.currentCode !== c.code) c = dir.byCode.get(c.currentCode);
    if (!c)
      throw invalid(`No council has the code "${given}"`, [{ field, message: 'is not a council code', value: given }]);
    if ((c.validFrom !== null && c.validFrom > date) || (c.validTo !== null && c.validTo < date))
      throw invalid(`${c.name} (${c.code}) was not a council on ${date}`, [
        { field, message: `was not a council on ${date} (${c.validFrom ?? '…'} to ${c.validTo ?? '…'})`, value: given },
      ]);
    return c;
  }

  /** True when the council user represents the council (its own code, or the code it was re-coded as). */
  const represents = (v: Viewer, c: Council | undefined): boolean =>
    v?.role === 'council' && !!c && !!v.council && (c.code === v.council.code || c.currentCode === v.council.code);

  /** Signed in as the programme office or an administrator; 401 for visitors, 403 otherwise. */
  function requireOffice(v: Viewer, what: string): void {
    if (!v) throw new AppError(401, 'sign-in-required', `Sign in to ${what}.`);
    if (!isOffice(v)) throw new AppError(403, 'forbidden', `Only the programme office and administrators may ${what}.`);
  }

  return {
    db,
    log,
    now,
    councils,
    councilAt,
    represents,
    requireOffice,
    offerDays: deps.offerDays ?? 5,
    areas: deps.areas,
    surveys: deps.surveys,
  };
}
export type LeadContext = ReturnType<typeof createContext>;

export const invalid = (detail: string, errors: FieldError[]) =>
  new AppError(400, 'invalid-input', `${detail}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);

/** Collects field problems of plain input; `fail()` throws them together as one 400. */
export class Checks {
  readonly list: FieldError[] = [];
  add(field: string, message: string, value?: unknown): void {
    this.list.push({ field, message, ...(value === undefined || value === null ? {} : { value: String(value) }) });
  }
  date(field: string, v: string | undefined): string {
    if (!v || !isIsoDate(v)) this.add(field, 'is not a real date written YYYY-MM-DD', v);
    return v ?? '';
  }
  oneOf<T extends string>(field: string, v: string | undefined, allowed: readonly T[]): T {
    if (v === undefined || !(allowed as readonly string[]).includes(v))
      this.add(field, `must be one of ${allowed.join(', ')}`, v);
    return v as T;
  }
  text(field: string, v: string | undefined, max = 200): string {
    const t = v?.trim() ?? '';
    if (!t) this.add(field, 'is required');
    else if (t.length > max) this.add(field, `is longer than ${max} characters`);
    return t;
  }
  fail(detail: string): void {
    if (this.list.length) throw invalid(detail, this.list);
  }
}
