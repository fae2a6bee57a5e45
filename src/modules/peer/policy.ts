/**
 * The programme's policy as data, changed without a migration: engagement kinds (a new kind of peer review), dated
 * deadlines (a new policy for a deadline from a date: the one in force closes the day before, so engagements visited
 * earlier keep theirs), and a council's local focus areas on its own engagement (before the team presents its
 * feedback). Managers and administrators change kinds and deadlines; the council and managers its focus areas.
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import { STATES, stateIndex } from './states.ts';

const CODE = /^[a-z][a-z0-9-]{1,39}$/;
const CODE_RULE = 'is 2 to 40 lower-case letters, digits and hyphens, starting with a letter';
/** A deadline is for a step after the visit. */
const DUE_STATES = STATES.filter((s) => stateIndex(s) > stateIndex('on-site'));
/** Focus areas are added until the team presents its feedback. */
const FOCUS_UNTIL = 'feedback-presented';

const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export function policyService(ctx: PeerContext, requireManager: (v: Viewer, what: string) => unknown) {
  const { db, log } = ctx;

  async function addKind(v: Viewer, input: { code: string; name: string; corporate?: boolean | undefined }) {
    requireManager(v, 'configure engagement kinds');
    const p = new Problems();
    if (!CODE.test(input.code ?? '')) p.add('code', CODE_RULE, input.code);
    const name = p.text('name', input.name, 200);
    p.fail('The kind was not added');
    if ((await ctx.reference()).kinds.some((k) => k.code === input.code))
      throw new AppError(409, 'kind-exists', `There is already a kind "${input.code}".`, [
        { field: 'code', message: 'is already a kind', value: input.code },
      ]);
    await repo.insertKind(db.kysely, { code: input.code, name: name!, corporate: input.corporate ? 1 : 0 });
    ctx.forgetReference();
    log.info({ event: 'kind-added', kind: input.code, corporate: !!input.corporate });
    return input.code;
  }

  async function addDeadline(v: Viewer, input: { code: string; dueState: string; months: number; validFrom: string }) {
    requireManager(v, 'set deadline policy');
    const p = new Problems();
    if (!CODE.test(input.code ?? '')) p.add('code', CODE_RULE, input.code);
    const dueState = p.oneOf('dueState', input.dueState, DUE_STATES);
    if (!Number.isInteger(input.months) || input.months < 1 || input.months > 60)
      p.add('months', 'must be a whole number of months from 1 to 60', input.months);
    const from = p.date('validFrom', input.validFrom, true);
    p.fail('The deadline policy was not changed');
    const id = await withTransaction(db, async (tx) => {
      const inForce = (await repo.deadlinesOf(tx.kysely, input.code)).find((d) => d.valid_to === null);
      if (inForce && from! <= inForce.valid_from)
        p.add(
          'validFrom',
          `is not after the policy in force (${inForce.months} months from ${inForce.valid_from}): dates out of order`,
          from,
        );
      p.fail('The deadline policy was not changed');
      if (inForce) await repo.closeDeadline(tx.kysely, inForce.id, dayBefore(from!));
      return repo.insertDeadline(tx.kysely, {
        code: input.code,
        due_state: dueState!,
        months: input.months,
        valid_from: from!,
        valid_to: null,
      });
    });
    ctx.forgetReference();
    log.info({ event: 'deadline-policy', deadline: input.code, months: input.months, from });
    return id;
  }

  async function addFocusArea(v: Viewer, id: number, input: { name: string }) {
    const { e } = await ctx.writable(v, id, ['manager', 'council'], 'add local focus areas');
    const p = new Problems();
    const name = p.text('name', input.name, 200);
    p.fail('The focus area was not added');
    if (e.state === 'withdrawn' || stateIndex(e.state) >= stateIndex(FOCUS_UNTIL))
      throw new AppError(
        409,
        'too-late',
        `Engagement ${id} is ${e.state}: local focus areas are added before the team presents its feedback.`,
        [{ field: 'name', message: `cannot be added once the engagement is ${e.state}` }],
      );
    const focus = JSON.parse(e.focus_areas) as string[];
    if (focus.some((f) => f.toLowerCase() === name!.toLowerCase()))
      throw new AppError(400, 'invalid-input', `"${name}" is already a local focus area of engagement ${id}.`, [
        { field: 'name', message: 'is already a local focus area', value: name! },
      ]);
    await repo.setFocusAreas(db.kysely, id, JSON.stringify([...focus, name!]));
    log.info({ event: 'focus-area-added', engagement: id, focusAreas: focus.length + 1 });
    return `focus:${name}`;
  }

  return { addKind, addDeadline, addFocusArea };
}
