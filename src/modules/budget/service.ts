/**
 * The budget simulator's service: who may set up and see which simulators, creating one from the pre-fill or from an
 * imported definition (validated, written in one transaction), status, unique links. Submissions are in submit.ts,
 * results in results.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import type { SessionUser } from '../accounts/index.ts';
import type { AreasService } from '../areas/index.ts';
import type { MetricsService } from '../metrics/index.ts';
import type { ObservationsService } from '../observations/index.ts';
import type { SurveyDefinition } from '../surveys/index.ts';
import { aboutYouFrom, type AboutYou } from './about.ts';
import { createAnalysis } from './analysis.ts';
import { createDownloads } from './downloads.ts';
import { STATUSES, validateDefinition, type Definition, type Locate, type SimulatorStatus } from './model.ts';
import { createPrefill } from './prefill.ts';
import { budgetRepository as repo, type StoredSimulator } from './repository.ts';
import type { Salts } from './protection.ts';
import { createResults } from './results.ts';
import { createReview } from './review.ts';
import { createSubmissions, hashToken } from './submit.ts';
import { validatePopulation, type PopulationDef } from './population.ts';
import { ageBandMap } from './weighting.ts';

/** Who asks: a signed-in user, a visitor (null), or the command line (`system`, an operator with the database). */
export type Viewer = SessionUser | null | 'system';
const ANALYSTS = ['analyst', 'admin'];

/**
 * May this user set up simulators for the council (code)? Analysts and admins for all; council users with the
 * consultation permission for their own.
 */
export function canSetUp(u: Viewer, council: string): boolean {
  if (u === 'system') return true;
  if (!u) return false;
  if (ANALYSTS.includes(u.role)) return true;
  return u.role === 'council' && (u.permissions ?? []).includes('consultation') && u.council?.code === council;
}
/** May this user see a council's simulators and their raw responses? Analysts and admins all; council users theirs. */
export function canSee(u: Viewer, council: string): boolean {
  if (u === 'system') return true;
  if (!u) return false;
  if (ANALYSTS.includes(u.role)) return true;
  return u.role === 'council' && u.council?.code === council;
}

export function createBudgetService(
  db: Db,
  deps: {
    areas: AreasService;
    metrics: MetricsService;
    observations: ObservationsService;
    /** The day's salt for hashing open-link sources (monitor's, from the composition root). */
    salts: Salts;
    /** The surveys module's questionnaire definitions ("about you" questions). */
    questionnaires: { definition(code: string, version: number): Promise<{ definition: SurveyDefinition }> };
    logger: Logger;
  },
) {
  const log = deps.logger.child({ module: 'budget' });
  const prefill = createPrefill({ ...deps, taxCaps: (year) => repo.taxCaps(db.kysely, year) });
  const cache = new Map<string, { at: number; s: StoredSimulator }>();
  const analysis = createAnalysis(db, deps);

  /** The "about you" questions a definition names, from the surveys module; problems named by path. */
  async function aboutYouOf(d: Definition, locate: Locate = (p) => p) {
    if (!d.aboutYou) return { about: null, errors: [] };
    const ref = d.aboutYou;
    const def = await deps.questionnaires.definition(ref.survey, ref.version).catch((e: unknown) => {
      if (e instanceof AppError && e.status === 404) return null;
      throw e;
    });
    if (!def)
      return {
        about: null,
        errors: [
          {
            field: locate('aboutYou.survey'),
            value: `${ref.survey} version ${ref.version}`,
            message: 'is not a questionnaire loaded in the surveys module',
          },
        ],
      };
    const r = aboutYouFrom(ref, def.definition, locate);
    const age = r.about?.age ? r.about.questions.find((q) => q.code === r.about!.age) : undefined;
    for (const problem of age ? ageBandMap(age).problems : [])
      r.errors.push({ field: locate('aboutYou.age'), value: age!.code, message: problem });
    return r;
  }

  const mustSetUp = (u: Viewer, council: string) => {
    if (!u) throw new AppError(401, 'sign-in-required', 'Sign in to set up a budget simulator.');
    if (!canSetUp(u, council))
      throw new AppError(
        403,
        'forbidden',
        `Setting up a simulator for ${council} needs the consultation permission for that council (or the analyst or admin role).`,
      );
  };

  async function get(id: number, u: Viewer): Promise<StoredSimulator> {
    const s = await repo.load(db.kysely, { id });
    if (!s || !canSee(u, s.definition.council))
      throw new AppError(404, 'not-found', `There is no budget simulator ${id} you may see.`);
    return s;
  }

  /** Validates and stores a definition for the council it names; answers the new simulator. */
  async function create(d: Definition, u: Viewer, opts: { locate?: Locate; sourceNote?: string | null } = {}) {
    mustSetUp(u, d.council);
    const area = (await deps.areas.resolveCodes([d.council])).areas[0];
    const errors = validateDefinition(d, opts.locate);
    const about: { about: AboutYou | null; errors: typeof errors } = await aboutYouOf(d, opts.locate);
    errors.push(...about.errors);
    if (d.population && !about.errors.length)
      errors.push(...validatePopulation(d.population, about.about, opts.locate));
    if (!area)
      errors.unshift({
        field: opts.locate?.('council') ?? 'council',
        value: d.council,
        message: 'is not a council code we know',
      });
    if (errors.length)
      throw new AppError(400, 'invalid-definition', 'The budget simulator could not be set up.', errors);
    const openKey = randomBytes(12).toString('base64url');
    const id = await withTransaction(db, (tx) =>
      repo.insertDefinition(tx.kysely, d, {
        areaId: area!.id,
        openKey,
        createdBy: u && u !== 'system' ? u.id : null,
        now: new Date().toISOString(),
        sourceNote: opts.sourceNote ?? null,
        aboutYou: about.about,
      }),
    );
    log.info(
      { event: 'budget-simulator-created', id, council: d.council, userId: u && u !== 'system' ? u.id : null },
      'budget simulator created',
    );
    return (await repo.load(db.kysely, { id }))!;
  }

  return {
    prefill,
    authoriseSetUp: mustSetUp,
    get,
    create,
    async createFromPrefill(council: string, year: string, u: Viewer) {
      mustSetUp(u, council.trim().toUpperCase());
      const d = await prefill(council, year);
      return create(d, u, { sourceNote: `Pre-filled from the data service for ${d.council}, ${year}` });
    },
    /**
     * Clones a simulator into another financial year as a draft: sections, items, levels and constraints kept. With
     * refresh, baselines (matched by item code; floors scaled with them), Band D, tax base and cap come from the
     * pre-fill for the new year when the data service has that year; answers the new simulator and how many baselines
     * were refreshed.
     */
    async clone(id: number, year: string, refresh: boolean, u: Viewer) {
      const s = await get(id, u);
      mustSetUp(u, s.definition.council);
      const old = s.definition;
      if (!/^\d{4}-\d{2}$/.test(year))
        throw new AppError(400, 'invalid-year', `"${year}" is not a financial year.`, [
          { field: 'year', value: year, message: 'must look like 2024-25' },
        ]);
      const d: Definition = structuredClone({ ...old, status: 'draft' as const, year });
      d.title = old.title.split(old.year).join(year);
      let refreshed = 0;
      if (refresh) {
        const fresh = await prefill(old.council, year).catch((e: unknown) => {
          if (e instanceof AppError && (e.status === 404 || e.status === 400)) return null;
          throw e;
        });
        if (fresh) {
          const byCode = new Map(fresh.sections.flatMap((sec) => sec.items.map((i) => [i.code, i] as const)));
          for (const it of d.sections.flatMap((sec) => sec.items)) {
            const f = byCode.get(it.code);
            if (!f) continue;
            // A floor keeps its share of the baseline (an officer's "90% of spend" stays 90%).
            if (it.floor != null && it.baseline > 0) it.floor = Math.round((it.floor * f.baseline) / it.baseline);
            it.baseline = f.baseline;
            it.source = f.source ?? null;
            refreshed++;
          }
          d.councilTax = { ...d.councilTax, ...fresh.councilTax };
          const spending = d.sections.filter((sec) => sec.kind === 'spending').flatMap((sec) => sec.items);
          d.statedTotal = spending.every((i) => byCode.has(i.code)) ? fresh.statedTotal : null;
        }
      }
      const suffix = refresh ? `; ${refreshed} baselines refreshed for ${year}` : '';
      const note = `Cloned from simulator ${s.id} (${old.year})${suffix}`;
      return { simulator: await create(d, u, { sourceNote: note }), refreshed };
    },
    /**
     * Replaces a draft's whole definition (an edit page or an uploaded file), validated as on creation, in one
     * transaction. Refused for an open or closed simulator, for one holding responses (they refer to its items: clone
     * it instead), and for a definition naming another council.
     */
    async replace(id: number, d: Definition, u: Viewer, opts: { locate?: Locate; sourceNote?: string | null } = {}) {
      const s = await get(id, u);
      mustSetUp(u, s.definition.council);
      if (s.status !== 'draft')
        throw new AppError(
          409,
          'not-a-draft',
          `Simulator ${id} is ${s.status}: only a draft can be changed. Set it back to draft, or clone it.`,
        );
      if ((await repo.responseCount(db.kysely, id)) > 0)
        throw new AppError(
          409,
          'has-responses',
          `Simulator ${id} holds responses, which refer to its items: clone it to change the definition.`,
        );
      const errors = validateDefinition(d, opts.locate);
      // The "about you" questions: the definition's when it names them (a file may change them, null removes them),
      // otherwise as set up; the population is checked against the questions the simulator will have.
      const about: { about: AboutYou | null; errors: typeof errors } =
        d.aboutYou === undefined ? { about: s.aboutYou, errors: [] } : await aboutYouOf(d, opts.locate);
      errors.push(...about.errors);
      if (d.population && !about.errors.length)
        errors.push(...validatePopulation(d.population, about.about, opts.locate));
      if (d.council !== s.definition.council)
        errors.unshift({
          field: opts.locate?.('council') ?? 'council',
          value: d.council,
          message: `is not this simulator's council, ${s.definition.council}`,
        });
      if (errors.length)
        throw new AppError(400, 'invalid-definition', 'The budget simulator could not be changed.', errors);
      await withTransaction(db, (tx) =>
        repo.replaceDefinition(tx.kysely, id, { ...d, status: 'draft' }, about.about, opts.sourceNote ?? null),
      );
      cache.delete(s.openKey);
      log.info({ event: 'budget-simulator-changed', id, userId: u && u !== 'system' ? u.id : null }, 'changed');
      return (await repo.load(db.kysely, { id }))!;
    },
    /**
     * Sets, or with null removes, the population an officer entered for weighting. Allowed whatever the status and
     * with responses held: it changes how results are weighted, never what residents were asked or answered.
     */
    async setPopulation(id: number, p: PopulationDef | null, u: Viewer, locate?: (path: string) => string) {
      const s = await get(id, u);
      mustSetUp(u, s.definition.council);
      const errors = p ? validatePopulation(p, s.aboutYou, locate) : [];
      if (errors.length)
        throw new AppError(400, 'invalid-population', 'The population for weighting could not be saved.', errors);
      await repo.setPopulation(db.kysely, id, p);
      cache.delete(s.openKey);
      log.info({ event: 'budget-population-set', id, removed: !p, userId: u && u !== 'system' ? u.id : null }, 'set');
      return (await repo.load(db.kysely, { id }))!;
    },
    /** A form's council field (by name or code) as typed and matched. */
    councilField: (text: string | undefined) => deps.areas.councilField(text),
    /** The simulators a user may see: every council's for analysts, their own council's for council users. */
    async list(u: Viewer) {
      if (!u) return [];
      if (u === 'system' || ANALYSTS.includes(u.role)) return repo.list(db.kysely, null);
      if (u.role !== 'council' || !u.council) return [];
      const area = (await deps.areas.resolveCodes([u.council.code])).areas[0];
      return area ? repo.list(db.kysely, area.id) : [];
    },
    async setStatus(id: number, status: string, u: Viewer) {
      const s = await get(id, u);
      mustSetUp(u, s.definition.council);
      if (!(STATUSES as readonly string[]).includes(status))
        throw new AppError(400, 'invalid-status', `"${status}" is not a status.`, [
          { field: 'status', value: status, message: `must be one of ${STATUSES.join(', ')}` },
        ]);
      await repo.setStatus(db.kysely, id, status as SimulatorStatus);
      cache.delete(s.openKey);
    },
    /** New unique links (tokens returned once; only their hashes are kept). */
    async issueLinks(id: number, count: number, u: Viewer): Promise<string[]> {
      const s = await get(id, u);
      mustSetUp(u, s.definition.council);
      if (!Number.isInteger(count) || count < 1 || count > 100_000)
        throw new AppError(400, 'invalid-count', 'Ask for 1 to 100,000 links.', [
          { field: 'count', value: String(count), message: 'must be from 1 to 100000' },
        ]);
      const tokens = Array.from({ length: count }, () => randomBytes(24).toString('base64url'));
      await withTransaction(db, (tx) =>
        repo.insertLinks(tx.kysely, id, tokens.map(hashToken), new Date().toISOString()),
      );
      log.info({ event: 'budget-links-issued', id, count }, 'budget links issued');
      return tokens.map((t) => `/budget/${s.openKey}?t=${t}`);
    },
    /** A simulator by its public key, read now (drafts too: for previews and tests). */
    byKeyFresh: async (key: string) => {
      const s = await repo.load(db.kysely, { openKey: key });
      if (!s) throw new AppError(404, 'not-found', 'There is no budget consultation at this address.');
      return s;
    },
    /** A simulator by its public key, kept for a second (a burst of submissions loads it once). */
    async byKey(key: string): Promise<StoredSimulator> {
      const hit = cache.get(key);
      if (hit && Date.now() - hit.at < 1000) return hit.s;
      const s = await repo.load(db.kysely, { openKey: key });
      if (!s || s.status === 'draft')
        throw new AppError(404, 'not-found', 'There is no open budget consultation at this address.');
      cache.set(key, { at: Date.now(), s });
      return s;
    },
    ...createSubmissions(db, log, deps.salts),
    ...createResults(db),
    ...createReview(db),
    ...analysis,
    ...createDownloads(db, analysis),
  };
}
export type BudgetService = ReturnType<typeof createBudgetService>;
