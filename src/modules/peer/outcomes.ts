/**
 * After the visit: findings and recommendations against the engagement's framework (or its local focus areas), the
 * action plan (actions per recommendation with dated updates) and documents (links or uploaded files). Peers on the
 * team and managers enter findings and recommendations; the council and managers keep its action plan.
 */
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { checkDocumentFile, cleanFilename, type CheckedFile } from './files.ts';
import { peerRepository as repo } from './repository.ts';
import { isPublished } from './states.ts';

export const FINDING_KINDS = ['strength', 'area-for-consideration'] as const;
export const ACTION_STATUSES = ['not-started', 'on-track', 'at-risk', 'complete'] as const;
export const DOCUMENT_KINDS = ['position-statement', 'report', 'action-plan', 'progress-review-report'] as const;

const isLink = (u: string) => /^https?:\/\/[^\s]+$/i.test(u);

export interface NewDocument {
  kind: string;
  title: string;
  /** A link to the document, or */
  url?: string | undefined;
  /** its file, uploaded. */
  file?: { filename: string; data: Buffer } | undefined;
  publishedAt?: string | undefined;
  public: boolean;
}

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

  /**
   * A document as a link or an uploaded file (exactly one), with its publication date and public flag. The file is
   * checked (kind, size, its first bytes) and written with the document's row in one transaction.
   */
  async function addDocument(v: Viewer, id: number, input: NewDocument, now = new Date()) {
    await ctx.writable(v, id, ['manager'], 'add documents');
    const p = new Problems();
    const kind = p.oneOf('kind', input.kind, DOCUMENT_KINDS);
    const title = p.text('title', input.title, 300);
    const url = input.url?.trim() || undefined;
    let file: CheckedFile | undefined;
    if (url && input.file) p.add('file', 'give a link or a file, not both');
    else if (!url && !input.file) p.add('url', 'give a link to the document or upload its file');
    else if (url && !isLink(url)) p.add('url', 'is not an http(s) link', url);
    else if (input.file) {
      const checked = checkDocumentFile(input.file.filename, input.file.data);
      if ('problem' in checked) p.add('file', `the file ${checked.problem}`, cleanFilename(input.file.filename));
      else file = checked;
    }
    const published = p.date('publishedAt', input.publishedAt);
    if (input.public && !published) p.add('publishedAt', 'a public document needs its publication date');
    p.fail('The document was not recorded');
    const docId = await withTransaction(db, async (tx) => {
      const docId = await repo.insertDocument(tx.kysely, {
        engagement_id: id,
        kind: kind!,
        title: title!,
        url: url ?? '',
        published_at: published,
        public: input.public ? 1 : 0,
      });
      if (file)
        await repo.insertDocumentFile(tx.kysely, {
          document_id: docId,
          filename: file.filename,
          content_type: file.contentType,
          size: file.size,
          sha256: file.sha256,
          data: file.data,
          uploaded_at: now.toISOString(),
        });
      return docId;
    });
    log.info({ event: 'document-added', engagement: id, document: docId, file: file ? file.size : null });
    return docId;
  }

  /**
   * An uploaded document's file, for whoever may see the document: a public one of a published engagement for
   * everyone, a private one for managers, the council and the team. Anything else is a 404 (its existence not told).
   */
  async function documentFile(v: Viewer, id: number, documentId: number) {
    const { e, standing } = await ctx.visible(v, id);
    const f = await repo.documentFile(db.kysely, documentId);
    if (!f || f.engagement_id !== id || (standing === 'public' && f.public !== 1))
      throw new AppError(404, 'not-found', `Engagement ${id} has no document file ${documentId} you may see.`);
    return { ...f, cacheable: f.public === 1 && isPublished(e.state) };
  }

  return { addFinding, addRecommendation, addAction, updateAction, addDocument, documentFile };
}
