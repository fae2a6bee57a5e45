/**
 * What the leadership module's services share: the database, the councils (the areas module's directory over the
 * geography), who may see and change what, and the checks of plain input.
 */
import type { Db } from '../../platform/db.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { councilDirectory, isIsoDate, type AreasService, type Council } from '../areas/index.ts';
import { PROGRAMME_OFFICE, type SessionUser } from '../accounts/index.ts';
import type { Surveys } from '../surveys/index.ts';

export type Viewer = SessionUser | null | undefined;
export const OFFICE_ROLES = [PROGRAMME_OFFICE, 'admin'] as const;
export const isOffice = (v: Viewer): boolean => !!v && (OFFICE_ROLES as readonly string[]).includes(v.role);
/** The roles that put people forward: the office, a council's member services officer, a political group's office. */
export const NOMINATING_ROLES = [...OFFICE_ROLES, 'council', 'group_office'] as const;
export const isGroupOffice = (v: Viewer): boolean => v?.role === 'group_office';
/** Party names compared as people type them: case and surrounding spaces do not matter. */
const partyKey = (p: string | null | undefined) => (p ?? '').trim().toLowerCase();
/** True when the viewer is a group office and the party is its political group. */
export const ofGroup = (v: Viewer, party: string | null | undefined): boolean =>
  isGroupOffice(v) && !!v!.politicalGroup && partyKey(party) !== '' && partyKey(party) === partyKey(v!.politicalGroup);

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

  /**
   * True when the viewer may see and act on the participant: the office any; a council user its own council's; a
   * group office the members of its political group (from any council).
   */
  const mayActOn = (v: Viewer, p: { party: string | null }, c: Council | undefined): boolean =>
    isOffice(v) || represents(v, c) || ofGroup(v, p.party);

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
    mayActOn,
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
