/**
 * Programmes, their dated eligibility rules, subsidy windows and charges, numbered cohorts and their dated modules: set
 * up by the programme office, read by everyone (nothing personal: places taken and free, not who took them).
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { Checks, type LeadContext, type Viewer } from './context.ts';
import { leadRepository as repo } from './repository.ts';
import { HOLDING, KINDS, PLACE_KINDS, ROLES, type Rule } from './rules.ts';

export interface ProgrammeInput {
  code?: string;
  name?: string;
  kind?: string;
  crossParty?: boolean;
  completionMinModules?: number | null;
  rules?: {
    validFrom?: string;
    validTo?: string | null;
    roles?: string[];
    officerGrades?: string[] | null;
    parties?: string[] | null;
    councilTypes?: string[] | null;
  }[];
  windows?: { startsOn?: string; endsOn?: string }[];
  charges?: { placeKind?: string; financialYear?: string; amountPence?: number }[];
}
export interface CohortInput {
  number?: number;
  capacity?: number;
  startsOn?: string;
  endsOn?: string;
  venue?: string | null;
  online?: boolean;
}
export interface ModuleInput {
  number?: number;
  title?: string;
  heldOn?: string;
}

const list = (s: string | null): string[] | null => (s === null ? null : (JSON.parse(s) as string[]));
const FY = /^(\d{4})-(\d{2})$/;

export function programmeService(ctx: LeadContext) {
  const { db } = ctx;

  /** Every programme with its rules, windows, charges and cohorts (places taken, free and waiting). */
  async function reference() {
    const k = db.kysely;
    const [programmes, rules, windows, charges, cohorts, modules, taken] = await Promise.all([
      repo.programmes(k),
      repo.rules(k),
      repo.windows(k),
      repo.charges(k),
      repo.cohorts(k),
      repo.modules(k),
      repo.participants(k, { statuses: [...HOLDING, 'waiting'] }),
    ]);
    const count = (cohort: number, statuses: readonly string[]) =>
      taken.filter((p) => p.cohort_id === cohort && statuses.includes(p.status)).length;
    return programmes.map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      kind: p.kind,
      crossParty: p.cross_party === 1,
      completionMinModules: p.completion_min_modules,
      rules: rules.filter((r) => r.programme_id === p.id).map(toRule),
      subsidyWindows: windows
        .filter((w) => w.programme_id === p.id)
        .map((w) => ({ startsOn: w.starts_on, endsOn: w.ends_on })),
      charges: charges
        .filter((c) => c.programme_id === p.id)
        .map((c) => ({ placeKind: c.place_kind, financialYear: c.financial_year, amountPence: c.amount_pence })),
      cohorts: cohorts
        .filter((c) => c.programme_id === p.id)
        .map((c) => {
          const booked = count(c.id, HOLDING);
          return {
            id: c.id,
            number: c.number,
            capacity: c.capacity,
            startsOn: c.starts_on,
            endsOn: c.ends_on,
            venue: c.venue,
            online: c.online === 1,
            booked,
            free: Math.max(0, c.capacity - booked),
            waiting: count(c.id, ['waiting']),
            modules: modules
              .filter((m) => m.cohort_id === c.id)
              .map((m) => ({ id: m.id, number: m.number, title: m.title, heldOn: m.held_on })),
          };
        }),
    }));
  }

  async function createProgramme(v: Viewer, input: ProgrammeInput): Promise<number> {
    ctx.requireOffice(v, 'set up a programme');
    const c = new Checks();
    const code = c.text('code', input.code, 60);
    const name = c.text('name', input.name);
    const kind = c.oneOf('kind', input.kind, KINDS);
    const min = input.completionMinModules ?? null;
    if (min !== null && (!Number.isInteger(min) || min < 1))
      c.add('completionMinModules', 'must be a whole number of at least 1', min);
    const rules = (input.rules ?? []).map((r, i) => {
      const from = c.date(`rules[${i}].validFrom`, r.validFrom);
      if (r.validTo != null && c.date(`rules[${i}].validTo`, r.validTo) < from)
        c.add(`rules[${i}].validTo`, `is before validFrom ${from}`, r.validTo);
      if (!r.roles?.length) c.add(`rules[${i}].roles`, 'must name at least one role');
      for (const role of r.roles ?? []) c.oneOf(`rules[${i}].roles`, role, ROLES);
      return r;
    });
    if (!rules.length) c.add('rules', 'must hold at least one eligibility rule');
    const windows = (input.windows ?? []).map((w, i) => {
      const from = c.date(`windows[${i}].startsOn`, w.startsOn);
      if (c.date(`windows[${i}].endsOn`, w.endsOn) < from)
        c.add(`windows[${i}].endsOn`, `is before startsOn ${from}`, w.endsOn);
      return w;
    });
    const charges = (input.charges ?? []).map((ch, i) => {
      c.oneOf(`charges[${i}].placeKind`, ch.placeKind, PLACE_KINDS);
      const m = FY.exec(ch.financialYear ?? '');
      if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2]))
        c.add(`charges[${i}].financialYear`, 'is not a financial year written like 2026-27', ch.financialYear);
      if (!Number.isInteger(ch.amountPence) || ch.amountPence! < 0)
        c.add(`charges[${i}].amountPence`, 'must be a whole number of pence, 0 or more', ch.amountPence);
      return ch;
    });
    c.fail('The programme was not set up');
    if (await repo.programmeByCode(db.kysely, code))
      throw new AppError(409, 'conflict', `A programme with the code "${code}" exists already.`, [
        { field: 'code', message: 'is taken', value: code },
      ]);
    return withTransaction(db, async (tx) => {
      const id = await repo.insertProgramme(tx.kysely, {
        code,
        name,
        kind,
        cross_party: input.crossParty ? 1 : 0,
        completion_min_modules: min,
        created_at: ctx.now().toISOString(),
      });
      // An empty list or none: any.
      const json = (x: (string | null)[] | null | undefined) => {
        const l = (x ?? []).filter((y): y is string => typeof y === 'string' && y !== '');
        return l.length ? JSON.stringify(l) : null;
      };
      for (const r of rules)
        await repo.insertRule(tx.kysely, {
          programme_id: id,
          valid_from: r.validFrom!,
          valid_to: r.validTo ?? null,
          roles: JSON.stringify(r.roles),
          officer_grades: json(r.officerGrades),
          parties: json(r.parties),
          council_types: json(r.councilTypes),
        });
      for (const w of windows)
        await repo.insertWindow(tx.kysely, { programme_id: id, starts_on: w.startsOn!, ends_on: w.endsOn! });
      for (const ch of charges)
        await repo.insertCharge(tx.kysely, {
          programme_id: id,
          place_kind: ch.placeKind!,
          financial_year: ch.financialYear!,
          amount_pence: ch.amountPence!,
        });
      ctx.log.info({ event: 'lead-programme-created', programmeId: id, by: v!.id }, 'programme created');
      return id;
    });
  }

  async function createCohort(v: Viewer, programmeId: number, input: CohortInput): Promise<number> {
    ctx.requireOffice(v, 'add a cohort');
    if (!(await repo.programme(db.kysely, programmeId)))
      throw new AppError(404, 'not-found', `Programme ${programmeId} does not exist.`);
    const c = new Checks();
    if (!Number.isInteger(input.number) || input.number! < 1)
      c.add('number', 'must be a whole number of at least 1', input.number);
    if (!Number.isInteger(input.capacity) || input.capacity! < 1)
      c.add('capacity', 'must be a whole number of at least 1', input.capacity);
    const from = c.date('startsOn', input.startsOn);
    const to = c.date('endsOn', input.endsOn);
    if (from && to && to < from) c.add('endsOn', `is before startsOn ${from}`, to);
    const venue = input.venue?.trim() || null;
    if (!venue && !input.online) c.add('venue', 'is required unless the cohort is online');
    c.fail('The cohort was not added');
    const exists = (await repo.cohorts(db.kysely)).some(
      (x) => x.programme_id === programmeId && x.number === input.number,
    );
    if (exists)
      throw new AppError(409, 'conflict', `Cohort ${input.number} of programme ${programmeId} exists already.`, [
        { field: 'number', message: 'is taken', value: String(input.number) },
      ]);
    return repo.insertCohort(db.kysely, {
      programme_id: programmeId,
      number: input.number!,
      capacity: input.capacity!,
      starts_on: from,
      ends_on: to,
      venue,
      online: input.online ? 1 : 0,
      next_arrival: 1,
    });
  }

  /** A module of a cohort, on a date within the cohort's dates (refused otherwise, saying which dates). */
  async function addModule(v: Viewer, cohortId: number, input: ModuleInput): Promise<number> {
    ctx.requireOffice(v, 'add a module');
    const cohort = await repo.cohort(db.kysely, cohortId);
    if (!cohort) throw new AppError(404, 'not-found', `Cohort ${cohortId} does not exist.`);
    const c = new Checks();
    if (!Number.isInteger(input.number) || input.number! < 1)
      c.add('number', 'must be a whole number of at least 1', input.number);
    const title = c.text('title', input.title);
    const on = c.date('heldOn', input.heldOn);
    if (on && (on < cohort.starts_on || on > cohort.ends_on))
      c.add('heldOn', `is outside the cohort's dates (${cohort.starts_on} to ${cohort.ends_on})`, on);
    c.fail('The module was not added');
    if ((await repo.modules(db.kysely, [cohortId])).some((m) => m.number === input.number))
      throw new AppError(409, 'conflict', `Module ${input.number} of cohort ${cohortId} exists already.`, [
        { field: 'number', message: 'is taken', value: String(input.number) },
      ]);
    return repo.insertModule(db.kysely, { cohort_id: cohortId, number: input.number!, title, held_on: on });
  }

  return { reference, createProgramme, createCohort, addModule };
}

export function toRule(r: {
  valid_from: string;
  valid_to: string | null;
  roles: string;
  officer_grades: string | null;
  parties: string | null;
  council_types: string | null;
}): Rule {
  return {
    validFrom: r.valid_from,
    validTo: r.valid_to,
    roles: JSON.parse(r.roles) as string[],
    officerGrades: list(r.officer_grades),
    parties: list(r.parties),
    councilTypes: list(r.council_types),
  };
}
