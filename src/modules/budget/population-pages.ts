/**
 * The officers' "Population for weighting" page, a plain form without JavaScript: /budget/simulators/{id}/population.
 * The source the officer names and its date, counts or percentages, and a grid of the "about you" age bands (rows) by
 * sex (columns) with an "All" column (the age margin) and an "All ages" row (the sex margin): fill in the cells (an age
 * × sex table) or only the "All" column and row (two margins). A sex with every figure blank is left out (its residents
 * are not weighted). Saved through the service (population.ts validates: every problem named by its cell); removed
 * with its own button. Allowed whatever the simulator's status: it changes the weighting, not what residents answer.
 */
import { parse } from 'csv-parse/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/app-types.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { noStore } from '../../platform/http.ts';
import { readUpload, uploadsOf, withUploads, type MultipartBody } from '../../platform/multipart.ts';
import { checkCsrf } from '../accounts/index.ts';
import type { AboutQuestion, AboutYou } from './about.ts';
import { Form } from './pages.ts';
import { ageBands, MEASURES, sexCategories, SHARE_TOLERANCE, type Measure, type PopulationDef } from './population.ts';
import type { StoredSimulator } from './repository.ts';
import type { BudgetService } from './service.ts';
import { editableBy } from './edit-pages.ts';
import { signInFirst } from './setup-pages.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
type Body = Record<string, string>;

interface Grid {
  age: AboutQuestion | null;
  sex: AboutQuestion | null;
  ages: { code: string; label: string }[];
  sexes: { code: string; label: string }[];
}
/** The grid's rows and columns: the age bands and sex categories of the "about you" questions. */
function gridOf(about: AboutYou | null): Grid {
  const q = (role: 'age' | 'sex') => about?.questions.find((x) => x.code === about[role]) ?? null;
  const age = q('age');
  const sex = q('sex');
  return { age, sex, ages: age ? ageBands(age) : [], sexes: sex ? sexCategories(sex) : [] };
}
/** Field ids by position, never by answer code (codes may hold any character). */
const cellId = (i: number | null, j: number | null) =>
  `pop-${i === null ? 'all' : `a${i}`}-${j === null ? 'all' : `s${j}`}`;
const cellWords = (g: Grid, i: number | null, j: number | null) =>
  i === null
    ? `${g.sexes[j!]!.label}, all ages`
    : j === null
      ? `Aged ${g.ages[i]!.label}, all`
      : `${g.sexes[j]!.label}, aged ${g.ages[i]!.label}`;

/** The form's values from a stored population (blank where it gives none). */
function formOf(g: Grid, p: PopulationDef | null | undefined): Body {
  const body: Body = {};
  if (!p) return body;
  body.source = p.source;
  [body['date-year'] = '', body['date-month'] = '', body['date-day'] = ''] = p.date.split('-');
  body['date-month'] = String(Number(body['date-month']));
  body['date-day'] = String(Number(body['date-day']));
  body.measure = p.measure;
  for (const r of p.rows) {
    const i = r.age === null ? null : g.ages.findIndex((a) => a.code === r.age);
    const j = r.sex === null ? null : g.sexes.findIndex((s) => s.code === r.sex);
    if (i !== -1 && j !== -1) body[cellId(i, j)] = String(r.value);
  }
  return body;
}

/**
 * The form read into a population: the figures that are not numbers, a blank cell of a table, and totals that
 * disagree with the cells are named here; the rest by validatePopulation. `fieldOf` maps a row's index to its cell.
 */
export function populationFromForm(
  g: Grid,
  body: Body,
): { population: PopulationDef; errors: FieldError[]; fieldOf: (row: number) => { id: string; words: string } } {
  const errors: FieldError[] = [];
  const read = (i: number | null, j: number | null): number | null => {
    const raw = (body[cellId(i, j)] ?? '').trim();
    if (raw === '') return null;
    const n = Number(raw.replace(/[,%\s]/g, ''));
    if (!Number.isFinite(n)) {
      errors.push({ field: cellId(i, j), value: raw, message: `${cellWords(g, i, j)}: enter a number, such as 12500` });
      return null;
    }
    return n;
  };
  const measure = (MEASURES as readonly string[]).includes(body.measure ?? '') ? (body.measure as Measure) : 'count';
  if (!body.measure) errors.push({ field: 'measure', message: 'Say whether the figures are people or percentages' });
  const [y, m, d] = ['date-year', 'date-month', 'date-day'].map((k) => (body[k] ?? '').trim());
  const date = y || m || d ? `${y!.padStart(4, '0')}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}` : '';
  const cells = g.ages.map((_, i) => g.sexes.map((_, j) => read(i, j)));
  const ageTotals = g.ages.map((_, i) => read(i, null));
  const sexTotals = g.sexes.map((_, j) => read(null, j));
  const rows: PopulationDef['rows'] = [];
  const at: { id: string; words: string }[] = [];
  const push = (i: number | null, j: number | null, value: number) => {
    rows.push({ age: i === null ? null : g.ages[i]!.code, sex: j === null ? null : g.sexes[j]!.code, value });
    at.push({ id: cellId(i, j), words: cellWords(g, i, j) });
  };
  const table = cells.some((row) => row.some((v) => v !== null));
  if (table) {
    // A sex whose cells are all blank is left out; any other blank cell is a gap in the table.
    const used = g.sexes.map((_, j) => cells.some((row) => row[j] !== null));
    const tolerance = (sum: number) => (measure === 'share' ? SHARE_TOLERANCE : Math.max(1, sum * 0.005));
    cells.forEach((row, i) =>
      row.forEach((v, j) => {
        if (!used[j]) return;
        if (v === null && !errors.some((e) => e.field === cellId(i, j)))
          errors.push({ field: cellId(i, j), message: `${cellWords(g, i, j)}: enter a figure (0 if there is none)` });
        else if (v !== null) push(i, j, v);
      }),
    );
    const agree = (total: number | null, parts: (number | null)[], i: number | null, j: number | null) => {
      const sum = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
      if (total !== null && Math.abs(total - sum) > tolerance(sum))
        errors.push({
          field: cellId(i, j),
          value: String(total),
          message: `${cellWords(g, i, j)}: is ${total}, but the figures it totals add up to ${Math.round(sum * 100) / 100}; correct one, or leave the total blank`,
        });
    };
    ageTotals.forEach((t, i) =>
      agree(
        t,
        cells[i]!.filter((_, j) => used[j]),
        i,
        null,
      ),
    );
    sexTotals.forEach((t, j) => agree(t, used[j] ? cells.map((row) => row[j]!) : [], null, j));
  } else {
    ageTotals.forEach((v, i) => v !== null && push(i, null, v));
    sexTotals.forEach((v, j) => v !== null && push(null, j, v));
  }
  return {
    population: { source: (body.source ?? '').trim(), date, measure, rows },
    errors,
    fieldOf: (row) => at[row] ?? { id: 'pop-grid', words: 'Population' },
  };
}

/** A population CSV is small: a few dozen rows. */
const CSV_MAX_BYTES = 256 * 1024;
const ALL = /^(|all|all ages|total|persons|all persons)$/i;

/**
 * A CSV of band,sex,population read onto the form: each band and sex by its answer code or label (blank or "All": the
 * margin), each problem named by line and column. Counts or percentages guessed from the figures (percentages when
 * every margin, or the table, adds up to 100 ± 0.5), for the officer to check before saving.
 */
export function csvToForm(g: Grid, name: string, text: string): { body: Body; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const body: Body = {};
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      bom: true,
      trim: true,
      skip_empty_lines: true,
    });
  } catch (e) {
    return { body, errors: [{ field: 'csv', message: `${name} is not CSV: ${(e as Error).message}` }] };
  }
  const header = Object.keys(records[0] ?? {});
  for (const c of ['band', 'sex', 'population'])
    if (records.length && !header.includes(c))
      errors.push({ field: 'csv', message: `${name}, line 1: has no column ${c}` });
  if (!records.length) errors.push({ field: 'csv', message: `${name} has no rows: give band,sex,population` });
  if (errors.length) return { body, errors };
  const find = (list: { code: string; label: string }[], v: string) =>
    list.findIndex((x) => x.code === v || x.label.toLowerCase() === v.toLowerCase());
  const sums = new Map<string, number>();
  records.forEach((r, k) => {
    const line = k + 2;
    const at = (column: string) => `${name}, line ${line}, column ${column}`;
    const band = r.band ?? '';
    const sex = r.sex ?? '';
    const i = ALL.test(band) ? null : find(g.ages, band);
    const j = ALL.test(sex) ? null : find(g.sexes, sex);
    if (i === -1)
      errors.push({
        field: 'csv',
        value: band,
        message: `${at('band')}: is not an age band residents can choose (${g.ages.map((a) => a.label).join(', ')})`,
      });
    if (j === -1)
      errors.push({
        field: 'csv',
        value: sex,
        message: `${at('sex')}: is not a sex residents can give (${g.sexes.map((x) => x.label).join(', ')})`,
      });
    if (i === null && j === null)
      errors.push({ field: 'csv', message: `${at('band')}: give an age band, a sex, or both` });
    const value = Number((r.population ?? '').replace(/[,%\s]/g, ''));
    if ((r.population ?? '') === '' || !Number.isFinite(value))
      errors.push({
        field: 'csv',
        value: r.population ?? '',
        message: `${at('population')}: enter a number, such as 12500`,
      });
    if (i === -1 || j === -1 || (i === null && j === null)) return;
    if (body[cellId(i, j)] !== undefined)
      errors.push({ field: 'csv', message: `${at('band')}: repeats an earlier line` });
    body[cellId(i, j)] = r.population ?? '';
    const group = i !== null && j !== null ? 'table' : i !== null ? 'age' : 'sex';
    sums.set(group, (sums.get(group) ?? 0) + value);
  });
  const table = sums.has('table');
  const totals = table ? [sums.get('table')!] : [...sums.values()];
  body.measure = totals.every((t) => Math.abs(t - 100) <= SHARE_TOLERANCE) ? 'share' : 'count';
  return { body, errors };
}

export function budgetPopulationPages(app: App, budget: BudgetService): void {
  const editable = (req: FastifyRequest, id: number) => editableBy(budget, req, id);
  function page(
    s: StoredSimulator,
    body: Body,
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    filledFrom: string | null = null,
  ) {
    const g = gridOf(s.aboutYou);
    const err = Object.fromEntries(errors.map((e) => [e.field, e.message]));
    const cell = (i: number | null, j: number | null) => ({
      id: cellId(i, j),
      label: cellWords(g, i, j),
      value: body[cellId(i, j)] ?? '',
      error: err[cellId(i, j)],
    });
    return reply.view('budget-population.njk', {
      title: 'Population for weighting',
      s,
      csrf: req.user!.csrfToken,
      g,
      body,
      stored: !!s.definition.population,
      errors: errors.map((e) => ({ text: e.message, href: `#${e.field === 'date' ? 'date-day' : e.field}` })),
      err,
      dateError: err.date,
      measures: [
        { value: 'count', text: 'Numbers of people', checked: body.measure === 'count' },
        { value: 'share', text: 'Percentages of the population', checked: body.measure === 'share' },
      ],
      rows: g.ages.map((a, i) => ({ label: a.label, cells: g.sexes.map((_, j) => cell(i, j)), total: cell(i, null) })),
      totals: g.sexes.map((_, j) => cell(null, j)),
      gridError: err['pop-grid'],
      csvError:
        errors
          .filter((e) => e.field === 'csv')
          .map((e) => e.message)
          .join(' ') || undefined,
      filledFrom,
    });
  }

  withUploads(app, CSV_MAX_BYTES, (scope) => {
    scope.post(
      '/budget/simulators/:id/population/upload',
      { schema: { hide: true, params: IdParams } },
      async (req, reply) => {
        checkCsrf(req);
        if (!req.user) return signInFirst(req, reply);
        const s = await editable(req, req.params.id);
        const [file] = uploadsOf((req.body ?? {}) as MultipartBody, 'csv');
        if (!file) {
          reply.status(400);
          return page(s, {}, req, reply, [{ field: 'csv', message: 'Choose a CSV file of band,sex,population' }]);
        }
        const { body, errors } = csvToForm(
          gridOf(s.aboutYou),
          file.filename,
          (await readUpload(file)).toString('utf8'),
        );
        if (errors.length) reply.status(400);
        return page(s, errors.length ? {} : body, req, reply, errors, errors.length ? null : file.filename);
      },
    );
  });

  app.get('/budget/simulators/:id/population', { schema: { hide: true, params: IdParams } }, async (req, reply) => {
    if (!req.user) return signInFirst(req, reply);
    noStore(reply);
    const s = await editable(req, req.params.id);
    return page(s, formOf(gridOf(s.aboutYou), s.definition.population), req, reply);
  });
  app.post(
    '/budget/simulators/:id/population',
    { schema: { hide: true, params: IdParams, body: Form } },
    async (req, reply) => {
      checkCsrf(req);
      const s = await editable(req, req.params.id);
      if (req.body.remove === 'yes') {
        await budget.setPopulation(s.id, null, req.user);
        return reply.redirect(`/budget/simulators/${s.id}#weighting`, 303);
      }
      const g = gridOf(s.aboutYou);
      const { population, errors, fieldOf } = populationFromForm(g, req.body);
      if (!errors.length)
        try {
          await budget.setPopulation(s.id, population, req.user);
          return reply.redirect(`/budget/simulators/${s.id}#weighting`, 303);
        } catch (e) {
          if (!(e instanceof AppError) || e.status !== 400) throw e;
          for (const x of e.errors) {
            const row = /^population\.rows\[(\d+)\]/.exec(x.field);
            const where = row
              ? fieldOf(Number(row[1]))
              : x.field === 'population.source'
                ? { id: 'source', words: 'Source' }
                : x.field === 'population.date'
                  ? { id: 'date', words: 'Date of the figures' }
                  : x.field === 'population.measure'
                    ? { id: 'measure', words: 'The figures are' }
                    : { id: 'pop-grid', words: 'Population' };
            errors.push({
              field: where.id,
              message: `${where.words}: ${x.message}`,
              ...(x.value ? { value: x.value } : {}),
            });
          }
        }
      reply.status(400);
      return page(s, req.body, req, reply, errors);
    },
  );
}
