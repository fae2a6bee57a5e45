/**
 * Parsed definitions and waves held in memory: a definition version never changes once loaded, so it is parsed once
 * per process (not per page submission); waves are looked up by key at most once a second.
 */
import type { Db } from '../../../platform/db.ts';
import { definitionFromJson, type SurveyDefinition } from '../definition/index.ts';
import { surveysRepository as repo, type WaveRow } from './repository.ts';

const WAVE_TTL_MS = 1000;

export interface SurveyCache {
  definition(id: number): Promise<SurveyDefinition>;
  waveByKey(key: string): Promise<WaveRow | undefined>;
  /** Drops a wave held by key (its dates changed: it was closed). */
  forget(key: string): void;
}

export function createSurveyCache(db: Db): SurveyCache {
  const definitions = new Map<number, Promise<SurveyDefinition>>();
  const waves = new Map<string, { at: number; wave: WaveRow | undefined }>();
  return {
    definition(id) {
      let hit = definitions.get(id);
      if (!hit) {
        hit = repo.definitionById(db.kysely, id).then((row) => {
          if (!row) throw new Error(`survey definition ${id} is missing`);
          return definitionFromJson(JSON.parse(row.source) as unknown, row.code);
        });
        hit.catch(() => definitions.delete(id));
        definitions.set(id, hit);
      }
      return hit;
    },
    async waveByKey(key) {
      const now = Date.now();
      const hit = waves.get(key);
      if (hit && now - hit.at < WAVE_TTL_MS) return hit.wave;
      const wave = await repo.waveByKey(db.kysely, key);
      if (waves.size > 1000) waves.clear();
      waves.set(key, { at: now, wave });
      return wave;
    },
    forget: (key) => void waves.delete(key),
  };
}
