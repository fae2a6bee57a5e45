/**
 * Attendance per module, completion by the programme's rule, the survey contacts due from each person's own dates, and
 * the take-up of subsidised places by every current council.
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { typeInfo } from '../areas/index.ts';
import { Checks, isOffice, type LeadContext, type Viewer } from './context.ts';
import { leadRepository as repo } from './repository.ts';
import { HOLDING, isComplete, surveySchedule, type SurveyKind } from './rules.ts';

export interface SurveyContact {
  participant: number;
  name: string;
  email: string;
  council: string;
  role: string;
  programme: string;
  cohort: number;
  kind: SurveyKind;
  module: number | null;
  from: string;
  until: string;
}

export interface TakeUpRow {
  code: string;
  name: string;
  type: string;
  region: string | null;
  status: 'used' | 'waiting' | 'not-used';
  participant: number | null;
}

export function progressService(ctx: LeadContext) {
  const { db } = ctx;

  /** Records whether a booked person attended a module; completes them when the programme's rule is met. */
  async function attend(v: Viewer, id: number, input: { module?: number; attended?: boolean }) {
    ctx.requireOffice(v, 'record attendance');
    const p = await repo.participant(db.kysely, id);
    if (!p) throw new AppError(404, 'not-found', `Participant ${id} does not exist.`);
    if (p.status !== 'booked' && p.status !== 'completed')
      throw new AppError(409, 'wrong-state', `Participant ${id} is ${p.status}; attendance is for booked places.`);
    const modules = await repo.modules(db.kysely, [p.cohort_id]);
    const m = modules.find((x) => x.number === input.module);
    const c = new Checks();
    if (!m)
      c.add(
        'module',
        `is not a module of the cohort (${modules.map((x) => x.number).join(', ') || 'none yet'})`,
        input.module,
      );
    c.fail('Attendance was not recorded');
    const cohort = (await repo.cohort(db.kysely, p.cohort_id))!;
    const programme = (await repo.programme(db.kysely, cohort.programme_id))!;
    return withTransaction(db, async (tx) => {
      await repo.setAttendance(tx.kysely, {
        participant_id: id,
        module_id: m!.id,
        attended: input.attended === false ? 0 : 1,
        recorded_at: ctx.now().toISOString(),
      });
      const attended = (await repo.attendance(tx.kysely, [id])).filter((a) => a.attended === 1);
      const done = isComplete(attended.length, modules.length, programme.completion_min_modules);
      const at = ctx.now().toISOString();
      if (done && p.status === 'booked') {
        const last = modules
          .filter((x) => attended.some((a) => a.module_id === x.id))
          .map((x) => x.held_on)
          .sort()
          .at(-1)!;
        await repo.updateParticipant(tx.kysely, id, { status: 'completed', completed_on: last });
        const rule = programme.completion_min_modules ?? modules.length;
        await repo.insertMove(tx.kysely, {
          participant_id: id,
          from_status: 'booked',
          to_status: 'completed',
          reason: `attended ${attended.length} of ${modules.length} modules (the rule asks ${rule})`,
          by_user: v!.id,
          at,
        });
      } else if (!done && p.status === 'completed') {
        await repo.updateParticipant(tx.kysely, id, { status: 'booked', completed_on: null });
        await repo.insertMove(tx.kysely, {
          participant_id: id,
          from_status: 'completed',
          to_status: 'booked',
          reason: 'attendance corrected: the completion rule is no longer met',
          by_user: v!.id,
          at,
        });
      }
      return { completed: done, attended: attended.length, modules: modules.length };
    });
  }

  /** Every survey contact that falls due between two dates (from each person's own module and completion dates). */
  async function surveysDue(v: Viewer, q: { from: string; to: string }): Promise<SurveyContact[]> {
    if (!v) throw new AppError(401, 'sign-in-required', 'Sign in to see survey contacts.');
    if (!isOffice(v))
      throw new AppError(403, 'forbidden', 'Only the programme office and administrators see survey contacts.');
    const k = db.kysely;
    const [participants, cohorts, programmes, dir] = await Promise.all([
      repo.participants(k, { statuses: ['booked', 'completed'] }),
      repo.cohorts(k),
      repo.programmes(k),
      ctx.councils(),
    ]);
    const modules = await repo.modules(k);
    const attendance = await repo.attendance(
      k,
      participants.map((p) => p.id),
    );
    return participants.flatMap((p) => {
      const cohort = cohorts.find((c) => c.id === p.cohort_id)!;
      const attended = modules
        .filter((m) => attendance.some((a) => a.participant_id === p.id && a.module_id === m.id && a.attended === 1))
        .map((m) => ({ number: m.number, heldOn: m.held_on }));
      return surveySchedule({ attended, cohortEnds: cohort.ends_on, completedOn: p.completed_on })
        .filter((s) => s.from <= q.to && s.until >= q.from)
        .map((s) => ({
          participant: p.id,
          name: p.name,
          email: p.email,
          council: dir.byId.get(p.area_id)?.code ?? '',
          role: p.role,
          programme: programmes.find((x) => x.id === cohort.programme_id)!.code,
          cohort: cohort.number,
          ...s,
        }));
    });
  }

  /**
   * Take-up of the programme's subsidised places in a window: every council current on the window's last day (or
   * today, if sooner) against whether it — under its own code or one that passed whole into it — holds one; counts by
   * type and region; participants by role, party and region; charges per council and financial year.
   */
  async function takeUp(v: Viewer, q: { programme: string; window?: string | undefined }) {
    ctx.requireOffice(v, 'see take-up by council');
    return takeUpOf(q);
  }

  async function takeUpOf(q: { programme: string; window?: string | undefined }) {
    const k = db.kysely;
    const programme = (await repo.programmes(k)).find((p) => p.code === q.programme);
    if (!programme) throw new AppError(404, 'not-found', `Programme "${q.programme}" does not exist.`);
    const windows = (await repo.windows(k)).filter((w) => w.programme_id === programme.id);
    const today = ctx.now().toISOString().slice(0, 10);
    const w = q.window
      ? windows.find((x) => x.starts_on === q.window)
      : (windows.find((x) => x.starts_on <= today && today <= x.ends_on) ?? windows.at(-1));
    if (!w)
      throw new AppError(
        404,
        'not-found',
        q.window
          ? `The programme has no window starting ${q.window}.`
          : 'The programme has no subsidised-place window.',
        [
          {
            field: 'window',
            message: `must be one of ${windows.map((x) => x.starts_on).join(', ') || '(none)'}`,
            value: q.window ?? '',
          },
        ],
      );
    const cohorts = (await repo.cohorts(k)).filter((c) => c.programme_id === programme.id);
    const inWindow = cohorts.filter((c) => c.starts_on >= w.starts_on && c.starts_on <= w.ends_on).map((c) => c.id);
    const all = await repo.participants(k, { cohortIds: cohorts.map((c) => c.id) });
    const subsidised = all.filter((p) => inWindow.includes(p.cohort_id) && p.place_kind === 'subsidised');
    const [dir, lineage] = await Promise.all([ctx.councils(), ctx.areas.lineage()]);
    const rows: TakeUpRow[] = dir.current.map((c) => {
      const same = new Set(lineage.sameCouncil(c.id));
      const mine = subsidised.filter((p) => same.has(p.area_id));
      const used = mine.find((p) => (HOLDING as readonly string[]).includes(p.status));
      const waiting = mine.find((p) => p.status === 'waiting' || p.status === 'approved' || p.status === 'applied');
      return {
        code: c.code,
        name: c.name,
        type: c.type,
        region: c.region?.code ?? null,
        status: used ? 'used' : waiting ? 'waiting' : 'not-used',
        participant: (used ?? waiting)?.id ?? null,
      };
    });
    const tally = (key: (r: TakeUpRow) => string | null) => {
      const m = new Map<string, { councils: number; used: number }>();
      for (const r of rows) {
        const t = m.get(key(r) ?? 'none') ?? { councils: 0, used: 0 };
        t.councils++;
        if (r.status === 'used') t.used++;
        m.set(key(r) ?? 'none', t);
      }
      return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([group, t]) => ({ group, ...t }));
    };
    const taking = all.filter((p) => (HOLDING as readonly string[]).includes(p.status));
    const count = (key: (p: (typeof taking)[number]) => string) => {
      const m = new Map<string, number>();
      for (const p of taking) m.set(key(p), (m.get(key(p)) ?? 0) + 1);
      return [...m].sort(([a], [b]) => a.localeCompare(b)).map(([group, n]) => ({ group, participants: n }));
    };
    const charges = new Map<string, { council: string; financialYear: string; places: number; pence: number }>();
    for (const p of taking.filter((x) => x.financial_year !== null)) {
      const code = dir.byId.get(p.area_id)?.code ?? '';
      const key = `${code} ${p.financial_year}`;
      const ch = charges.get(key) ?? { council: code, financialYear: p.financial_year!, places: 0, pence: 0 };
      ch.places++;
      ch.pence += p.charge_pence ?? 0;
      charges.set(key, ch);
    }
    const ended = taking.filter((p) => cohorts.find((c) => c.id === p.cohort_id)!.ends_on < today);
    return {
      programme: programme.code,
      window: { startsOn: w.starts_on, endsOn: w.ends_on },
      councils: rows,
      notUsed: rows.filter((r) => r.status === 'not-used'),
      byType: tally((r) => r.type),
      byRegion: tally((r) => r.region),
      participants: {
        byRole: count((p) => p.role),
        byParty: count((p) => p.party ?? 'none given'),
        byRegion: count((p) => dir.byId.get(p.area_id)?.region?.code ?? 'none'),
      },
      completion: { endedPlaces: ended.length, completed: ended.filter((p) => p.status === 'completed').length },
      charges: [...charges.values()].sort(
        (a, b) => a.council.localeCompare(b.council) || a.financialYear.localeCompare(b.financialYear),
      ),
    };
  }

  /**
   * Take-up of subsidised places for a year's evaluation report (counts only, no one named): for each programme, its
   * latest window that overlaps the year, the current councils that used their place in it against those that did not,
   * by council type and by region (named), with the take-up page the figures come from.
   */
  async function takeUpInYear(year: number): Promise<YearTakeUp[]> {
    const k = db.kysely;
    const [programmes, windows, dir] = await Promise.all([repo.programmes(k), repo.windows(k), ctx.councils()]);
    const regions = new Map(dir.current.flatMap((c) => (c.region ? [[c.region.code, c.region.name] as const] : [])));
    const out: YearTakeUp[] = [];
    for (const p of programmes) {
      const w = windows
        .filter((x) => x.programme_id === p.id && x.starts_on <= `${year}-12-31` && x.ends_on >= `${year}-01-01`)
        .sort((a, b) => a.starts_on.localeCompare(b.starts_on))
        .at(-1);
      if (!w) continue;
      const t = await takeUpOf({ programme: p.code, window: w.starts_on });
      const named = (rows: { group: string; councils: number; used: number }[], name: (g: string) => string) =>
        rows.map((r) => ({ ...r, name: name(r.group) }));
      out.push({
        programme: p.code,
        name: p.name,
        window: t.window,
        councils: t.councils.length,
        used: t.councils.filter((r) => r.status === 'used').length,
        waiting: t.councils.filter((r) => r.status === 'waiting').length,
        byType: named(t.byType, (g) => typeInfo(g).name),
        byRegion: named(t.byRegion, (g) => regions.get(g) ?? (g === 'none' ? 'No region' : g)),
        source: `/leadership/take-up?programme=${encodeURIComponent(p.code)}&window=${w.starts_on}`,
      });
    }
    return out;
  }

  return { attend, surveysDue, takeUp, takeUpInYear };
}

/** One programme's take-up of subsidised places in its window overlapping a year (the evaluation report's section). */
export interface YearTakeUp {
  programme: string;
  name: string;
  window: { startsOn: string; endsOn: string };
  /** Current councils, those that used their subsidised place (booked, offered or completed), and those waiting. */
  councils: number;
  used: number;
  waiting: number;
  byType: { group: string; name: string; councils: number; used: number }[];
  byRegion: { group: string; name: string; councils: number; used: number }[];
  /** The take-up page the figures come from. */
  source: string;
}
export type TakeUp = Awaited<ReturnType<ReturnType<typeof progressService>['takeUp']>>;
