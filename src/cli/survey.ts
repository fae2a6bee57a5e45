/** `sli survey …`: check and convert definitions, tabulate a responses file, rim-weight a responses file (offline). */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { csvColumns, csvText } from '../platform/csv.ts';
import { Option, type Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import { ImportFileError } from '../modules/imports/index.ts';
import {
  readDefinitionFile,
  readResponsesCsv,
  series,
  formatP,
  tabulate,
  tablesCsvRows,
  tablesXlsx,
  TABLES_CSV,
  toSurveyJs,
  weightResponses,
  type SurveyDefinition,
} from '../modules/surveys/index.ts';
import type { CliContext } from './sector.ts';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got "${v}")`);
  return n;
};

/** Prints every problem of a rejected file, then exits with status 1. */
function failWith(e: unknown, ctx: CliContext): never {
  if (e instanceof AppError) {
    for (const p of e.errors.slice(0, 50))
      ctx.err(`  ${p.field}: ${p.message}${p.value !== undefined ? ` (value: ${p.value})` : ''}`);
    if (e.errors.length > 50) ctx.err(`  … and ${e.errors.length - 50} more`);
    throw ctx.exit(`sli: ${e.message}`, 1);
  }
  if (e instanceof ImportFileError) throw ctx.exit(`sli: ${e.at.file}:${e.at.line}: ${e.message}`, 1);
  throw e;
}

function summary(def: SurveyDefinition): string {
  const kinds = new Map<string, number>();
  for (const q of def.questions) kinds.set(q.kind, (kinds.get(q.kind) ?? 0) + 1);
  const routed = def.questions.filter((q) => q.condition).length;
  const nets = def.questions.reduce((s, q) => s + q.nets.length, 0);
  return `${def.code} version ${def.version}: "${def.title}", ${def.questions.length} questions (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}), ${routed} with routing, ${nets} nets`;
}

/** `sli survey series --format csv`: one row per wave, every text cell neutralised (csvText). */
const SERIES_CSV = csvColumns([
  ['wave', 'Wave', 'string', 'The wave'],
  ['asked', 'Asked', 'integer', 'Respondents the routing put the question to'],
  ['answered', 'Answered', 'integer', 'Of those asked, how many answered'],
  ['effective_base', 'Effective base', 'decimal', 'The effective base of weighted data'],
  ['percent', 'Percent', 'decimal', 'Percentage of those answering, unrounded'],
  ['display', 'Shown', 'string', 'As a table shows it'],
  [
    'against_first_wave',
    'Against the first wave',
    'string',
    'A significant difference from the first wave, with the test',
  ],
  ['against_previous_wave', 'Against the previous wave', 'string', 'A significant difference from the previous wave'],
]);

export function registerSurveyCommands(program: Command, ctx: CliContext): void {
  const survey = program
    .command('survey')
    .description('evaluation surveys: definitions, tables with significance, rim weighting');

  survey
    .command('import-definition')
    .description(
      'read a SurveyJS JSON or XLSForm (.xlsx) definition, validate it and store it in the database as a new version',
    )
    .argument('<file>', 'a .json (SurveyJS) or .xlsx (XLSForm) file')
    .option('--check', 'only validate and print a summary; store nothing')
    .option('--out <file>', 'also write it as SurveyJS JSON (e.g. to convert an XLSForm)')
    .action(async (file: string, o: { check?: boolean; out?: string }, cmd: Command) => {
      let def: SurveyDefinition;
      try {
        def = await readDefinitionFile(file);
      } catch (e) {
        failWith(e, ctx);
      }
      ctx.out(summary(def));
      // A SurveyJS file is stored as given; an XLSForm as the SurveyJS JSON it converts to.
      const json: unknown =
        extname(file).toLowerCase() === '.json'
          ? JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))
          : toSurveyJs(def);
      if (o.out) {
        writeFileSync(o.out, `${JSON.stringify(json, null, 2)}\n`);
        ctx.out(`Wrote ${o.out}.`);
      }
      if (o.check) return;
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.surveys.surveys.loadDefinition(json, { name: 'sli' });
        ctx.out(
          r.created
            ? `Stored ${def.code} version ${def.version}.`
            : `${def.code} version ${def.version} is already stored, unchanged.`,
        );
      } catch (e) {
        failWith(e, ctx);
      } finally {
        await db.close();
      }
    });

  survey
    .command('erase-contacts')
    .description(
      "erase the contact details (email addresses and names) of waves' frames closed SLI_SURVEY_CONTACT_DAYS (default 90) days ago or more; responses and counts are kept",
    )
    .action(async (_o, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        const { retention } = services.surveys;
        const e = await retention.eraseDue();
        const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
        ctx.out(
          e.waves === 0
            ? `No wave closed ${retention.days} days ago or more still holds contact details.`
            : `Erased the contact details of ${plural(e.members, 'member')} of ${plural(e.waves, 'wave')} closed ${retention.days} days ago or more (and the recipients of ${plural(e.messages, 'message')}).`,
        );
      } finally {
        await db.close();
      }
    });

  survey
    .command('tabulate')
    .description(
      'tables for every question from a wide responses CSV: bases, nets, percentages and significant differences',
    )
    .requiredOption('--definition <file>', 'the survey definition (.json SurveyJS or .xlsx XLSForm)')
    .requiredOption(
      '--responses <file>',
      'wide CSV: one row per respondent, one column per question (multiple choice: one 0/1 column per answer, named QUESTION_ANSWER)',
    )
    .option(
      '--by <column>',
      'break down by a column: "wave" (compared as a series) or any respondent column (every pair compared)',
    )
    .option('--weights <column>', 'weight column (tests then use effective bases)')
    .option(
      '--profile <columns>',
      'comma-separated respondent columns that are not questions (e.g. age,sex,region), so they are not reported as unknown',
    )
    .option(
      '--id <column>',
      'respondent id column (matches the same respondents across waves for McNemar); default respondent_id when present',
    )
    .option('--holm', "adjust p-values with Holm's correction across each table's comparisons")
    .option('--continuity-correction', 'use the continuity-corrected two-proportion z-test')
    .option('--alpha <p>', 'significance level', positive('alpha'), 0.05)
    .option('--small-base <n>', 'show counts beside percentages below this base', positive('small-base'), 50)
    .option(
      '--min-base <n>',
      'suppress breakdown columns with fewer answering (unless all consented)',
      positive('min-base'),
      5,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'xlsx']).default('json'))
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      async (o: {
        definition: string;
        responses: string;
        by?: string;
        weights?: string;
        id?: string;
        profile?: string;
        holm?: boolean;
        continuityCorrection?: boolean;
        alpha: number;
        smallBase: number;
        minBase: number;
        format: 'json' | 'csv' | 'xlsx';
        out?: string;
      }) => {
        try {
          const def = await readDefinitionFile(o.definition);
          const data = await readResponsesCsv(def, o.responses, {
            ...(o.by ? { by: o.by } : {}),
            ...(o.weights ? { weights: o.weights } : {}),
            ...(o.id ? { idColumn: o.id } : {}),
            ...(o.profile ? { profile: o.profile.split(',').map((c) => c.trim()) } : {}),
          });
          const tab = tabulate(def, data, {
            ...(o.by ? { by: o.by } : {}),
            ...(o.weights ? { weights: o.weights } : {}),
            holm: o.holm ?? false,
            continuityCorrection: o.continuityCorrection ?? false,
            alpha: o.alpha,
            smallBase: o.smallBase,
            minBase: o.minBase,
          });
          const total = Object.values(tab.problemCounts).reduce((a, b) => a + b, 0);
          if (total > 0) {
            ctx.err(
              `${o.responses}: ${total} problem${total === 1 ? '' : 's'} (${Object.entries(tab.problemCounts)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')}); those answers are left out of the tables:`,
            );
            for (const p of tab.problems.slice(0, 20))
              ctx.err(
                `  ${p.at}${p.column ? `, column ${p.column}` : ''}${p.value ? ` "${p.value}"` : ''}: ${p.message}`,
              );
            if (tab.problems.length > 20)
              ctx.err(`  … the first ${tab.problems.length} are in the JSON output's "problems"`);
          }
          const body: string | Buffer =
            o.format === 'json'
              ? `${JSON.stringify(tab, null, 2)}\n`
              : o.format === 'csv'
                ? csvText(tablesCsvRows(tab), TABLES_CSV)
                : await tablesXlsx(tab);
          if (o.out) writeFileSync(o.out, body);
          else process.stdout.write(body);
        } catch (e) {
          failWith(e, ctx);
        }
      },
    );

  survey
    .command('series')
    .description(
      'one measure across waves (e.g. trust a great deal or a fair amount), with tests against the first and the previous wave',
    )
    .requiredOption('--definition <file>', 'the survey definition (.json SurveyJS or .xlsx XLSForm)')
    .requiredOption('--responses <file>', 'wide responses CSV with a wave column')
    .requiredOption('--question <code>', 'the question (a grid row as QUESTION_ROW)')
    .requiredOption('--answer <code>', 'the answer or net code followed')
    .option('--weights <column>', 'weight column (tests then use effective bases)')
    .option('--profile <columns>', 'comma-separated respondent columns that are not questions')
    .option('--holm', "adjust p-values with Holm's correction")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(
      async (o: {
        definition: string;
        responses: string;
        question: string;
        answer: string;
        weights?: string;
        profile?: string;
        holm?: boolean;
        format: 'json' | 'csv';
      }) => {
        try {
          const def = await readDefinitionFile(o.definition);
          const data = await readResponsesCsv(def, o.responses, {
            by: 'wave',
            ...(o.weights ? { weights: o.weights } : {}),
            ...(o.profile ? { profile: o.profile.split(',').map((c) => c.trim()) } : {}),
          });
          const s = series(def, data, o.question, o.answer, {
            ...(o.weights ? { weights: o.weights } : {}),
            holm: o.holm ?? false,
          });
          if (o.format === 'json') {
            ctx.out(JSON.stringify(s, null, 2));
            return;
          }
          const sig = (c: (typeof s.points)[number]['vsFirst']) =>
            c && c.significant
              ? `${c.direction} (p = ${formatP(c.adjustedPValue ?? c.pValue)}, ${c.test})`
              : c
                ? 'no significant difference'
                : '';
          process.stdout.write(
            csvText(
              s.points.map((p) => [
                p.wave,
                p.asked,
                p.answered,
                p.effectiveBase === undefined ? '' : p.effectiveBase.toFixed(1),
                p.percent === null ? '' : p.percent.toFixed(4),
                p.display,
                sig(p.vsFirst),
                sig(p.vsPrevious),
              ]),
              SERIES_CSV,
            ),
          );
        } catch (e) {
          failWith(e, ctx);
        }
      },
    );

  survey
    .command('weight')
    .description(
      'rim-weight (rake) a wide responses CSV to population targets; adds a weight column (each wave raked separately)',
    )
    .requiredOption(
      '--responses <file>',
      'wide responses CSV whose columns include the target variables (and optionally wave)',
    )
    .requiredOption('--targets <file>', 'CSV with header variable,category,target (proportions or percentages)')
    .option('--out <file>', 'write the weighted CSV here instead of standard output')
    .option('--replace', 'replace an existing weight column')
    .option('--cap <ratio>', 'trim weights above this multiple of the mean', positive('cap'))
    .option('--max-iterations <n>', 'passes before giving up', positive('max-iterations'), 100)
    .action(
      async (o: {
        responses: string;
        targets: string;
        out?: string;
        replace?: boolean;
        cap?: number;
        maxIterations: number;
      }) => {
        try {
          const r = await weightResponses(o.responses, o.targets, {
            ...(o.replace ? { replace: true } : {}),
            ...(o.cap ? { capRatio: o.cap } : {}),
            maxIterations: o.maxIterations,
          });
          const csv = stringify([r.header, ...r.rows]);
          if (o.out) writeFileSync(o.out, csv);
          else process.stdout.write(csv);
          for (const s of r.summary) {
            ctx.err(
              `${s.wave === null ? 'All respondents' : `Wave ${s.wave}`}: ${s.respondents} respondents, ${s.converged ? 'converged' : 'NOT converged'} after ${s.iterations} passes (largest deviation ${s.maxDeviation.toExponential(1)}), efficiency ${(100 * s.efficiency).toFixed(1)}%, effective base ${s.effectiveBase.toFixed(0)}, design effect ${s.designEffect.toFixed(2)}, weights ${s.min.toFixed(2)} to ${s.max.toFixed(2)}`,
            );
          }
          for (const p of r.problems) ctx.err(`  ${p.field}: ${p.message}`);
        } catch (e) {
          failWith(e, ctx);
        }
      },
    );
}
