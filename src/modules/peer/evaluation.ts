/**
 * Evaluation of peer challenge through the surveys module: the council's leader and chief executive recorded on each
 * engagement, the two standard questionnaires (feedback soon after the visit; impact about a year on) loaded as
 * survey definitions, waves of them, and a wave's frame built from the engagements whose feedback was presented in a
 * chosen range (for the impact survey, that range moved back by `monthsAfter`, 12 by default). Invitations go through
 * the surveys module's mailings. Email addresses are personal data: never logged, and not in what the frame preview
 * returns (only whether one is recorded).
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/transaction.ts';
import type { WaveDto } from '../surveys/index.ts';
import { Problems, type PeerContext, type Viewer } from './context.ts';
import { evaluationRepository as repo } from './evaluation-repository.ts';
import { peerRepository } from './repository.ts';
import { addMonths } from './states.ts';

export const EVALUATION_KINDS = ['feedback', 'impact'] as const;
export type EvaluationKind = (typeof EVALUATION_KINDS)[number];
export const QUESTIONNAIRE_CODES: Record<EvaluationKind, string> = {
  feedback: 'peer-challenge-feedback',
  impact: 'peer-challenge-impact',
};
/** The roles asked, as recorded on the engagement and as named in the survey frame. */
export const CONTACT_ROLES = [
  { code: 'leader', field: 'leader', label: 'Leader' },
  { code: 'chief-executive', field: 'chiefExecutive', label: 'Chief executive' },
] as const;
export const DEFAULT_MONTHS_AFTER = 12;
const EMAIL = /^[^\s@<>",;:\\()[\]]+@[^\s@<>",;:\\()[\]]+\.[^\s@<>",;:\\()[\]]+$/;

/** The standard questionnaire of a kind, as shipped (SurveyJS JSON). */
export const standardQuestionnaire = (kind: EvaluationKind): unknown =>
  JSON.parse(readFileSync(new URL(`./questionnaires/${QUESTIONNAIRE_CODES[kind]}.json`, import.meta.url), 'utf8'));

const kindOf = (surveyCode: string): EvaluationKind | undefined =>
  EVALUATION_KINDS.find((k) => QUESTIONNAIRE_CODES[k] === surveyCode);

export interface ContactsInput {
  leaderName?: string | undefined;
  leaderEmail?: string | undefined;
  chiefExecutiveName?: string | undefined;
  chiefExecutiveEmail?: string | undefined;
}
export interface Contact {
  name: string | null;
  email: string | null;
}
export interface FrameInput {
  wave: number;
  from: string;
  to: string;
  monthsAfter?: number | undefined;
}
export type CandidateOutcome = 'included' | 'already-in-frame' | 'later-engagement-of-council' | 'not-a-council';
export interface FrameCandidate {
  engagement: number;
  council: { code: string; name: string };
  kind: string;
  feedbackPresented: string;
  leader: { name: string | null; email: boolean };
  chiefExecutive: { name: string | null; email: boolean };
  outcome: CandidateOutcome;
}

export function evaluationService(ctx: PeerContext, requireManager: (v: Viewer, what: string) => unknown) {
  const { db, log } = ctx;
  const { surveys, frames, mailings } = ctx.deps.surveys;
  const actor = (v: Viewer) => ({ name: v!.name });

  async function engagementExists(id: number) {
    if (!(await peerRepository.engagement(db.kysely, id)))
      throw new AppError(404, 'not-found', `Engagement ${id} does not exist.`);
  }

  async function contacts(v: Viewer, id: number): Promise<{ leader: Contact; chiefExecutive: Contact }> {
    requireManager(v, "see an engagement's evaluation contacts");
    await engagementExists(id);
    const rows = await repo.contacts(db.kysely, [id]);
    const of = (role: string): Contact => {
      const r = rows.find((x) => x.role === role);
      return { name: r?.name ?? null, email: r?.email ?? null };
    };
    return { leader: of('leader'), chiefExecutive: of('chief-executive') };
  }

  /** Records (or, left empty, removes) the leader's and chief executive's names and addresses on an engagement. */
  async function setContacts(v: Viewer, id: number, input: ContactsInput, now = new Date()) {
    requireManager(v, "record an engagement's evaluation contacts");
    const p = new Problems();
    const given = CONTACT_ROLES.map((r) => {
      const name = p.text(`${r.field}Name`, input[`${r.field}Name`], 200, false);
      const raw = input[`${r.field}Email`]?.trim().toLowerCase() || null;
      // The address is personal data: the problem names the field, never the address.
      if (raw !== null && (raw.length > 320 || !EMAIL.test(raw)))
        p.add(`${r.field}Email`, 'is not an email address, like name@council.gov.uk');
      return { role: r.code, name, email: raw };
    });
    p.fail('The contacts were not recorded');
    await engagementExists(id);
    await withTransaction(db, async (tx) => {
      for (const g of given) await repo.setContact(tx.kysely, id, g.role, g, now.toISOString());
    });
    log.info({ event: 'evaluation-contacts-set', engagement: id, withEmail: given.filter((g) => g.email).length });
  }

  /** The standard questionnaires and the versions of each loaded as survey definitions. */
  async function questionnaires(v: Viewer) {
    requireManager(v, 'run peer challenge evaluation surveys');
    const loaded = await surveys.definitions();
    return EVALUATION_KINDS.map((kind) => {
      const shipped = standardQuestionnaire(kind) as { title: string; version: number };
      const versions = loaded.filter((d) => d.code === QUESTIONNAIRE_CODES[kind]).map((d) => d.version);
      return { kind, code: QUESTIONNAIRE_CODES[kind], title: shipped.title, shippedVersion: shipped.version, versions };
    });
  }

  /** Loads the shipped questionnaire of a kind (loading it again changes nothing). */
  async function loadQuestionnaire(v: Viewer, kind: string) {
    requireManager(v, 'run peer challenge evaluation surveys');
    const p = new Problems();
    const k = p.oneOf('survey', kind, EVALUATION_KINDS);
    p.fail('The questionnaire was not loaded');
    return surveys.loadDefinition(standardQuestionnaire(k!), actor(v));
  }

  /** The waves of the peer challenge questionnaires, newest first. */
  async function waves(v: Viewer): Promise<(WaveDto & { kind: EvaluationKind })[]> {
    requireManager(v, 'run peer challenge evaluation surveys');
    return (await surveys.waves())
      .flatMap((w) => {
        const kind = kindOf(w.survey);
        return kind ? [{ ...w, kind }] : [];
      })
      .sort((a, b) => b.opensAt.localeCompare(a.opensAt) || b.id - a.id);
  }

  async function evaluationWave(waveId: number) {
    const wave = await surveys.wave(waveId);
    const kind = kindOf(wave.survey);
    if (!kind)
      throw new AppError(
        409,
        'not-a-peer-survey',
        `Wave ${waveId} fields "${wave.survey}", not a peer challenge questionnaire (${Object.values(QUESTIONNAIRE_CODES).join(' or ')}).`,
        [{ field: 'wave', message: 'is not a wave of a peer challenge questionnaire', value: String(waveId) }],
      );
    return { wave, kind };
  }

  /** A wave (personal links) of the latest loaded version of a standard questionnaire. */
  async function createWave(
    v: Viewer,
    input: { survey: string; name: string; opensAt: string; closesAt: string },
  ): Promise<WaveDto> {
    requireManager(v, 'run peer challenge evaluation surveys');
    const p = new Problems();
    const kind = p.oneOf('survey', input.survey, EVALUATION_KINDS);
    p.fail('The wave was not created');
    const code = QUESTIONNAIRE_CODES[kind!];
    const version = (await surveys.definitions()).filter((d) => d.code === code).at(-1)?.version;
    if (version === undefined)
      throw new AppError(409, 'questionnaire-not-loaded', `Load the ${kind} questionnaire (${code}) first.`, [
        { field: 'survey', message: 'is not loaded yet', value: kind! },
      ]);
    return surveys.createWave({ ...input, survey: code, version, mode: 'frame' }, actor(v));
  }

  /**
   * The engagements a wave's frame takes (and, with `build`, the frame built from them): those whose feedback was
   * presented from `from` to `to` (the impact survey: `monthsAfter` months earlier), one per council (its latest),
   * each council asked of its leader and its chief executive. Members already in the frame are left as they are.
   */
  async function frame(v: Viewer, input: FrameInput, build: boolean) {
    requireManager(v, 'run peer challenge evaluation surveys');
    const p = new Problems();
    const from = p.date('from', input.from, true);
    const to = p.date('to', input.to, true);
    if (from && to && to < from) p.add('to', `is before from (${from}): dates out of order`, to);
    const months = input.monthsAfter ?? DEFAULT_MONTHS_AFTER;
    if (!Number.isInteger(months) || months < 1 || months > 36)
      p.add('monthsAfter', 'must be a whole number of months from 1 to 36', input.monthsAfter);
    if (!Number.isInteger(input.wave)) p.add('wave', 'choose a wave');
    p.fail('The frame was not built');
    const { wave, kind } = await evaluationWave(input.wave);
    const shift = kind === 'impact' ? months : 0;
    const feedbackFrom = addMonths(from!, -shift);
    const feedbackTo = addMonths(to!, -shift);
    const dir = await ctx.councils();
    const rows = await repo.feedbackBetween(db.kysely, feedbackFrom, feedbackTo);
    const people = await repo.contacts(
      db.kysely,
      rows.map((r) => r.id),
    );
    const inFrame = new Set(
      (await frames.members(wave.id)).map((m) => `${m.area?.code ?? ''}|${(m.role ?? '').toLowerCase()}`),
    );
    const opens = wave.opensAt.slice(0, 10);
    const latest = new Map<string, number>();
    for (const r of rows) {
      const c = dir.byId.get(r.area_id);
      if (c) latest.set(c.currentCode, r.id);
    }
    const members: { area: string; role: string; contact?: string; email?: string }[] = [];
    const candidates: FrameCandidate[] = rows.map((r) => {
      const c = dir.byId.get(r.area_id)!;
      const current = dir.byCode.get(c.currentCode) ?? c;
      const person = (role: string) => people.find((x) => x.engagement_id === r.id && x.role === role);
      const asked = CONTACT_ROLES.map((role) => ({ role, person: person(role.code) }));
      let outcome: CandidateOutcome = 'included';
      if (latest.get(c.currentCode) !== r.id) outcome = 'later-engagement-of-council';
      else if (current.validTo !== null && current.validTo < opens) outcome = 'not-a-council';
      else if (asked.every((a) => inFrame.has(`${current.code}|${a.role.label.toLowerCase()}`)))
        outcome = 'already-in-frame';
      if (outcome === 'included')
        for (const a of asked)
          if (!inFrame.has(`${current.code}|${a.role.label.toLowerCase()}`))
            members.push({
              area: current.code,
              role: a.role.label,
              ...(a.person?.name ? { contact: a.person.name } : {}),
              ...(a.person?.email ? { email: a.person.email } : {}),
            });
      const shown = (x: (typeof asked)[number]) => ({ name: x.person?.name ?? null, email: !!x.person?.email });
      return {
        engagement: r.id,
        council: { code: current.code, name: current.name },
        kind: r.kind,
        feedbackPresented: r.date,
        leader: shown(asked[0]!),
        chiefExecutive: shown(asked[1]!),
        outcome,
      };
    });
    let added = 0;
    let size = inFrame.size;
    if (build && members.length > 0) {
      const r = await frames.build(wave.id, { members });
      added = r.added;
      size = r.frame;
    }
    if (build)
      log.info({ event: 'evaluation-frame-built', wave: wave.id, survey: kind, engagements: rows.length, added });
    return {
      wave,
      survey: kind,
      from: from!,
      to: to!,
      monthsAfter: kind === 'impact' ? months : null,
      feedbackFrom,
      feedbackTo,
      candidates,
      toAdd: members.length,
      withEmail: members.filter((m) => m.email).length,
      built: build,
      added,
      frame: size,
    };
  }

  /** Emails an invitation (with a personal link) to each frame member with an address who is not yet invited. */
  async function invite(v: Viewer, waveId: number, origin: string) {
    requireManager(v, 'run peer challenge evaluation surveys');
    await evaluationWave(waveId);
    return mailings.invite(waveId, origin, actor(v));
  }

  return {
    contacts,
    setContacts,
    questionnaires,
    loadQuestionnaire,
    evaluationWaves: waves,
    createEvaluationWave: createWave,
    evaluationFrame: frame,
    inviteEvaluation: invite,
  };
}
