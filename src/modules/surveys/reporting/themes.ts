/**
 * Themes on free-text answers: analysts tag each answer with short themes ("communication", "cost") and see how many
 * answers carry each theme. Tags are stored per response and question; replacing an answer's themes is one transaction.
 */
import type { Db } from '../../../platform/db.ts';
import { badRequest, notFound } from '../../../platform/errors.ts';
import { withTransaction } from '../../../platform/transaction.ts';
import { themesRepository } from './themes-repository.ts';

/** Themes are short phrases: trimmed, lower-cased, duplicates removed; commas separate them in a form. */
export function normaliseThemes(raw: string[] | string): string[] {
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean);
  for (const t of list) {
    if (t.length > 60) throw badRequest(`A theme is a short phrase of up to 60 characters ("${t.slice(0, 30)}…" is longer).`, [{ field: 'themes', message: 'up to 60 characters', value: t }]);
  }
  return [...new Set(list)];
}

export function createThemes(db: Db) {
  return {
    async themesOf(question: string, responseIds: number[]): Promise<Map<number, string[]>> {
      const out = new Map<number, string[]>();
      for (let i = 0; i < responseIds.length; i += 500) {
        for (const r of await themesRepository.forResponses(db.kysely, question, responseIds.slice(i, i + 500))) {
          out.set(r.response_id, [...(out.get(r.response_id) ?? []), r.theme]);
        }
      }
      return out;
    },
    /** Replaces the themes of one answer. */
    async tag(responseId: number, question: string, themes: string[], by: string): Promise<string[]> {
      const list = normaliseThemes(themes);
      await withTransaction(db, async (tx) => {
        if (!(await themesRepository.responseExists(tx.kysely, responseId))) throw notFound('Survey response', String(responseId));
        await themesRepository.clear(tx.kysely, responseId, question);
        const at = new Date().toISOString();
        await themesRepository.insert(tx.kysely, list.map((theme) => ({ response_id: responseId, question, theme, tagged_by: by, tagged_at: at })));
      });
      return list;
    },
  };
}

export type Themes = ReturnType<typeof createThemes>;
