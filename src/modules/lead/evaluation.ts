/**
 * Evaluation of the leadership programmes through the surveys module: the two standard questionnaires (feedback after
 * each module and at the end of the cohort; impact 6–12 months after completion) loaded as survey definitions, waves
 * of them, a wave's frame built from one programme's survey contacts due in a range (each person's own dates, from
 * progress.ts), invitations by email through the surveys module's mailings, and what the take-up report reads back:
 * response rates by survey and the "how would you speak about it" table. A frame member is the participant's council
 * and a role that names the programme, the cohort and the survey point, not the person
 * (`Councillor, academy cohort 3, module 2`; a council's second person in the cohort `… (person 2 from the council)`,
 * the council as the geography resolves it today and the number fixed once issued: frame-numbers.ts),
 * so each participant gets their own link by email while a response is tied to its cohort only: a breakdown by role
 * groups a cohort, and no table or download names a participant. A wave's frame holds one programme's people.
 * Email addresses are never logged.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../platform/errors.ts';
import type { FrameMemberDto, Surveys, WaveDto } from '../surveys/index.ts';
import { Checks, type LeadContext, type Viewer } from './context.ts';
import { frameNumbers } from './frame-numbers.ts';
import type { SurveyContact } from './progress.ts';
import { leadRepository as repo } from './repository.ts';

export const LEAD_SURVEYS = ['feedback', 'impact'] as const;
export type LeadSurvey = (typeof LEAD_SURVEYS)[number];
export const LEAD_QUESTIONNAIRES: Record<LeadSurvey, string> = {
  feedback: 'leadership-feedback',
  impact: 'leadership-impact',
};
/** The survey contacts each questionnaire takes. */
const CONTACT_KINDS: Record<LeadSurvey, readonly string[]> = {
  feedback: ['module-feedback', 'end-feedback'],
  impact: ['impact'],
};
export const ROLE_LABELS: Record<string, string> = {
  leader: 'Leader',
  'cabinet-member': 'Cabinet member',
  'committee-chair': 'Committee chair',
  councillor: 'Councillor',
  officer: 'Officer',
};
/** The code of the feedback question the Academy's "how would you speak about it" table comes from. */
export const SPEAK_QUESTION = 'SPEAK';

export const leadQuestionnaire = (kind: LeadSurvey): { title: string; version: number } =>
  JSON.parse(readFileSync(new URL(`./questionnaires/${LEAD_QUESTIONNAIRES[kind]}.json`, import.meta.url), 'utf8'));
const kindOf = (code: string): LeadSurvey | undefined => LEAD_SURVEYS.find((k) => LEAD_QUESTIONNAIRES[k] === code);

/**
 * The frame role of a survey contact: role, programme, cohort and survey point; `nth` (the person's number among their
 * council's people in the cohort, frame-numbers.ts) keeps two people of one council apart.
 */
export const memberRole = (
  c: Pick<SurveyContact, 'role' | 'kind' | 'module' | 'programme' | 'cohort'>,
  nth = 1,
): string =>
  `${ROLE_LABELS[c.role] ?? c.role}, ${c.programme} cohort ${c.cohort}${
    c.kind === 'module-feedback' ? `, module ${c.module}` : c.kind === 'end-feedback' ? ', end of course' : ', impact'
  }${nth > 1 ? ` (person ${nth} from the council)` : ''}`;
/** The programme a frame role names (and, for frames built before roles named cohorts, via the participant). */
const programmeIn = (role: string | null, owners: Map<number, string>): string | undefined => {
  const m = /^[^,]+, (.+?) cohort \d+/.exec(role ?? '');
  if (m) return m[1];
  const old = /\(participant (\d+)/.exec(role ?? '');
  return old ? owners.get(Number(old[1])) : undefined;
};

export interface LeadFrameInput {
  wave?: number;
  programme?: string;
  from?: string;
  to?: string;
}

export function evaluationService(
  ctx: LeadContext,
  surveysDue: (v: Viewer, q: { from: string; to: string }) => Promise<SurveyContact[]>,
) {
  const { db } = ctx;
  const need = (): Surveys => {
    if (!ctx.surveys) throw new AppError(503, 'surveys-unavailable', 'The surveys module is not wired in.');
    return ctx.surveys;
  };
  const actor = (v: Viewer) => ({ name: v!.name });
  const run = (v: Viewer) => ctx.requireOffice(v, 'run leadership evaluation surveys');

  async function questionnaires(v: Viewer) {
    run(v);
    const loaded = await need().surveys.definitions();
    return LEAD_SURVEYS.map((kind) => {
      const q = leadQuestionnaire(kind);
      const code = LEAD_QUESTIONNAIRES[kind];
      const versions = loaded.filter((d) => d.code === code).map((d) => d.version);
      return { kind, code, title: q.title, shippedVersion: q.version, versions };
    });
  }

  async function loadQuestionnaire(v: Viewer, kind: string) {
    run(v);
    const c = new Checks();
    const k = c.oneOf('survey', kind, LEAD_SURVEYS);
    c.fail('The questionnaire was not loaded');
    return need().surveys.loadDefinition(leadQuestionnaire(k), actor(v));
  }

  /** Every wave of the leadership questionnaires, newest first. */
  async function leadWaves(): Promise<(WaveDto & { kind: LeadSurvey })[]> {
    return (await need().surveys.waves())
      .flatMap((w) => {
        const kind = kindOf(w.survey);
        return kind ? [{ ...w, kind }] : [];
      })
      .sort((a, b) => b.opensAt.localeCompare(a.opensAt) || b.id - a.id);
  }
  const waves = async (v: Viewer) => (run(v), leadWaves());

  async function createWave(v: Viewer, input: { survey?: string; name?: string; opensAt?: string; closesAt?: string }) {
    run(v);
    const c = new Checks();
    const kind = c.oneOf('survey', input.survey, LEAD_SURVEYS);
    c.fail('The wave was not created');
    const code = LEAD_QUESTIONNAIRES[kind];
    const version = (await need().surveys.definitions()).filter((d) => d.code === code).at(-1)?.version;
    if (version === undefined)
      throw new AppError(409, 'questionnaire-not-loaded', `Load the ${kind} questionnaire (${code}) first.`, [
        { field: 'survey', message: 'is not loaded yet: load the questionnaire first', value: kind },
      ]);
    return need().surveys.createWave(
      {
        survey: code,
        version,
        name: input.name ?? '',
        opensAt: input.opensAt ?? '',
        closesAt: input.closesAt ?? '',
        mode: 'frame',
      },
      actor(v),
    );
  }

  /** Each participant's programme code, by participant id. */
  async function programmeOf(): Promise<Map<number, string>> {
    return (await owners()).programme;
  }
  /**
   * Each participant's programme code; the council the geography makes of their council today (the current council
   * it passed whole into by a merger or a new code, else its own current code), whose code a frame member carries;
   * and their number among that council's people in the cohort (frame-numbers.ts), by participant id.
   */
  async function owners() {
    const [participants, cohorts, programmes, dir, lineage] = await Promise.all([
      repo.participants(db.kysely),
      repo.cohorts(db.kysely),
      repo.programmes(db.kysely),
      ctx.councils(),
      ctx.areas.lineage(),
    ]);
    const code = new Map(cohorts.map((c) => [c.id, programmes.find((p) => p.id === c.programme_id)?.code ?? '']));
    const today = new Map<number, string>();
    for (const c of dir.current) for (const id of lineage.sameCouncil(c.id)) today.set(id, c.code);
    const council = new Map(
      participants.map((p) => [p.id, today.get(p.area_id) ?? dir.byId.get(p.area_id)?.currentCode ?? '']),
    );
    const nth = frameNumbers(
      participants.map((p) => ({ id: p.id, group: `${p.cohort_id}|${council.get(p.id)}`, issued: p.frame_number })),
    );
    const issued = new Map(participants.map((p) => [p.id, p.frame_number]));
    return { programme: new Map(participants.map((p) => [p.id, code.get(p.cohort_id) ?? ''])), council, nth, issued };
  }

  /**
   * The programme's survey contacts due from `from` to `to` that the wave's questionnaire takes (feedback: after each
   * module and at the end; impact: 6–12 months after completion), and with `build` the frame built from them. Contacts
   * already in the frame are left as they are; a wave of another programme's people is refused.
   */
  async function frame(v: Viewer, input: LeadFrameInput, build: boolean) {
    run(v);
    const c = new Checks();
    const from = c.date('from', input.from);
    const to = c.date('to', input.to);
    if (from && to && to < from) c.add('to', `is before from (${from}): dates out of order`, to);
    const programme = (await repo.programmes(db.kysely)).find((p) => p.code === input.programme);
    if (!programme) c.add('programme', 'is not a programme: choose one', input.programme);
    if (!Number.isInteger(input.wave)) c.add('wave', 'choose a wave');
    c.fail('The frame was not built');
    const s = need();
    const wave = await s.surveys.wave(input.wave!);
    const kind = kindOf(wave.survey);
    if (!kind)
      throw new AppError(409, 'not-a-leadership-survey', `Wave ${wave.id} fields "${wave.survey}".`, [
        { field: 'wave', message: 'is not a wave of a leadership questionnaire', value: String(wave.id) },
      ]);
    const own = await owners();
    const members = await s.frames.members(wave.id);
    const other = members.map((m) => programmeIn(m.role, own.programme)).find((p) => p && p !== programme!.code);
    if (other)
      throw new AppError(409, 'wave-of-another-programme', `Wave ${wave.id} already asks people of ${other}.`, [
        { field: 'wave', message: `already asks people of ${other}: open a wave for ${programme!.code}` },
      ]);
    // A member is a council and a role: the same role from two councils is two members.
    const key = (area: string, role: string | null) => `${area}|${(role ?? '').toLowerCase()}`;
    const inFrame = new Set(members.map((m) => key(m.area?.code ?? '', m.role)));
    const due = (await surveysDue(v, { from, to })).filter(
      (x) => x.programme === programme!.code && CONTACT_KINDS[kind].includes(x.kind),
    );
    const toAdd = due
      .map((x) => ({
        participant: x.participant,
        area: own.council.get(x.participant) || x.council,
        role: memberRole(x, own.nth.get(x.participant)),
        contact: x.name,
        email: x.email,
      }))
      .filter((m) => !inFrame.has(key(m.area, m.role)));
    let added = 0;
    let size = members.length;
    if (build && toAdd.length) {
      ({ added, frame: size } = await s.frames.build(wave.id, {
        members: toAdd.map(({ participant: _, ...m }) => m),
      }));
      // The numbers these members carry are issued now: fixed, so that no later change moves them.
      const fresh = toAdd.filter((m) => own.issued.get(m.participant) === null);
      await repo.fixFrameNumbers(db.kysely, new Map(fresh.map((m) => [m.participant, own.nth.get(m.participant)!])));
    }
    if (build) ctx.log.info({ event: 'lead-frame-built', wave: wave.id, survey: kind, due: due.length, added });
    return {
      wave,
      survey: kind,
      programme: programme!.code,
      from,
      to,
      due: due.length,
      toAdd: toAdd.length,
      added,
      frame: size,
    };
  }

  /** Emails an invitation with a personal link to each member of the wave's frame not yet invited. */
  async function invite(v: Viewer, waveId: number, origin: string) {
    run(v);
    const wave = await need().surveys.wave(waveId);
    if (!kindOf(wave.survey))
      throw new AppError(409, 'not-a-leadership-survey', `Wave ${waveId} is not a wave of a leadership questionnaire.`);
    return need().mailings.invite(waveId, origin, actor(v));
  }

  /** The programme's waves of each survey with their members (only the programme's people). */
  async function programmeWaves(code: string) {
    if (!ctx.surveys) return [];
    const owners = await programmeOf();
    const out: { wave: WaveDto & { kind: LeadSurvey }; members: FrameMemberDto[] }[] = [];
    for (const w of await leadWaves()) {
      const members = (await ctx.surveys.frames.members(w.id)).filter((m) => programmeIn(m.role, owners) === code);
      if (members.length) out.push({ wave: w, members });
    }
    return out;
  }

  /**
   * What the take-up report reads from the surveys: per survey the people asked and those who answered (response
   * rate), and the feedback survey's "how would you speak about it" table with its base (null with the reason when
   * there is nothing to show).
   */
  async function surveyResults(code: string) {
    const ws = await programmeWaves(code);
    const rates = LEAD_SURVEYS.map((kind) => {
      const members = ws.filter((w) => w.wave.kind === kind).flatMap((w) => w.members);
      const answered = members.filter((m) => m.status === 'submitted').length;
      return { survey: kind, waves: ws.filter((w) => w.wave.kind === kind).length, asked: members.length, answered };
    });
    const feedback = ws.filter((w) => w.wave.kind === 'feedback' && w.members.some((m) => m.status === 'submitted'));
    let speak: {
      question: string;
      rows: { label: string; net: boolean; display: string }[];
      asked: number;
      answered: number;
    } | null = null;
    let speakMissing = 'No one has answered the feedback survey for this programme yet.';
    if (feedback.length && ctx.surveys) {
      const t = await ctx.surveys.tables.tables({ waves: feedback.map((w) => w.wave.id) });
      const table = t.tabulation.tables.find((x) => x.code === SPEAK_QUESTION);
      if (!table) speakMissing = `The feedback questionnaire loaded has no question ${SPEAK_QUESTION}.`;
      else
        speak = {
          question: table.title,
          rows: table.rows.map((r) => ({ label: r.label, net: r.net, display: r.cells[0]?.display ?? '-' })),
          asked: table.bases[0]?.asked ?? 0,
          answered: table.bases[0]?.answered ?? 0,
        };
    }
    return { rates, speak, speakMissing: speak ? null : speakMissing };
  }

  return {
    leadQuestionnaires: questionnaires,
    loadLeadQuestionnaire: loadQuestionnaire,
    leadWaves: waves,
    createLeadWave: createWave,
    leadFrame: frame,
    inviteLead: invite,
    surveyResults,
  };
}
