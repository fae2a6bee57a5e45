/**
 * After the visit: findings and recommendations against the engagement's framework (or its local focus areas), the
 * action plan (actions per recommendation with dated updates) and documents. Peers on the team and managers enter
 * findings and recommendations; the council and managers keep its action plan.
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { peerRepository as repo } from './repository.ts';

export const FINDING_KINDS = ['strength', 'area-for-consideration'] as const;
export const ACTION_STATUSES = ['not-started', 'on-track', 'at-risk', 'complete'] as const;
export const DOCUMENT_KINDS = ['position-statement', 'report', 'action-plan', 'progress-review-report'] as const;

const isLink = (u: string) => /^https?:\/\/[^\s]+$/i.test(u);

export function outcomeService(ctx: PeerContext) {
  const { db, log } = ctx;

  /** The component codes a finding or recommendation of this engagement may name. */
  async function componentsOf(e: { framework_id: number; focus_areas: string }) {
    const fw = (await ctx.reference()).frameworks.find((f) => f.id === e.framework_id)!;
    return {
      fw,
      codes: [...fw.components.map((c) => c.code), ...(JSON.parse(e.focus_areas) as string[]).map((f) => `focus:${f}`)],
    };
  }

  async function addFinding(v: Viewer, id: number, input: { component: string; kind: string; text: string }) {
    const { e } = await ctx.writable(v, id, ['manager', 'peer'], 'enter findings');
    const p = new Problems();
    const { fw, codes } = await componentsOf(e);
    if (!codes.includes(input.component))
      p.add(
        'component',
        `is not a component of ${fw.name} or a local focus area (${codes.join(', ')})`,
        input.component,
      );
    const kind = p.oneOf('kind', input.kind, FINDING_KINDS);
    const text = p.text('text', input.text, 4000);
    p.fail('The finding was not recorded');
    return repo.insertFinding(db.kysely, {
      engagement_id: id,
      component_code: input.component,
      kind: kind!,
      text: text!,
    });
  }

  async function addRecommendation(v: Viewer, id: number, input: { component: string; text: string }) {
    const { e } = await ctx.writable(v, id, ['manager', 'peer'], 'enter recommendations');
    const p = new Problems();
    const { fw, codes } = await componentsOf(e);
    if (!codes.includes(input.component))
      p.add(
        'component',
        `a recommendation needs a component of ${fw.name} or a local focus area (${codes.join(', ')})`,
        input.component,
      );
    const text = p.text('text', input.text, 4000);
    p.fail('The recommendation was not recorded');
    const ref = await withTransaction(db, async (tx) => {
      const n = await repo.countRecommendations(tx.kysely, id);
      const ref = `PC${id}-R${n + 1}`;
      await repo.insertRecommendation(tx.kysely, {
        ref,
        engagement_id: id,
        component_code: input.component,
        text: text!,
      });
      return ref;
    });
    log.info({ event: 'recommendation-added', engagement: id, recommendation: ref });
    return ref;
  }

  async function addAction(
    v: Viewer,
    id: number,
    input: {
      recommendation: string;
      text: string;
      ownerRole: string;
      dueDate: string;
      status?: string | undefined;
      evidence?: string[] | undefined;
    },
  ) {
    await ctx.writable(v, id, ['manager', 'council'], 'keep the action plan');
    const p = new Problems();
    const rec = await repo.recommendation(db.kysely, input.recommendation);
    if (!rec) p.add('recommendation', 'is not a recommendation', input.recommendation);
    else if (rec.engagement_id !== id)
      p.add('recommendation', `belongs to another engagement (${rec.engagement_id}), not ${id}`, input.recommendation);
    const text = p.text('text', input.text, 2000);
    const owner = p.text('ownerRole', input.ownerRole, 200);
    const due = p.date('dueDate', input.dueDate, true);
    const status = p.oneOf('status', input.status ?? 'not-started', ACTION_STATUSES);
    const evidence = input.evidence ?? [];
    evidence.forEach((u, i) => !isLink(u) && p.add(`evidence[${i}]`, 'is not an http(s) link', u));
    p.fail('The action was not recorded');
    return repo.insertAction(db.kysely, {
      engagement_id: id,
      recommendation_id: rec!.id,
      text: text!,
      owner_role: owner!,
      due_date: due!,
      status: status!,
      evidence: JSON.stringify(evidence),
    });
  }

  async function updateAction(
    v: Viewer,
    id: number,
    actionId: number,
    input: { date: string; status: string; note?: string | undefined },
  ) {
    await ctx.writable(v, id, ['manager', 'council'], 'update the action plan');
    const p = new Problems();
    const a = Number.isInteger(actionId) ? await repo.action(db.kysely, actionId) : undefined;
    if (!a || a.engagement_id !== id)
      throw new AppError(404, 'not-found', `Action ${actionId} is not one of engagement ${id}'s.`);
    const date = p.date('date', input.date, true);
    const status = p.oneOf('status', input.status, ACTION_STATUSES);
    const note = p.text('note', input.note, 2000, false);
    const last = (await repo.actionUpdates(db.kysely, [actionId])).at(-1);
    if (date && last && date < last.date)
      p.add('date', `is before the last update (${last.date}): dates out of order`, date);
    p.fail('The update was not recorded');
    await withTransaction(db, async (tx) => {
      await repo.insertActionUpdate(tx.kysely, { action_id: actionId, date: date!, status: status!, note });
      await repo.setActionStatus(tx.kysely, actionId, status!);
    });
  }

  async function addDocument(
    v: Viewer,
    id: number,
    input: { kind: string; title: string; url: string; publishedAt?: string | undefined; public: boolean },
  ) {
    await ctx.writable(v, id, ['manager'], 'add documents');
    const p = new Problems();
    const kind = p.oneOf('kind', input.kind, DOCUMENT_KINDS);
    const title = p.text('title', input.title, 300);
    if (!isLink(input.url ?? '')) p.add('url', 'is not an http(s) link', input.url);
    const published = p.date('publishedAt', input.publishedAt);
    if (input.public && !published) p.add('publishedAt', 'a public document needs its publication date');
    p.fail('The document was not recorded');
    return repo.insertDocument(db.kysely, {
      engagement_id: id,
      kind: kind!,
      title: title!,
      url: input.url,
      published_at: published,
      public: input.public ? 1 : 0,
    });
  }

  return { addFinding, addRecommendation, addAction, updateAction, addDocument };
}
