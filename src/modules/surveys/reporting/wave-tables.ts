/**
 * Report tables from the responses held in the database: one wave, or several waves of one questionnaire compared as a
 * series (rows answered on an earlier version are read through the latest version's question sources). The same
 * checks and tables as `sli survey tabulate`; breakdowns by authority type, region or role are suppressed under the
 * minimum base. Free-text answers are listed with the respondent's type and region only, sorted by text.
 */
import { badRequest } from '../../../platform/errors.ts';
import { RESPONSE_META_COLUMNS, type SurveysService, type WaveDto } from '../fielding/service.ts';
import { loadResponses, type ResponseData } from './responses.ts';
import { DEFAULT_MIN_BASE, tabulate, type Tabulation } from './tabulate.ts';
import { applyLabelRule, type LabelCount } from './text-labels.ts';
import { series, type Series } from './series.ts';
import type { SurveyDefinition } from '../definition/index.ts';

export const TABLE_BREAKDOWNS = ['wave', 'authority_type', 'region', 'role'] as const;
export type TableBreakdown = (typeof TABLE_BREAKDOWNS)[number];

export interface TableRequest {
  waves: number[];
  by?: TableBreakdown | undefined;
  holm?: boolean | undefined;
  continuityCorrection?: boolean | undefined;
}

export interface WaveTables {
  waves: WaveDto[];
  definition: SurveyDefinition;
  tabulation: Tabulation;
}

export interface TextAnswer {
  wave: string;
  authorityType: string | null;
  region: string | null;
  /** The response's id, for analysts to tag themes against (never published). */
  responseId: number;
  text: string;
}

export function createWaveTables(surveys: SurveysService) {
  async function load(req: TableRequest): Promise<{
    waves: WaveDto[];
    def: SurveyDefinition;
    data: ResponseData;
    ids: number[];
    order: string[];
    label: Map<number, string>;
  }> {
    const ids = [...new Set(req.waves)];
    if (ids.length === 0)
      throw badRequest('Name at least one wave.', [{ field: 'waves', message: 'at least one wave id' }]);
    const waves = await Promise.all(ids.map((id) => surveys.wave(id)));
    const codes = new Set(waves.map((w) => w.survey));
    if (codes.size > 1) {
      throw badRequest(`Waves of different questionnaires cannot share a table (${[...codes].join(', ')}).`, [
        { field: 'waves', message: 'all waves must be of one questionnaire', value: ids.join(',') },
      ]);
    }
    if (req.by === 'wave' && ids.length < 2)
      throw badRequest('Comparing waves needs at least two waves.', [
        { field: 'by', message: 'needs two or more waves', value: 'wave' },
      ]);
    const latest = Math.max(...waves.map((w) => w.version));
    const def = (await surveys.definition(waves[0]!.survey, latest)).definition;
    const tables = await Promise.all(ids.map((id) => surveys.responses(id, 'submitted')));
    // Waves in the order they opened; a name shared by two waves gets the wave's number so columns never merge.
    const label = new Map(
      waves.map((w) => [w.id, waves.filter((x) => x.name === w.name).length > 1 ? `${w.name} (wave ${w.id})` : w.name]),
    );
    const order = [...waves]
      .sort((a, b) => a.opensAt.localeCompare(b.opensAt) || a.id - b.id)
      .map((w) => label.get(w.id)!);
    const header = [...new Set(['version', 'response_id', ...tables.flatMap((t) => t.columns)])];
    const index = new Map(header.map((h, i) => [h, i]));
    const rows: Array<{ line: number; cells: string[] }> = [];
    tables.forEach((t, k) => {
      for (const r of t.rows) {
        const cells = new Array<string>(header.length).fill('');
        for (const [key, v] of Object.entries(r)) {
          const i = index.get(key);
          if (i !== undefined && v !== null) cells[i] = String(v);
        }
        cells[0] = String(waves[k]!.version);
        cells[index.get('wave')!] = label.get(waves[k]!.id)!;
        rows.push({ line: Number(r['response_id']), cells });
      }
    });
    const data = loadResponses(def, header, rows, {
      source: 'response',
      ...(req.by ? { by: req.by } : {}),
      profile: ['response_id', ...RESPONSE_META_COLUMNS],
    });
    return { waves, def, data, ids, order, label };
  }

  /** A wave's population by label: its frame, or for an open wave its respondents (every submitted response). */
  async function population(w: WaveDto, waveLabel: string, data: ResponseData): Promise<LabelCount[]> {
    if (w.mode === 'frame') return surveys.frameLabels(w.id);
    const out: LabelCount[] = [];
    for (let i = 0; i < data.n; i++) {
      if (data.extra.get('wave')?.[i] !== waveLabel) continue;
      const authorityType = data.extra.get('authority_type')?.[i] || null;
      const region = data.extra.get('region')?.[i] || null;
      out.push({ authorityType, region, members: 1 });
    }
    return out;
  }

  return {
    async tables(req: TableRequest): Promise<WaveTables> {
      const { waves, def, data, order } = await load(req);
      const tabulation = tabulate(def, data, {
        ...(req.by ? { by: req.by } : {}),
        order,
        holm: req.holm ?? false,
        continuityCorrection: req.continuityCorrection ?? false,
      });
      return { waves, definition: def, tabulation };
    },

    async series(req: Omit<TableRequest, 'by'>, table: string, answer: string): Promise<Series> {
      const { def, data, order } = await load({ ...req, by: 'wave' });
      return series(def, data, table, answer, { holm: req.holm ?? false, order });
    },

    /**
     * Free-text answers to one question, with type and region only where enough councils share them (text-labels.ts),
     * sorted by text (analysts only).
     */
    async texts(
      waves: number[],
      question: string,
    ): Promise<{ question: string; title: string; answers: TextAnswer[]; minBase: number; labelsWithheld: number }> {
      const { def, data, label, waves: loaded } = await load({ waves });
      const q = def.questions.find((x) => x.code === question);
      if (!q || q.kind !== 'text') {
        throw badRequest(
          `"${question}" is not a free-text question of ${def.code} (${
            def.questions
              .filter((x) => x.kind === 'text')
              .map((x) => x.code)
              .join(', ') || 'it has none'
          }).`,
          [{ field: 'question', message: 'not a free-text question', value: question }],
        );
      }
      const texts = data.texts.get(question)!;
      const answers: TextAnswer[] = [];
      for (let i = 0; i < data.n; i++) {
        const text = texts[i];
        if (text === undefined) continue;
        answers.push({
          wave: data.extra.get('wave')?.[i] ?? '',
          authorityType: data.extra.get('authority_type')?.[i] || null,
          region: data.extra.get('region')?.[i] || null,
          responseId: data.lines[i]!,
          text,
        });
      }
      answers.sort((a, b) => a.text.localeCompare(b.text, 'en'));
      const populations = new Map<string, LabelCount[]>();
      for (const w of loaded) populations.set(label.get(w.id)!, await population(w, label.get(w.id)!, data));
      const shown = applyLabelRule(answers, populations, DEFAULT_MIN_BASE);
      return {
        question,
        title: `${q.code}. ${q.text}`,
        answers: shown.answers,
        minBase: DEFAULT_MIN_BASE,
        labelsWithheld: shown.withheld,
      };
    },
  };
}

export type WaveTablesService = ReturnType<typeof createWaveTables>;
