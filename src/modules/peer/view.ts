/**
 * Engagements as the API and pages show them, cut to the viewer's standing: the public sees a published engagement's
 * steps, public documents, findings, recommendations and action progress; the team, drafts and private documents
 * are for managers, the council and its peers.
 */
import { today } from '../areas/index.ts';
import type { EngagementRow, PeerContext, Standing } from './context.ts';
import { peerRepository as repo } from './repository.ts';
import { addMonths, isPublished, reached, STATE_LABELS, type State } from './states.ts';

export interface Deadline {
  code: string;
  dueState: string;
  dueBy: string;
  metOn: string | null;
  overdue: boolean;
}

/** Where an uploaded document's file is served (the same access as the document). */
export const documentFileUrl = (engagement: number, document: number) =>
  `/api/v1/peer-challenge/engagements/${engagement}/documents/${document}/file`;

export type EngagementView = Awaited<ReturnType<ReturnType<typeof viewBuilder>>>[number];

/** The deadlines in force on the visit's last day (dated policy), from that day, met or not. */
export function deadlinesOf(
  e: { state: string; onsite_start: string | null; onsite_end: string | null },
  steps: { state: string; date: string }[],
  policy: { code: string; dueState: string; months: number; validFrom: string; validTo: string | null }[],
  on = today(),
): Deadline[] {
  const visit = e.onsite_end ?? e.onsite_start;
  if (!visit || !reached(e.state, 'on-site')) return [];
  return policy
    .filter((d) => d.validFrom <= visit && (d.validTo === null || d.validTo >= visit))
    .map((d) => {
      const dueBy = addMonths(visit, d.months);
      const metOn = steps.find((s) => s.state === d.dueState)?.date ?? null;
      return {
        code: d.code,
        dueState: d.dueState,
        dueBy,
        metOn,
        overdue: metOn === null && on > dueBy && e.state !== 'closed',
      };
    });
}

export function viewBuilder(ctx: PeerContext) {
  return async function views(rows: { e: EngagementRow; standing: Standing }[]) {
    const k = ctx.db.kysely;
    const ids = rows.map((r) => r.e.id);
    const [ref, dir, steps, team, findings, recs, actions, docs] = await Promise.all([
      ctx.reference(),
      ctx.councils(),
      repo.steps(k, ids),
      repo.team(k, ids),
      repo.findings(k, ids),
      repo.recommendations(k, ids),
      repo.actions(k, ids),
      repo.documents(k, ids),
    ]);
    const updates = await repo.actionUpdates(
      k,
      actions.map((a) => a.id),
    );
    return rows.map(({ e, standing }) => {
      const c = dir.byId.get(e.area_id);
      const fw = ref.frameworks.find((f) => f.id === e.framework_id)!;
      const mySteps = steps.filter((s) => s.engagement_id === e.id);
      const inside = standing !== 'public';
      const published = isPublished(e.state);
      return {
        id: e.id,
        council: { code: c?.code ?? '', name: c?.name ?? '', currentCode: c?.currentCode ?? '' },
        kind: { code: e.kind, name: ref.kinds.find((x) => x.code === e.kind)?.name ?? e.kind },
        framework: {
          code: fw.code,
          version: fw.version,
          name: fw.name,
          components: fw.components.map((x) => ({ code: x.code, title: x.title })),
        },
        scope: inside ? e.scope : null,
        focusAreas: JSON.parse(e.focus_areas) as string[],
        state: e.state,
        stateLabel: STATE_LABELS[e.state as State] ?? e.state,
        onsite: { start: e.onsite_start, end: e.onsite_end },
        steps: mySteps.map((s) => ({ state: s.state, date: s.date, reason: inside ? s.reason : null })),
        deadlines: deadlinesOf(e, mySteps, ref.deadlines),
        standing,
        team: inside
          ? team
              .filter((t) => t.engagement_id === e.id)
              .map((t) => ({
                peerId: t.peer_id,
                name: t.name,
                role: t.role,
                politicalGroup: t.political_group,
                teamRole: t.team_role,
                daysCommitted: t.days_committed,
                daysDelivered: t.days_delivered,
              }))
          : [],
        findings:
          inside || published
            ? findings
                .filter((f) => f.engagement_id === e.id)
                .map((f) => ({ id: f.id, component: f.component_code, kind: f.kind, text: f.text }))
            : [],
        recommendations: recs
          .filter((r) => r.engagement_id === e.id)
          .map((r) => ({
            id: r.ref,
            component: r.component_code,
            text: r.text,
            actions: actions
              .filter((a) => a.recommendation_id === r.id)
              .map((a) => ({
                id: a.id,
                text: a.text,
                ownerRole: a.owner_role,
                dueDate: a.due_date,
                status: a.status,
                evidence: JSON.parse(a.evidence) as string[],
                updates: updates
                  .filter((u) => u.action_id === a.id)
                  .map((u) => ({ date: u.date, status: u.status, note: u.note })),
              })),
          })),
        documents: docs
          .filter((d) => d.engagement_id === e.id && (inside || d.public === 1))
          .map((d) => ({
            id: d.id,
            kind: d.kind,
            title: d.title,
            url: d.filename === null ? d.url : documentFileUrl(e.id, d.id),
            publishedAt: d.published_at,
            public: d.public === 1,
            file:
              d.filename === null
                ? null
                : { name: d.filename, contentType: d.content_type!, size: Number(d.size), sha256: d.sha256! },
          })),
      };
    });
  };
}
