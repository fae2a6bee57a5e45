/**
 * Applications, approval and booking with a fair waiting list. Every write that changes who holds a place runs in one
 * transaction that first locks the programme (PostgreSQL: SELECT … FOR UPDATE on its row; SQLite: BEGIN IMMEDIATE, one
 * transaction at a time), so capacity and a council's subsidised entitlement are checked against what is committed and
 * the place is taken in the same transaction. Bookings are numbered in the order they are served (`arrival`); the list
 * is that order. When a place frees, the first eligible person waiting is offered it with an expiry; an offer not taken
 * up in time lapses and the next is offered. Every move records its reason (lead_list_moves).
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import { withTransaction, type Tx } from '../../platform/transaction.ts';
import type { Database } from '../../platform/db.ts';
import { Checks, invalid, isGroupOffice, isOffice, ofGroup, type LeadContext, type Viewer } from './context.ts';
import { toRule } from './programmes.ts';
import { leadRepository as repo, type CohortRow, type ParticipantRow } from './repository.ts';
import { HOLDING, PLACE_KINDS, ROLES, financialYear, ineligibility, ruleAt, type PlaceKind } from './rules.ts';

export interface ApplicationInput {
  council?: string;
  name?: string;
  email?: string;
  role?: string;
  officerGrade?: string | null;
  party?: string | null;
  placeKind?: string;
}

/** States a subsidised claim counts in when a place is booked: held, or waiting/offered for one. */
const SUBSIDY_HELD = ['booked', 'waiting', 'offered', 'completed'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function bookingService(ctx: LeadContext) {
  const { db } = ctx;

  async function move(k: Kysely<Database>, p: ParticipantRow, to: string, reason: string, by: Viewer) {
    await repo.updateParticipant(k, p.id, { status: to });
    await repo.insertMove(k, {
      participant_id: p.id,
      from_status: p.status,
      to_status: to,
      reason,
      by_user: by?.id ?? null,
      at: ctx.now().toISOString(),
    });
  }

  /** The cohort's programme locked for this transaction, with the cohort and the programme's rules and windows. */
  async function locked(tx: Tx, cohortId: number) {
    const cohort = await repo.cohort(tx.kysely, cohortId);
    if (!cohort) throw new AppError(404, 'not-found', `Cohort ${cohortId} does not exist.`);
    await repo.lockProgramme(tx.kysely, tx.dialect, cohort.programme_id);
    const programme = (await repo.programme(tx.kysely, cohort.programme_id))!;
    const rules = (await repo.rules(tx.kysely)).filter((r) => r.programme_id === programme.id).map(toRule);
    const windows = (await repo.windows(tx.kysely)).filter((w) => w.programme_id === programme.id);
    return { cohort, programme, rules, windows };
  }
  type Locked = Awaited<ReturnType<typeof locked>>;

  /**
   * Why the council may not have a subsidised place on this cohort: its window (the one the cohort starts in) already
   * holds a subsidised claim of the same council, under its own code or a code that passed whole into it (geography).
   */
  async function subsidyConflict(
    k: Kysely<Database>,
    l: Locked,
    p: { id: number; area_id: number },
    statuses: readonly string[],
  ) {
    const w = l.windows.find((x) => x.starts_on <= l.cohort.starts_on && l.cohort.starts_on <= x.ends_on);
    if (!w) return `the programme has no subsidised-place window covering ${l.cohort.starts_on}`;
    const same = (await ctx.areas.lineage()).sameCouncil(p.area_id);
    const claims = await repo.subsidisedClaims(k, {
      programmeId: l.programme.id,
      from: w.starts_on,
      to: w.ends_on,
      areaIds: same,
      statuses,
      except: p.id,
    });
    if (!claims.length) return undefined;
    const dir = await ctx.councils();
    const c = claims[0]!;
    return `the council's subsidised place for ${w.starts_on} to ${w.ends_on} is already ${c.status} (participant ${c.id}, cohort ${c.cohort_number}, ${dir.byId.get(c.area_id)?.name ?? 'council'})`;
  }

  /** The eligibility of a participant under the rule in force when the cohort starts. */
  async function why(l: Locked, p: Pick<ParticipantRow, 'area_id' | 'role' | 'officer_grade' | 'party'>) {
    const c = (await ctx.councils()).byId.get(p.area_id);
    return ineligibility(
      ruleAt(l.rules, l.cohort.starts_on),
      { role: p.role, officerGrade: p.officer_grade, party: p.party, councilType: c?.type ?? '' },
      l.programme.cross_party === 1,
      l.cohort.starts_on,
    );
  }

  /** A participant the viewer may act on: the office any; a council user its council's; a group office its group's. */
  async function actable(v: Viewer, id: number, what: string): Promise<ParticipantRow> {
    if (!v) throw new AppError(401, 'sign-in-required', `Sign in to ${what}.`);
    const p = await repo.participant(db.kysely, id);
    const mine = p && ctx.mayActOn(v, p, (await ctx.councils()).byId.get(p.area_id));
    if (!p || !mine) throw new AppError(404, 'not-found', `Application ${id} does not exist or is not yours to see.`);
    return p;
  }

  /**
   * Puts a person forward for a cohort: the council's member services officer for its own council, a group office for
   * members of its own political group from any council (the party defaults to the group), or the office.
   */
  async function apply(v: Viewer, cohortId: number, input: ApplicationInput, check = false): Promise<number> {
    if (!v) throw new AppError(401, 'sign-in-required', 'Sign in to put someone forward.');
    const group = isGroupOffice(v);
    if (!isOffice(v) && v.role !== 'council' && !group)
      throw new AppError(
        403,
        'forbidden',
        'Only a council user, a group office or the programme office may put someone forward.',
      );
    if (group && !v.politicalGroup?.trim())
      throw new AppError(403, 'forbidden', 'This group office account has no political group: ask an administrator.');
    const c = new Checks();
    const name = c.text('name', input.name);
    const email = c.text('email', input.email, 320);
    if (email && !EMAIL.test(email)) c.add('email', 'is not an email address', email);
    const role = c.oneOf('role', input.role, ROLES);
    const placeKind = c.oneOf('placeKind', input.placeKind ?? 'full-fee', PLACE_KINDS) as PlaceKind;
    c.fail('The application was not made');
    const party = input.party?.trim() || (group ? v.politicalGroup!.trim() : null);
    if (group && role === 'officer')
      throw new AppError(403, 'forbidden', 'A group office puts forward elected members, not officers.', [
        { field: 'role', message: 'must be an elected member for a group office', value: role },
      ]);
    if (group && !ofGroup(v, party))
      throw new AppError(
        403,
        'forbidden',
        `A group office may put forward members of its own group (${v.politicalGroup}) only, not ${party}.`,
        [{ field: 'party', message: `must be ${v.politicalGroup} (your group)`, value: party ?? '' }],
      );
    return withTransaction(db, async (tx) => {
      const l = await locked(tx, cohortId);
      const council = await ctx.councilAt('council', input.council, l.cohort.starts_on);
      if (!isOffice(v) && !group && !ctx.represents(v, council))
        throw new AppError(
          403,
          'forbidden',
          `A council user may put forward people from their own council only, not ${council.name}.`,
        );
      const row = {
        area_id: council.id,
        role,
        officer_grade: input.officerGrade?.trim() || null,
        party,
      };
      const reasons = await why(l, row);
      if (reasons.length) throw invalid(`${name} is not eligible for this cohort`, reasons);
      if (placeKind === 'subsidised') {
        const conflict = await subsidyConflict(tx.kysely, l, { id: -1, area_id: council.id }, SUBSIDY_HELD);
        if (conflict)
          throw new AppError(409, 'subsidised-place-used', `No subsidised place for ${council.name}: ${conflict}.`, [
            { field: 'placeKind', message: conflict, value: placeKind },
          ]);
      }
      if (check) return 0;
      const id = await repo.insertParticipant(tx.kysely, {
        cohort_id: cohortId,
        ...row,
        name,
        email,
        place_kind: placeKind,
        status: 'applied',
        arrival: null,
        offer_expires_at: null,
        charge_pence: null,
        financial_year: null,
        nominated_by: v.id,
        applied_at: ctx.now().toISOString(),
        completed_on: null,
      });
      await repo.insertMove(tx.kysely, {
        participant_id: id,
        from_status: null,
        to_status: 'applied',
        reason: isOffice(v)
          ? 'nominated by the programme office'
          : group
            ? `nominated by the ${v.politicalGroup} group office`
            : `nominated by ${council.name}`,
        by_user: v.id,
        at: ctx.now().toISOString(),
      });
      return id;
    });
  }

  /** The office approves or refuses an application (with a reason). */
  async function decide(v: Viewer, id: number, decision: 'approved' | 'refused', reason?: string): Promise<void> {
    ctx.requireOffice(v, 'decide on an application');
    const p = await actable(v, id, 'decide');
    if (p.status !== 'applied')
      throw new AppError(
        409,
        'wrong-state',
        `Application ${id} is ${p.status}; only an application not yet decided can be ${decision}.`,
      );
    if (decision === 'refused' && !reason?.trim())
      throw invalid('A refusal needs a reason', [{ field: 'reason', message: 'is required' }]);
    await withTransaction(db, (tx) =>
      move(tx.kysely, p, decision, reason?.trim() || 'approved by the programme office', v),
    );
  }

  /**
   * Settles the cohort's list: lapses offers past their expiry, then offers each free place to the first eligible one
   * waiting (those passed over stay on the list, with the reason recorded).
   */
  async function settle(tx: Tx, l: Locked, by: Viewer): Promise<void> {
    const k = tx.kysely;
    const at = ctx.now().toISOString();
    for (const p of await repo.participants(k, { cohortIds: [l.cohort.id], statuses: ['offered'] }))
      if (p.offer_expires_at !== null && p.offer_expires_at < at)
        await move(k, p, 'lapsed', `offer expired at ${p.offer_expires_at}`, by);
    let free = l.cohort.capacity - (await repo.countIn(k, l.cohort.id, HOLDING));
    if (free <= 0) return;
    for (const p of await repo.participants(k, { cohortIds: [l.cohort.id], statuses: ['waiting'] })) {
      if (free <= 0) break;
      const reasons = (await why(l, p)).map((r) => `${r.field} ${r.message}`);
      const conflict = p.place_kind === 'subsidised' ? await subsidyConflict(k, l, p, HOLDING) : undefined;
      if (conflict) reasons.push(conflict);
      if (reasons.length) {
        await move(k, p, 'waiting', `passed over for a freed place: ${reasons.join('; ')}`, by);
        continue;
      }
      const expires = new Date(ctx.now().getTime() + ctx.offerDays * 86_400_000).toISOString();
      await repo.updateParticipant(k, p.id, { offer_expires_at: expires });
      await move(
        k,
        p,
        'offered',
        `a place freed; first eligible on the list (arrival ${p.arrival}); offer open until ${expires}`,
        by,
      );
      free--;
    }
  }

  /** Holds the place: status booked with the charge of its kind for the cohort's financial year. */
  async function hold(k: Kysely<Database>, l: Locked, p: ParticipantRow, reason: string, by: Viewer) {
    const fy = financialYear(l.cohort.starts_on);
    const charge = (await repo.charges(k)).find(
      (c) => c.programme_id === l.programme.id && c.place_kind === p.place_kind && c.financial_year === fy,
    );
    await repo.updateParticipant(k, p.id, {
      financial_year: fy,
      charge_pence: charge?.amount_pence ?? null,
      offer_expires_at: null,
    });
    await move(k, p, 'booked', reason, by);
  }

  /**
   * Books an approved application: a place when one is free (capacity and the subsidised entitlement checked under the
   * lock), else the waiting list when `waitlist` is asked for, else refused (409) saying the cohort is full.
   */
  async function book(v: Viewer, id: number, opts: { waitlist?: boolean } = {}) {
    const p0 = await actable(v, id, 'book a place');
    return withTransaction(db, async (tx) => {
      const k = tx.kysely;
      const l = await locked(tx, p0.cohort_id);
      await settle(tx, l, v);
      const p = (await repo.participant(k, id))!;
      if (p.status !== 'approved')
        throw new AppError(
          409,
          'wrong-state',
          `Application ${id} is ${p.status}; only an approved application can be booked.`,
        );
      if (p.place_kind === 'subsidised') {
        const conflict = await subsidyConflict(k, l, p, SUBSIDY_HELD);
        if (conflict)
          throw new AppError(409, 'subsidised-place-used', `No second subsidised place: ${conflict}.`, [
            { field: 'placeKind', message: conflict, value: 'subsidised' },
          ]);
      }
      const taken = await repo.countIn(k, l.cohort.id, HOLDING);
      const waiting = await repo.countIn(k, l.cohort.id, ['waiting']);
      if (taken >= l.cohort.capacity && !opts.waitlist)
        throw new AppError(
          409,
          'cohort-full',
          `Cohort ${l.cohort.number} is full: ${taken} of ${l.cohort.capacity} places are taken.`,
          [
            {
              field: 'cohort',
              message: `has no free place (capacity ${l.cohort.capacity})`,
              value: String(l.cohort.id),
            },
          ],
        );
      const arrival = await repo.takeArrival(k, l.cohort.id);
      await repo.updateParticipant(k, p.id, { arrival });
      if (taken < l.cohort.capacity) {
        await hold(k, l, p, `booked: place ${taken + 1} of ${l.cohort.capacity}`, v);
        return { status: 'booked' as const, position: null };
      }
      await move(
        k,
        p,
        'waiting',
        `cohort full (${l.cohort.capacity} places): joined the list at position ${waiting + 1}`,
        v,
      );
      return { status: 'waiting' as const, position: waiting + 1 };
    });
  }

  /** Takes up an offered place before its expiry. */
  async function accept(v: Viewer, id: number) {
    const p0 = await actable(v, id, 'take up a place');
    await withTransaction(db, async (tx) => {
      const l = await locked(tx, p0.cohort_id);
      await settle(tx, l, v);
      const p = (await repo.participant(tx.kysely, id))!;
      if (p.status !== 'offered')
        throw new AppError(
          409,
          'wrong-state',
          `Application ${id} is ${p.status}; only an offered place can be taken up.`,
        );
      await hold(tx.kysely, l, p, 'offer taken up', v);
    });
  }

  /** Withdraws a person (from a place, an offer, the list or an application); a freed place goes to the list. */
  async function withdraw(v: Viewer, id: number, reason?: string) {
    const p0 = await actable(v, id, 'withdraw');
    await withTransaction(db, async (tx) => {
      const l = await locked(tx, p0.cohort_id);
      const p = (await repo.participant(tx.kysely, id))!;
      if (!['applied', 'approved', 'booked', 'waiting', 'offered'].includes(p.status))
        throw new AppError(409, 'wrong-state', `Application ${id} is ${p.status} and cannot be withdrawn.`);
      await move(tx.kysely, p, 'withdrawn', reason?.trim() || 'withdrawn', v);
      await settle(tx, l, v);
    });
  }

  /** Lapses the cohort's expired offers and offers free places down the list (the programme office, or a daily job). */
  async function settleCohort(v: Viewer, cohortId: number): Promise<void> {
    ctx.requireOffice(v, 'settle a waiting list');
    await withTransaction(db, async (tx) => settle(tx, await locked(tx, cohortId), v));
  }

  /** The cohort's participants and list as the viewer may see them: the office all; a council its own. */
  async function cohortList(v: Viewer, cohortId: number) {
    if (!v) throw new AppError(401, 'sign-in-required', "Sign in to see a cohort's participants.");
    if (!isOffice(v) && v.role !== 'council' && !isGroupOffice(v))
      throw new AppError(
        403,
        'forbidden',
        'Only the programme office, administrators, council users and group offices see participants.',
      );
    const cohort = await repo.cohort(db.kysely, cohortId);
    if (!cohort) throw new AppError(404, 'not-found', `Cohort ${cohortId} does not exist.`);
    const dir = await ctx.councils();
    const all = await repo.participants(db.kysely, { cohortIds: [cohortId] });
    const waiting = all.filter((p) => p.status === 'waiting');
    const rows = all.filter((p) => ctx.mayActOn(v, p, dir.byId.get(p.area_id)));
    const moves = await repo.moves(
      db.kysely,
      rows.map((p) => p.id),
    );
    return {
      cohort: cohortView(cohort),
      participants: rows.map((p) => ({
        id: p.id,
        name: p.name,
        email: p.email,
        council: dir.byId.get(p.area_id)?.code ?? '',
        role: p.role,
        officerGrade: p.officer_grade,
        party: p.party,
        placeKind: p.place_kind,
        status: p.status,
        arrival: p.arrival,
        position: p.status === 'waiting' ? waiting.indexOf(p) + 1 : null,
        offerExpiresAt: p.offer_expires_at,
        chargePence: p.charge_pence,
        financialYear: p.financial_year,
        completedOn: p.completed_on,
        moves: moves
          .filter((m) => m.participant_id === p.id)
          .map((m) => ({ from: m.from_status, to: m.to_status, reason: m.reason, at: m.at })),
      })),
    };
  }

  /** Every check `apply` makes, without putting the person forward (the check-your-answers step). */
  const checkApplication = async (v: Viewer, cohortId: number, input: ApplicationInput): Promise<void> => {
    await apply(v, cohortId, input, true);
  };

  return {
    apply: (v: Viewer, cohortId: number, input: ApplicationInput) => apply(v, cohortId, input),
    checkApplication,
    decide,
    book,
    accept,
    withdraw,
    settleCohort,
    cohortList,
  };
}

const cohortView = (c: CohortRow) => ({
  id: c.id,
  number: c.number,
  capacity: c.capacity,
  startsOn: c.starts_on,
  endsOn: c.ends_on,
  venue: c.venue,
  online: c.online === 1,
});
