/**
 * Themes on free-text answers: analysts tag each answer with short themes ("communication", "cost") and see how many
 * answers carry each theme. Tags are stored per response and question; replacing an answer's themes is one transaction.
 */
import type { Db } from '../../../platform/db.ts';
import { badRequest, notFound } from '../../../platform/errors.ts';
import { withTransaction } from '../../../platform/transaction.ts';
import { themesRepository } from './themes-repository.ts';
import type { TextAnswer } from './wave-tables.ts';

/** Themes are short phrases: trimmed, lower-cased, duplicates removed; commas separate them in a form. */
export function normaliseThemes(raw: string[] | string): string[] {
  const list = (Array.isArray(raw) ? raw : [raw])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim().toLowerCase().replace(/\s+/g, ' '))
    .filter(Boolean);
  for (const t of list) {
    if (t.length > 60) {
      const detail = `A theme is a short phrase of up to 60 characters ("${t.slice(0, 30)}…" is longer).`;
      throw badRequest(detail, [{ field: 'themes', message: 'up to 60 characters', value: t }]);
    }
  }
  return [...new Set(list)];
}

/** Free-text answers with their themes, how many answers carry each theme (most first) and how many carry none. */
export function withThemes<T extends { answers: Pick<TextAnswer, 'responseId'>[] }>(
  t: T,
  tagged: Map<number, string[]>,
) {
  const answers = t.answers.map((a: T['answers'][number]) => ({ ...a, themes: tagged.get(a.responseId) ?? [] }));
  const counts = new Map<string, number>();
  for (const a of answers) for (const th of a.themes) counts.set(th, (counts.get(th) ?? 0) + 1);
  const themeCounts = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([theme, n]) => ({ theme, answers: n }));
  return { ...t, answers, themeCounts, untagged: answers.filter((a) => a.themes.length === 0).length };
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
        const exists = await themesRepository.responseExists(tx.kysely, responseId);
        if (!exists) throw notFound('Survey response', String(responseId));
        await themesRepository.clear(tx.kysely, responseId, question);
        const at = new Date().toISOString();
        const rows = list.map((theme) => ({ response_id: responseId, question, theme, tagged_by: by, tagged_at: at }));
        await themesRepository.insert(tx.kysely, rows);
      });
      return list;
    },
  };
}

export type Themes = ReturnType<typeof createThemes>;
