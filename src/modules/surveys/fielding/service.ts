/**
 * Survey fielding for analysts: questionnaire versions, waves on one version, live response rates and the raw
 * responses (analysts only). Frames and links are in frames.ts; the respondent's journey in respond.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { londonStartOfDay } from '../../../platform/dates.ts';
import type { Db } from '../../../platform/db.ts';
import type { Logger } from '../../../platform/logger.ts';
import { AppError, badRequest, invalidParameter, notFound, type FieldError } from '../../../platform/errors.ts';
import { typeInfo } from '../../areas/index.ts';
import { definitionFromJson, responseColumns, type Answers, type SurveyDefinition } from '../definition/index.ts';
import type { SurveyCache } from './cache.ts';
import { responsesCsvColumns } from './csv.ts';
import { responseRates, type ResponseRates } from './rates.ts';
import { surveysRepository as repo, type DefinitionRow, type WaveRow } from './repository.ts';

export interface DefinitionSummary {
  code: string;
  version: number;
  title: string;
  questions: number;
  fingerprint: string;
  loadedBy: string | null;
  loadedAt: string;
}
export interface DefinitionDetail extends DefinitionSummary {
  /** The normalised definition every survey feature works on. */
  definition: SurveyDefinition;
  /** The SurveyJS JSON as loaded. */
  source: unknown;
}
export type WaveMode = 'frame' | 'open';
export type WaveState = 'scheduled' | 'open' | 'closed';
export interface WaveDto {
  id: number;
  survey: string;
  version: number;
  name: string;
  mode: WaveMode;
  opensAt: string;
  closesAt: string;
  state: WaveState;
  /** The open (anonymous) link's path for an open wave; null for a frame wave. */
  openLink: string | null;
  createdBy: string | null;
  createdAt: string;
}
export interface WaveInput {
  survey: string;
  version: number;
  name: string;
  mode: WaveMode;
  opensAt: string;
  closesAt: string;
}
export type Cell = string | number | null;
export interface ResponsesTable {
  wave: WaveDto;
  /** The CSV's columns: RESPONSE_META_COLUMNS then the answers (responseColumns). */
  columns: string[];
  /** Further fields of each JSON row. */
  detailColumns: string[];
  rows: Record<string, Cell>[];
}
export interface Actor {
  name: string;
}

export const stateOf = (w: Pick<WaveRow, 'opens_at' | 'closes_at'>, now = new Date().toISOString()): WaveState =>
  now < w.opens_at ? 'scheduled' : now >= w.closes_at ? 'closed' : 'open';

export const toWaveDto = (w: WaveRow): WaveDto => ({
  id: w.id,
  survey: w.survey_code,
  version: w.version,
  name: w.name,
  mode: w.mode as WaveMode,
  opensAt: w.opens_at,
  closesAt: w.closes_at,
  state: stateOf(w),
  openLink: w.mode === 'open' ? `/s/${w.key}` : null,
  createdBy: w.created_by,
  createdAt: w.created_at,
});

const summary = (
  r: Pick<DefinitionRow, 'code' | 'version' | 'title' | 'fingerprint' | 'loaded_by' | 'loaded_at'>,
  questions: number,
): DefinitionSummary => ({
  code: r.code,
  version: r.version,
  title: r.title,
  questions,
  fingerprint: r.fingerprint,
  loadedBy: r.loaded_by,
  loadedAt: r.loaded_at,
});

/**
 * `2026-12-01` (the start of that day, or with `end`, the start of the next) or a full ISO 8601 instant, as UTC ISO
 * text.
 */
export function parseInstant(field: string, raw: string, end = false): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  // A date alone is a day in London: it opens at the start of that day and closes at its end (the next day's start).
  const d = new Date(dateOnly ? `${raw}T00:00:00Z` : raw);
  if (
    Number.isNaN(d.getTime()) ||
    !(dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw))
  ) {
    throw invalidParameter(
      field,
      'is not a date (YYYY-MM-DD) or an ISO 8601 date and time with a zone (2026-12-01T09:00:00Z)',
      raw,
    );
  }
  if (dateOnly && d.toISOString().slice(0, 10) !== raw) throw invalidParameter(field, 'is not a real date', raw);
  if (dateOnly && end) d.setUTCDate(d.getUTCDate() + 1);
  return dateOnly ? londonStartOfDay(d.toISOString().slice(0, 10)).toISOString() : d.toISOString();
}

/**
 * The instant a day starts in Europe/London (midnight, GMT or BST), as UTC ISO text: waves opened and closed from the
 * pages are dated in London. `day` is YYYY-MM-DD; `plusDays` moves it first (1: the start of the next day).
 */
export function londonDayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d + plusDays);
  // At 00:00 UTC London reads 00:00 (GMT) or 01:00 (BST); the clocks change at 01:00 UTC, so that hour is the day's.
  const londonHour = Number(
    new Date(utcMidnight).toLocaleString('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hour12: false }),
  );
  return new Date(utcMidnight - (londonHour % 24) * 3_600_000).toISOString();
}

/**
 * One wide row's answer cells, by responseColumns: multiple choice 1/0 (empty when not answered), grid rows as codes.
 */
export function answerCells(def: SurveyDefinition, answers: Answers): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const q of def.questions) {
    const v = answers[q.code];
    for (const col of responseColumns(q)) {
      if (v === undefined) out[col.name] = null;
      else if (q.kind === 'multiple') out[col.name] = Array.isArray(v) ? (v.includes(col.part!) ? 1 : 0) : null;
      else if (q.kind === 'grid')
        out[col.name] = typeof v === 'object' && !Array.isArray(v) ? (v[col.part!] ?? null) : null;
      else out[col.name] = typeof v === 'object' ? JSON.stringify(v) : v;
    }
  }
  return out;
}

/**
 * The columns `sli survey tabulate` knows (wave and authority type and region as breakdowns, respondent_id for panels).
 */
export const RESPONSE_META_COLUMNS = [
  'wave',
  'respondent_id',
  'submitted_at',
  'authority_type',
  'region',
  'role',
] as const;
/** More about each response, in the JSON only (the CSV stays the file tabulate reads without unknown columns). */
export const RESPONSE_DETAIL_COLUMNS = [
  'response_id',
  'status',
  'revision',
  'area_code',
  'area_name',
  'region_code',
] as const;

/** `log` gets one info line per definition version stored and per wave created (never answers, tokens or contacts). */
export function createSurveysService(db: Db, cache: SurveyCache, log: Logger) {
  const k = db.kysely;
  async function waveRow(id: number): Promise<WaveRow> {
    const w = await repo.wave(k, id);
    if (!w) throw notFound('Survey wave', String(id));
    return w;
  }

  return {
    waveRow,

    /**
     * Loads a SurveyJS definition as a new version of its code (higher than every earlier one); the same version again
     * with the same content changes nothing.
     */
    async loadDefinition(json: unknown, by: Actor): Promise<{ created: boolean; definition: DefinitionSummary }> {
      const def = definitionFromJson(json);
      const source = JSON.stringify(json);
      const fingerprint = createHash('sha256').update(source).digest('hex');
      const existing = await repo.definition(k, def.code, def.version);
      if (existing) {
        if (existing.fingerprint === fingerprint)
          return { created: false, definition: summary(existing, def.questions.length) };
        throw new AppError(
          409,
          'version-exists',
          `Version ${def.version} of "${def.code}" is already loaded with different content; versions never change. Give this one a higher version.`,
          [{ field: 'version', message: 'already loaded', value: String(def.version) }],
        );
      }
      const max = await repo.maxVersion(k, def.code);
      if (max !== null && def.version <= max) {
        throw new AppError(
          409,
          'version-not-higher',
          `A new version of "${def.code}" must be higher than ${max}, the highest loaded.`,
          [{ field: 'version', message: `must be higher than ${max}`, value: String(def.version) }],
        );
      }
      const row = {
        code: def.code,
        version: def.version,
        title: def.title,
        source,
        fingerprint,
        loaded_by: by.name,
        loaded_at: new Date().toISOString(),
      };
      await repo.insertDefinition(k, row);
      const context = { survey: def.code, version: def.version, questions: def.questions.length };
      log.info(context, 'survey definition version stored');
      return { created: true, definition: summary(row, def.questions.length) };
    },

    async definitions(): Promise<DefinitionSummary[]> {
      const rows = await repo.definitions(k);
      return Promise.all(rows.map(async (r) => summary(r, (await cache.definition(r.id)).questions.length)));
    },

    async definition(code: string, version: number): Promise<DefinitionDetail> {
      const r = await repo.definition(k, code, version);
      if (!r) throw notFound('Survey definition', `${code} version ${version}`);
      const def = await cache.definition(r.id);
      return { ...summary(r, def.questions.length), definition: def, source: JSON.parse(r.source) as unknown };
    },

    /** A wave puts one version in the field between two dates, to a frame (personal links) or open (anonymous). */
    async createWave(input: WaveInput, by: Actor): Promise<WaveDto> {
      const errors: FieldError[] = [];
      const name = input.name.trim();
      if (!name) errors.push({ field: 'name', message: 'give the wave a name, e.g. "Autumn 2026"' });
      if (input.mode !== 'frame' && input.mode !== 'open')
        errors.push({
          field: 'mode',
          message: 'is frame (personal links) or open (an anonymous link)',
          value: String(input.mode),
        });
      const opensAt = parseInstant('opensAt', input.opensAt);
      const closesAt = parseInstant('closesAt', input.closesAt, true);
      if (closesAt <= opensAt)
        errors.push({ field: 'closesAt', message: 'must be after the opening date', value: input.closesAt });
      if (errors.length > 0)
        throw badRequest(
          `The wave has ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
          errors,
        );
      const d = await repo.definition(k, input.survey, input.version);
      if (!d)
        throw new AppError(
          400,
          'unknown-definition',
          `No version ${input.version} of survey "${input.survey}" is loaded; load the definition first.`,
          [{ field: 'version', message: 'not loaded', value: String(input.version) }],
        );
      const id = await repo.insertWave(k, {
        definition_id: d.id,
        survey_code: d.code,
        version: d.version,
        name,
        mode: input.mode,
        key: randomBytes(12).toString('base64url'),
        opens_at: opensAt,
        closes_at: closesAt,
        created_by: by.name,
        created_at: new Date().toISOString(),
      });
      const wave = toWaveDto(await waveRow(id));
      // A wave's state follows from its dates (stateOf), set here and never changed: its dates are what is logged.
      log.info(
        { waveId: id, survey: d.code, version: d.version, mode: wave.mode, opensAt, closesAt, state: wave.state },
        'survey wave created',
      );
      return wave;
    },

    waves: async (survey?: string): Promise<WaveDto[]> => (await repo.waves(k, survey)).map(toWaveDto),
    wave: async (id: number): Promise<WaveDto> => toWaveDto(await waveRow(id)),

    /** Respondents, frame size and rate by authority type, by region and overall, computed live from the tables. */
    async responseRates(id: number): Promise<ResponseRates> {
      const wave = toWaveDto(await waveRow(id));
      return responseRates(wave, await repo.rates(k, id), new Date().toISOString());
    },

    /**
     * How many frame members share each authority type and region, named as the responses name them (empty for an
     * open wave): the population the free-text labels are checked against.
     */
    async frameLabels(
      id: number,
    ): Promise<Array<{ authorityType: string | null; region: string | null; members: number }>> {
      await waveRow(id);
      return (await repo.rates(k, id))
        .filter((r) => r.kind === 'frame')
        .map((r) => ({
          authorityType: r.authority_type ? typeInfo(r.authority_type).name : null,
          region: r.region_name,
          members: Number(r.members),
        }));
    },

    /**
     * The raw responses, one wide row each (analysts only): submitted answers, or with `all` the working copies of
     * those not yet submitted too.
     */
    /** The wide responses file's columns described from the questionnaire (the CSV's header and its metadata). */
    async responsesCsvColumns(id: number) {
      const w = await waveRow(id);
      return { wave: toWaveDto(w), columns: responsesCsvColumns(await cache.definition(w.definition_id)) };
    },

    async responses(id: number, include: 'submitted' | 'all'): Promise<ResponsesTable> {
      const w = await waveRow(id);
      const def = await cache.definition(w.definition_id);
      const rows = await repo.responses(k, id, include === 'submitted');
      const answerColumns = def.questions.flatMap((q) => responseColumns(q).map((c) => c.name));
      return {
        wave: toWaveDto(w),
        columns: [...RESPONSE_META_COLUMNS, ...answerColumns],
        detailColumns: [...RESPONSE_DETAIL_COLUMNS],
        rows: rows.map((r) => {
          const submitted = r.submitted_answers !== null;
          const answers = JSON.parse(submitted ? r.submitted_answers! : r.answers) as Answers;
          return {
            wave: w.name,
            // Stable across waves for a frame member (council and role), so panels can be matched; anonymous
            // respondents by response.
            respondent_id: r.area_code ? `${r.area_code}/${r.role ?? ''}` : `anonymous-${r.id}`,
            submitted_at: r.submitted_at,
            authority_type: r.authority_type ? typeInfo(r.authority_type).name : null,
            region: r.region_name,
            role: r.role,
            ...answerCells(def, answers),
            response_id: r.id,
            status: r.status,
            revision: submitted ? r.submitted_revision : r.revision,
            area_code: r.area_code,
            area_name: r.area_name,
            region_code: r.region_code,
          };
        }),
      };
    },
  };
}
export type SurveysService = ReturnType<typeof createSurveysService>;
