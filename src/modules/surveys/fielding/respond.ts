/**
 * The respondent's side: a link's token checked (unknown, wrong-wave and malformed tokens all get the same 404, so
 * nothing can be learnt by guessing), each page's answer saved at once (save and resume) in one transaction with its
 * history row, stale tabs handled without losing anything, and submission.
 *
 * Stale tabs: every form carries the revision it was rendered from. A post from an older revision is always written to
 * the history. It is applied when this page's answer has not changed since that revision (or already equals what was
 * posted); otherwise the current answer is kept and the page is shown again with the current answer, the posted one and
 * an explanation, so the respondent chooses (their other answer is in the history either way).
 */
import type { Db } from '../../../platform/db.ts';
import { AppError, notFound } from '../../../platform/errors.ts';
import type { AnswerValue, Answers, SurveyDefinition } from '../definition/index.ts';
import type { SurveyCache } from './cache.ts';
import {
  findPage,
  missingRequired,
  pageValue,
  parsePageAnswer,
  pruneSkipped,
  sameValue,
  withPageValue,
  type Page,
  type Posted,
} from './rules.ts';
import { hashToken, newToken } from './frames.ts';
import { surveysRepository as repo, type ResponseRow, type TokenHit, type WaveRow } from './repository.ts';
import { stateOf, type WaveState } from './service.ts';

export interface Access {
  wave: WaveRow;
  def: SurveyDefinition;
  respondent: TokenHit;
  answers: Answers;
  revision: number;
  state: WaveState;
  submittedAt: string | null;
  /** Changes saved since the last submission. */
  changedSinceSubmission: boolean;
}

export type SaveResult =
  | { kind: 'invalid'; page: Page; error: string; raw: Posted }
  | { kind: 'saved'; page: Page; answers: Answers; revision: number; removed: string[] }
  | {
      kind: 'conflict';
      page: Page;
      answers: Answers;
      revision: number;
      current: AnswerValue | undefined;
      posted: AnswerValue | undefined;
    };

export type SubmitResult =
  { kind: 'submitted'; revision: number } | { kind: 'stale' } | { kind: 'missing'; pages: Page[] };

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** One answer for every link problem: a wrong, foreign or malformed token is indistinguishable from an unknown one. */
export const linkNotFound = () =>
  new AppError(
    404,
    'survey-link-not-found',
    'We do not recognise this survey link. Check that you copied the whole link from the message you were sent, or ask the team who sent it for a new one.',
  );

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || /UNIQUE constraint failed/i.test(err.message ?? '');
};

export function createRespond(db: Db, cache: SurveyCache) {
  const k = db.kysely;
  const parse = (s: string | null | undefined): Answers => (s ? (JSON.parse(s) as Answers) : {});

  /** Runs fn in one transaction; a first save racing another tab's first save is retried once. */
  async function tx<T>(fn: (trx: typeof k) => Promise<T>): Promise<T> {
    try {
      return await k.transaction().execute(fn);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return k.transaction().execute(fn);
    }
  }

  async function currentResponse(trx: typeof k, a: Access, now: string): Promise<ResponseRow> {
    const cur = await repo.responseForUpdate(trx, db.dialect, a.respondent.respondent_id);
    if (cur) return cur;
    const row = {
      wave_id: a.wave.id,
      respondent_id: a.respondent.respondent_id,
      status: 'in-progress',
      answers: '{}',
      revision: 0,
      submitted_answers: null,
      submitted_revision: null,
      submissions: 0,
      started_at: now,
      updated_at: now,
      submitted_at: null,
    };
    return { id: await repo.insertResponse(trx, row), ...row };
  }

  return {
    /** The wave, definition and respondent behind a link; throws the one 404 for anything not right. */
    async resolve(key: string, token: string): Promise<Access> {
      if (!TOKEN_PATTERN.test(token) || key.length > 40) throw linkNotFound();
      const wave = await cache.waveByKey(key);
      if (!wave) throw linkNotFound();
      const hit = await repo.byToken(k, hashToken(token));
      if (!hit || hit.wave_id !== wave.id) throw linkNotFound();
      return {
        wave,
        def: await cache.definition(wave.definition_id),
        respondent: hit,
        answers: parse(hit.answers),
        revision: hit.revision ?? 0,
        state: stateOf(wave),
        submittedAt: hit.submitted_at,
        changedSinceSubmission: hit.submitted_revision !== null && (hit.revision ?? 0) > hit.submitted_revision,
      };
    },

    /** A wave by its key, for its open link. */
    async waveByKey(key: string): Promise<{ wave: WaveRow; def: SurveyDefinition; state: WaveState }> {
      const wave = key.length <= 40 ? await cache.waveByKey(key) : undefined;
      if (!wave) throw notFound('Survey', key);
      return { wave, def: await cache.definition(wave.definition_id), state: stateOf(wave) };
    },

    /** A new anonymous respondent of an open wave, with their own token (their address to resume from). */
    async startAnonymous(wave: WaveRow): Promise<string> {
      if (wave.mode !== 'open') throw notFound('Survey', wave.key);
      const token = newToken();
      await repo.insertRespondent(k, {
        wave_id: wave.id,
        kind: 'anonymous',
        area_code: null,
        area_name: null,
        authority_type: null,
        region_code: null,
        region_name: null,
        role: null,
        contact_name: null,
        token_hash: hashToken(token),
        token_issued_at: new Date().toISOString(),
        created_at: new Date().toISOString(),
      });
      return token;
    },

    /**
     * Saves one page's answer (see the rules for stale tabs above); answers routing now skips are removed (kept in the
     * history).
     */
    async save(a: Access, pageKey: string, formRevision: number, posted: Posted): Promise<SaveResult> {
      const page = findPage(a.def, pageKey);
      if (!page) throw notFound('Question', pageKey);
      const parsed = parsePageAnswer(page, posted);
      if (!parsed.ok) return { kind: 'invalid', page, error: parsed.error, raw: parsed.raw };
      const value = parsed.value;
      // Fast path: the form is current (the usual case) — one round trip, no lock.
      if (a.respondent.response_id !== null && formRevision === a.revision) {
        const pruned = pruneSkipped(a.def, withPageValue(a.answers, page, value));
        const text = JSON.stringify(pruned.answers);
        const note = pruned.removed.length > 0 ? JSON.stringify({ removed: pruned.removed }) : null;
        const at = new Date().toISOString();
        if (
          await repo.saveIfCurrent(db, {
            responseId: a.respondent.response_id,
            fromRevision: formRevision,
            answers: text,
            page: page.key,
            posted: JSON.stringify(value ?? null),
            note,
            at,
          })
        ) {
          return { kind: 'saved', page, answers: pruned.answers, revision: formRevision + 1, removed: pruned.removed };
        }
      }
      return tx(async (trx) => {
        const now = new Date().toISOString();
        const cur = await currentResponse(trx, a, now);
        const answers = parse(cur.answers);
        const stale = formRevision !== cur.revision;
        const history = { response_id: cur.id, page: page.key, posted: JSON.stringify(value ?? null), at: now };
        if (stale) {
          const then =
            formRevision === 0
              ? '{}'
              : formRevision > 0 && formRevision < cur.revision
                ? await repo.answersAt(trx, cur.id, formRevision)
                : undefined;
          const unchanged = then !== undefined && sameValue(pageValue(parse(then), page), pageValue(answers, page));
          if (!unchanged && !sameValue(pageValue(answers, page), value)) {
            await repo.insertHistory(trx, {
              ...history,
              revision: cur.revision,
              event: 'stale-conflict',
              answers: cur.answers,
              note: JSON.stringify({ formRevision }),
            });
            return {
              kind: 'conflict',
              page,
              answers,
              revision: cur.revision,
              current: pageValue(answers, page),
              posted: value,
            };
          }
        }
        const pruned = pruneSkipped(a.def, withPageValue(answers, page, value));
        const revision = cur.revision + 1;
        const text = JSON.stringify(pruned.answers);
        await repo.updateResponse(trx, cur.id, { answers: text, revision, updated_at: now });
        const note =
          pruned.removed.length > 0 || stale
            ? JSON.stringify({
                ...(pruned.removed.length ? { removed: pruned.removed } : {}),
                ...(stale ? { formRevision } : {}),
              })
            : null;
        await repo.insertHistory(trx, {
          ...history,
          revision,
          event: stale ? 'stale-applied' : 'save',
          answers: text,
          note,
        });
        return { kind: 'saved', page, answers: pruned.answers, revision, removed: pruned.removed };
      });
    },

    /**
     * Submits the answers as they stand (again after changes: a new revision; the earlier ones stay in the history).
     */
    async submit(a: Access, formRevision: number): Promise<SubmitResult> {
      return tx(async (trx) => {
        const now = new Date().toISOString();
        const cur = await currentResponse(trx, a, now);
        if (formRevision !== cur.revision) return { kind: 'stale' };
        const answers = parse(cur.answers);
        const missing = missingRequired(a.def, answers);
        if (missing.length > 0) return { kind: 'missing', pages: missing };
        const revision = cur.revision + 1;
        await repo.updateResponse(trx, cur.id, {
          status: 'submitted',
          revision,
          submitted_answers: cur.answers,
          submitted_revision: revision,
          submissions: cur.submissions + 1,
          submitted_at: now,
          updated_at: now,
        });
        await repo.insertHistory(trx, {
          response_id: cur.id,
          revision,
          event: 'submit',
          page: null,
          posted: null,
          answers: cur.answers,
          note: cur.submissions > 0 ? JSON.stringify({ resubmission: cur.submissions + 1 }) : null,
          at: now,
        });
        return { kind: 'submitted', revision };
      });
    },

    /** A post after the wave closed: not applied, but kept in the history so that nothing a respondent sent is lost. */
    async late(a: Access, pageKey: string, posted: Posted): Promise<void> {
      await tx(async (trx) => {
        const now = new Date().toISOString();
        const cur = await currentResponse(trx, a, now);
        await repo.insertHistory(trx, {
          response_id: cur.id,
          revision: cur.revision,
          event: 'late',
          page: pageKey,
          posted: JSON.stringify(posted ?? null),
          answers: cur.answers,
          note: null,
          at: now,
        });
      });
    },

    history: async (a: Access) => (a.respondent.response_id === null ? [] : repo.history(k, a.respondent.response_id)),
  };
}
export type Respond = ReturnType<typeof createRespond>;
