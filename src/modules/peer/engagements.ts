/**
 * Engagements: commissioning (a council by its code as at the date, a kind, the framework in force), the state machine
 * with dated steps, and the team builder (conflicts of interest as rules, double-booked peers, one-party member teams).
 * Every write is one transaction: refused input leaves nothing behind.
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { today } from '../areas/index.ts';
import { conflictChecker } from './conflicts.ts';
import { isManager, Problems, type PeerContext, type Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import { STATES, stateIndex, transitionProblem, type State } from './states.ts';

export const TEAM_ROLES = [
  'lead-officer-peer',
  'lead-member-peer',
  'officer-peer',
  'member-peer',
  'peer-challenge-manager',
  'support',
] as const;
export const MEMBER_ROLES = ['lead-member-peer', 'member-peer'];
export const PEER_ROLES = ['chief-executive', 'director', 'leader', 'cabinet-member', 'councillor', 'other'] as const;

export interface NewEngagement {
  council: string;
  kind: string;
  framework?: string | undefined;
  scope?: string | undefined;
  focusAreas?: string[] | undefined;
  requestedOn: string;
  onsiteStart?: string | undefined;
  onsiteEnd?: string | undefined;
}
export interface NewStep {
  state: string;
  date: string;
  reason?: string | undefined;
  onsiteStart?: string | undefined;
  onsiteEnd?: string | undefined;
}
export interface NewTeamMember {
  peerId: number;
  teamRole: string;
  daysCommitted: number;
  daysDelivered?: number | null | undefined;
}
export interface NewPeer {
  name: string;
  userEmail?: string | undefined;
  homeCouncil?: string | undefined;
  role: string;
  politicalGroup?: string | undefined;
  skills?: string[] | undefined;
  region?: string | undefined;
  accreditation?: string | undefined;
  accreditedAt?: string | undefined;
  availability?: string | undefined;
  formerEmployers?: { council: string; until: string }[] | undefined;
}

const overlaps = (a: [string, string], b: [string, string]) => a[0] <= b[1] && b[0] <= a[1];

export function engagementService(ctx: PeerContext) {
  const { db, log } = ctx;
  const conflicts = conflictChecker(ctx.deps);

  function requireManager(v: Viewer, what: string) {
    if (!v) throw new AppError(401, 'sign-in-required', `Sign in to ${what}.`);
    if (!isManager(v)) throw new AppError(403, 'forbidden', `Only peer challenge managers and administrators ${what}.`);
    return v;
  }

  /** Checks a new engagement and returns its row (not written): shared by the API and the history import. */
  async function checkEngagement(input: NewEngagement, p: Problems) {
    const ref = await ctx.reference();
    const dir = await ctx.councils();
    const requested = p.date('requestedOn', input.requestedOn, true);
    const code = input.council?.trim().toUpperCase();
    const council = dir.byCode.get(code);
    if (!council) p.add('council', 'is not the GSS code of a council', input.council);
    else if (
      requested &&
      ((council.validFrom && requested < council.validFrom) || (council.validTo && requested > council.validTo))
    )
      p.add(
        'council',
        `${council.code} (${council.name}) was not a council on ${requested}: it was in use from ${council.validFrom ?? 'the start'} to ${council.validTo ?? 'now'}`,
        input.council,
      );
    const kind = ref.kinds.find((x) => x.code === input.kind);
    if (!kind) p.add('kind', `must be one of ${ref.kinds.map((x) => x.code).join(', ')}`, input.kind);
    const inForce = ref.frameworks.filter(
      (f) => requested && f.validFrom <= requested && (f.validTo === null || f.validTo >= requested),
    );
    const framework = input.framework
      ? ref.frameworks.find((f) => f.version === input.framework || `${f.code}@${f.version}` === input.framework)
      : inForce.at(-1);
    if (!framework)
      p.add(
        'framework',
        input.framework
          ? `must be one of ${ref.frameworks.map((f) => `${f.code}@${f.version}`).join(', ')}`
          : 'no framework was in force on the requested date; name one',
        input.framework,
      );
    const scope = p.text('scope', input.scope, 2000, false);
    const focus = (input.focusAreas ?? []).map((f, i) => p.text(`focusAreas[${i}]`, f, 200)).filter(Boolean);
    const start = p.date('onsiteStart', input.onsiteStart);
    const end = p.date('onsiteEnd', input.onsiteEnd);
    if ((start === null) !== (end === null) && p.list.every((e) => !e.field.startsWith('onsite')))
      p.add(start ? 'onsiteEnd' : 'onsiteStart', 'give both the first and the last day of the visit');
    if (start && end && end < start) p.add('onsiteEnd', `is before onsiteStart (${start}): dates out of order`, end);
    if (start && requested && start < requested)
      p.add('onsiteStart', `is before the request (${requested}): dates out of order`, start);
    return { council, kind, framework, scope, focus: focus as string[], requested, start, end };
  }

  async function create(v: Viewer, input: NewEngagement, now = new Date()) {
    requireManager(v, 'commission engagements');
    const p = new Problems();
    const c = await checkEngagement(input, p);
    p.fail('The engagement was not created');
    const stamp = now.toISOString();
    const id = await withTransaction(db, async (tx) => {
      const id = await repo.insertEngagement(tx.kysely, {
        area_id: c.council!.id,
        kind: c.kind!.code,
        framework_id: c.framework!.id,
        scope: c.scope,
        focus_areas: JSON.stringify(c.focus),
        state: 'requested',
        resume_state: null,
        onsite_start: c.start,
        onsite_end: c.end,
        created_at: stamp,
        updated_at: stamp,
      });
      await repo.insertStep(tx.kysely, {
        engagement_id: id,
        state: 'requested',
        date: c.requested!,
        reason: null,
        recorded_at: stamp,
      });
      return id;
    });
    log.info({ event: 'engagement-created', engagement: id, council: c.council!.code, kind: c.kind!.code });
    return id;
  }

  /** Team members whose other visits overlap the dates (not withdrawn or postponed ones). */
  async function doubleBooked(k: typeof db.kysely, engagementId: number, peerId: number, dates: [string, string]) {
    return (await repo.engagementsOfPeer(k, peerId)).filter(
      (o) =>
        o.id !== engagementId &&
        o.onsite_start &&
        o.onsite_end &&
        o.state !== 'withdrawn' &&
        o.state !== 'postponed' &&
        overlaps(dates, [o.onsite_start, o.onsite_end]),
    );
  }

  async function step(v: Viewer, id: number, input: NewStep, now = new Date()) {
    requireManager(v, 'move engagements through their steps');
    const p = new Problems();
    const date = p.date('date', input.date, true);
    const start = p.date('onsiteStart', input.onsiteStart);
    const end = p.date('onsiteEnd', input.onsiteEnd);
    const reason = p.text('reason', input.reason, 1000, false);
    p.fail('The step was not recorded');
    await withTransaction(db, async (tx) => {
      const k = tx.kysely;
      const e = await repo.engagement(k, id);
      if (!e) throw new AppError(404, 'not-found', `Engagement ${id} does not exist.`);
      const last = (await repo.steps(k, [id])).at(-1);
      const why = transitionProblem(e.state, e.resume_state, last?.date ?? null, input.state, date!, reason);
      if (why) p.add(why.field, why.message, { date, state: input.state }[why.field]);
      const onsite: [string | null, string | null] = [start ?? e.onsite_start, end ?? e.onsite_end];
      if (onsite[0] && onsite[1] && onsite[1] < onsite[0])
        p.add('onsiteEnd', `is before onsiteStart (${onsite[0]}): dates out of order`, onsite[1]);
      const next = input.state as State;
      if (stateIndex(next) >= stateIndex('scheduled') && (!onsite[0] || !onsite[1]))
        p.add('onsiteStart', `the visit's first and last days are needed to reach ${next}`);
      if (next === 'on-site' && onsite[0] && onsite[1] && (date! < onsite[0] || date! > onsite[1]))
        p.add('date', `the visit runs from ${onsite[0]} to ${onsite[1]}; on-site must fall within it`, date);
      if (stateIndex(next) > stateIndex('on-site') && onsite[0] && date! < onsite[0])
        p.add('date', `is before the visit (${onsite[0]}): dates out of order`, date);
      if (onsite[0] && onsite[1] && (start || end))
        for (const t of await repo.team(k, [id])) {
          const clash = await doubleBooked(k, id, t.peer_id, [onsite[0], onsite[1]]);
          if (clash.length)
            p.add(
              'onsiteStart',
              `${t.name} is on site at engagement ${clash[0]!.id} (${clash[0]!.onsite_start} to ${clash[0]!.onsite_end}) at the same time`,
            );
        }
      p.fail(`Engagement ${id} cannot move to ${input.state}`);
      await repo.updateEngagement(k, id, {
        state: next,
        resume_state: next === 'postponed' ? e.state : null,
        onsite_start: onsite[0],
        onsite_end: onsite[1],
        updated_at: now.toISOString(),
      });
      await repo.insertStep(k, {
        engagement_id: id,
        state: next,
        date: date!,
        reason: next === 'withdrawn' || next === 'postponed' ? reason : null,
        recorded_at: now.toISOString(),
      });
    });
    log.info({ event: 'engagement-step', engagement: id, state: input.state });
  }

  async function addTeamMember(v: Viewer, id: number, input: NewTeamMember) {
    requireManager(v, 'build teams');
    const p = new Problems();
    if (!Number.isInteger(input.peerId)) p.add('peerId', 'choose a peer from the pool');
    const role = p.oneOf('teamRole', input.teamRole, TEAM_ROLES);
    if (!(input.daysCommitted >= 0 && input.daysCommitted <= 30))
      p.add('daysCommitted', 'must be between 0 and 30 days', input.daysCommitted);
    p.fail('The peer was not added');
    const dir = await ctx.councils();
    const rules = (await ctx.reference()).conflictRules;
    const warnings = await withTransaction(db, async (tx) => {
      const k = tx.kysely;
      const e = await repo.engagement(k, id);
      if (!e) throw new AppError(404, 'not-found', `Engagement ${id} does not exist.`);
      if (['withdrawn', 'closed'].includes(e.state))
        throw new AppError(409, 'engagement-ended', `Engagement ${id} is ${e.state}; its team cannot change.`);
      const peer = await repo.peer(k, input.peerId);
      if (!peer)
        throw new AppError(400, 'invalid-input', `Peer ${input.peerId} does not exist.`, [
          { field: 'peerId', message: 'is not a peer in the pool', value: String(input.peerId) },
        ]);
      if (peer.active !== 1)
        throw new AppError(409, 'peer-inactive', `${peer.name} is not active in the pool.`, [
          { field: 'peerId', message: 'is not an active peer', value: String(peer.id) },
        ]);
      const team = await repo.team(k, [id]);
      if (team.some((t) => t.peer_id === peer.id))
        throw new AppError(409, 'already-on-team', `${peer.name} is already on the team of engagement ${id}.`, [
          { field: 'peerId', message: 'is already on the team', value: String(peer.id) },
        ]);
      const council = dir.byId.get(e.area_id)!;
      const date = e.onsite_start ?? today();
      const found = await conflicts(rules, {
        council,
        home: peer.home_area_id === null ? undefined : dir.byId.get(peer.home_area_id),
        employments: (await repo.employments(k, peer.id)).map((m) => ({
          council: dir.byId.get(m.area_id),
          until: m.until,
        })),
        partnerships: (await repo.partnershipsOf(k, council.id)).map((s) => ({
          other: dir.byId.get(s.area_a_id === council.id ? s.area_b_id : s.area_a_id),
          kind: s.kind,
          validFrom: s.valid_from,
          validTo: s.valid_to,
        })),
        date,
      });
      if (found.length)
        throw new AppError(
          409,
          'conflict-of-interest',
          `${peer.name} cannot join the team for ${council.name}: ${found.map((f) => `${f.rule}: ${f.reason}`).join('; ')}.`,
          found.map((f) => ({
            field: 'peerId',
            message: `conflict of interest (${f.rule}): ${f.reason}`,
            value: f.rule,
          })),
        );
      if (e.onsite_start && e.onsite_end) {
        const clash = await doubleBooked(k, id, peer.id, [e.onsite_start, e.onsite_end]);
        if (clash.length)
          throw new AppError(
            409,
            'peer-double-booked',
            `${peer.name} is on site at engagement ${clash[0]!.id} from ${clash[0]!.onsite_start} to ${clash[0]!.onsite_end}, overlapping this visit (${e.onsite_start} to ${e.onsite_end}).`,
            [
              {
                field: 'peerId',
                message: `on two on-site visits at once (engagement ${clash[0]!.id})`,
                value: String(peer.id),
              },
            ],
          );
      }
      await repo.insertTeamMember(k, {
        engagement_id: id,
        peer_id: peer.id,
        team_role: role!,
        days_committed: input.daysCommitted,
        days_delivered: input.daysDelivered ?? null,
      });
      const members = [...team, { team_role: role!, political_group: peer.political_group }].filter((t) =>
        MEMBER_ROLES.includes(t.team_role),
      );
      const groups = new Set(members.map((m) => m.political_group ?? '(none given)'));
      return members.length >= 2 && groups.size === 1
        ? [`One-party member team: all ${members.length} member peers are ${[...groups][0]}.`]
        : [];
    });
    log.info({ event: 'team-member-added', engagement: id, peer: input.peerId, warnings: warnings.length });
    return { warnings };
  }

  async function addPeer(v: Viewer, input: NewPeer, now = new Date()) {
    requireManager(v, 'manage the peer pool');
    const p = new Problems();
    const name = p.text('name', input.name, 200);
    const role = p.oneOf('role', input.role, PEER_ROLES);
    const group = p.text('politicalGroup', input.politicalGroup, 100, false);
    const skills = (input.skills ?? []).map((s, i) => p.text(`skills[${i}]`, s, 100)).filter(Boolean);
    const dir = await ctx.councils();
    const home = input.homeCouncil ? dir.byCode.get(input.homeCouncil.trim().toUpperCase()) : undefined;
    if (input.homeCouncil && !home) p.add('homeCouncil', 'is not the GSS code of a council', input.homeCouncil);
    const region = input.region?.trim().toUpperCase() || home?.region?.code || null;
    if (region && !/^E12\d{6}$/.test(region)) p.add('region', 'is not a region code such as E12000002', input.region);
    const accredited = p.date('accreditedAt', input.accreditedAt);
    const accreditation = p.text('accreditation', input.accreditation, 200, false);
    const availability = p.text('availability', input.availability, 500, false);
    const employers = (input.formerEmployers ?? []).map((e, i) => {
      const c = dir.byCode.get(e.council?.trim().toUpperCase());
      if (!c) p.add(`formerEmployers[${i}].council`, 'is not the GSS code of a council', e.council);
      return { c, until: p.date(`formerEmployers[${i}].until`, e.until, true) };
    });
    let userId: number | null = null;
    if (input.userEmail) {
      const u = await db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', input.userEmail.trim().toLowerCase())
        .executeTakeFirst();
      if (!u) p.add('userEmail', 'is not a registered user');
      else userId = u.id;
    }
    p.fail('The peer was not added');
    const id = await withTransaction(db, async (tx) => {
      const id = await repo.insertPeer(tx.kysely, {
        name: name!,
        user_id: userId,
        home_area_id: home?.id ?? null,
        role: role!,
        political_group: group,
        skills: JSON.stringify(skills),
        region_code: region,
        accreditation,
        accredited_at: accredited,
        availability,
        active: 1,
        created_at: now.toISOString(),
      });
      for (const e of employers)
        await repo.insertEmployment(tx.kysely, { peer_id: id, area_id: e.c!.id, until: e.until! });
      return id;
    });
    log.info({ event: 'peer-added', peer: id });
    return id;
  }

  async function addPartnership(
    v: Viewer,
    input: { a: string; b: string; kind: string; validFrom: string; validTo?: string | undefined },
  ) {
    requireManager(v, 'record partnerships');
    const p = new Problems();
    const dir = await ctx.councils();
    const a = dir.byCode.get(input.a?.trim().toUpperCase());
    const b = dir.byCode.get(input.b?.trim().toUpperCase());
    if (!a) p.add('a', 'is not the GSS code of a council', input.a);
    if (!b) p.add('b', 'is not the GSS code of a council', input.b);
    const kind = p.oneOf('kind', input.kind, ['shared-chief-executive', 'shared-service'] as const);
    const from = p.date('validFrom', input.validFrom, true);
    const to = p.date('validTo', input.validTo);
    if (from && to && to < from) p.add('validTo', `is before validFrom (${from}): dates out of order`, to);
    p.fail('The partnership was not recorded');
    await repo.insertPartnership(db.kysely, {
      area_a_id: a!.id,
      area_b_id: b!.id,
      kind: kind!,
      valid_from: from!,
      valid_to: to,
    });
  }

  return { create, step, addTeamMember, addPeer, addPartnership, checkEngagement, requireManager, STATES };
}
