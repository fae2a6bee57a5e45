/** `sli sector …` and `sli analyse …`: load baskets, and the direction-of-travel analysis on the command line. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../app/services.ts';
import {
  DefinitionError,
  directionCsvRows,
  DIRECTION_CSV,
  everyCouncilCsvRows,
  EVERY_COUNCIL_CSV,
} from '../modules/sector/index.ts';
import { csvColumns, csvText } from '../platform/csv.ts';

/** The screening CSV's columns, every text cell neutralised (csvText). */
const SCREENING_CSV = csvColumns([
  ['rule_set', 'Rule set', 'string', 'The rule set screened against'],
  ['rule_set_version', 'Rule set version', 'string', "The rule set's version"],
  ['run_at', 'Run at', 'dateTime', 'When the screening ran'],
  ['area', 'Area code', 'string', 'GSS code of the council flagged'],
  ['area_name', 'Area', 'string', "The council's name"],
  ['area_type', 'Council type', 'string', 'The GSS type of the council'],
  ['rule', 'Rule', 'string', 'The rule that flagged the council'],
  ['statement', 'Statement', 'string', "The rule's plain-English statement"],
  ['flagged_since', 'Flagged since', 'dateTime', 'When the flag was first raised'],
  ['evidence', 'Evidence', 'string', 'The figures behind the flag'],
]);

export interface CliContext {
  open(cmd: Command): Promise<{ db: Db; services: Services; config: Config }>;
  out(s: string): void;
  err(s: string): void;
  exit(message: string, status: number): Error;
}

/**
 * A refusal (a 4xx AppError) as the command's exit: its message and each field's problem on a line, status 1; anything
 * else is thrown on as it is.
 */
export function refusal(ctx: CliContext, e: unknown): Error {
  if (e instanceof AppError && e.status < 500)
    return ctx.exit(
      `${e.message}\n${e.errors.map((x) => `  ${x.field}${x.value !== undefined ? ` "${x.value}"` : ''}: ${x.message}`).join('\n')}`,
      1,
    );
  return e as Error;
}

/** A file's text, or the command's exit (status 2) when there is no such file. */
export function readTextFile(file: string, ctx: CliContext): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw ctx.exit(`${file}: file not found`, 2);
  }
}

/** Reads a JSON file, naming the file, line and column of a syntax error. */
export function readJsonFile(file: string, ctx: CliContext): unknown {
  const text = readTextFile(file, ctx);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const pos = /position (\d+)/.exec(String(e));
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      throw ctx.exit(
        `${file}:${line}:${Number(pos[1]) - before.lastIndexOf('\n')}: not valid JSON (${(e as Error).message})`,
        2,
      );
    }
    throw ctx.exit(`${file}: not valid JSON (${(e as Error).message})`, 2);
  }
}

export function registerSectorCommands(program: Command, ctx: CliContext): void {
  const sector = program
    .command('sector')
    .description('the sector overview: baskets of key metrics and early-warning rules');
  const loader = (
    name: string,
    what: string,
    example: string,
    loadWith: (
      services: Services,
      raw: unknown,
    ) => Promise<{ state: 'loaded' | 'unchanged'; code: string; version: string }>,
  ) =>
    sector
      .command(name)
      .description(`validate ${what} (JSON) against the catalogue and store it as a new version`)
      .argument('<file>', `${what} JSON, e.g. ${example}`)
      .action(async (file: string, _o, cmd: Command) => {
        const raw = readJsonFile(file, ctx);
        const { db, services } = await ctx.open(cmd);
        try {
          const r = await loadWith(services, raw);
          ctx.out(
            r.state === 'loaded'
              ? `Loaded ${what} ${r.code} version ${r.version}.`
              : `${what[0]!.toUpperCase()}${what.slice(1)} ${r.code} version ${r.version} is already loaded, unchanged.`,
          );
        } catch (e) {
          if (!(e instanceof DefinitionError)) throw e;
          for (const p of e.problems)
            ctx.err(`${file}: ${p.field}${p.value !== undefined ? ` "${p.value}"` : ''}: ${p.message}`);
          throw ctx.exit(e.message, 1);
        } finally {
          await db.close();
        }
      });
  loader('load-basket', 'basket', 'src/modules/sector/baskets/sector-key.json', (s, raw) => s.sector.loadBasket(raw));
  loader('load-rules', 'rule set', 'src/modules/sector/rules/sector-early-warning.json', (s, raw) =>
    s.earlyWarning.load(raw),
  );

  const analyse = program.command('analyse').description('sector analyses');
  analyse
    .command('direction-of-travel')
    .description(
      'direction of travel of a basket for England, or for one council against its own baseline (and a group)',
    )
    .option('--basket <id>', 'basket id or id@version (default sector-key, latest version)')
    .option('--area <code>', 'a council (default: England as a whole)')
    .option('--group <id>', 'with --area: also compare with this group')
    .option(
      '--every-council',
      'every current council against its own baseline: one row per council (CSV), with per-metric counts of councils (JSON)',
    )
    .option('--baseline <period>', 'override the baseline: a date or a year such as 2019/20')
    .option('--latest <period>', 'override the comparison period: latest, a date or a year')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(
      async (
        o: {
          basket?: string;
          area?: string;
          group?: string;
          everyCouncil?: boolean;
          baseline?: string;
          latest?: string;
          format: 'json' | 'csv';
        },
        cmd: Command,
      ) => {
        if (o.everyCouncil && (o.area || o.group))
          throw ctx.exit('--every-council cannot be combined with --area or --group.', 2);
        const { db, services } = await ctx.open(cmd);
        try {
          const s = services.sector;
          if (o.everyCouncil) {
            const r = await s.directionForEveryCouncil(o);
            ctx.out(
              o.format === 'json' ? JSON.stringify(r, null, 2) : csvText(everyCouncilCsvRows(r), EVERY_COUNCIL_CSV),
            );
            return;
          }
          s.parseArea(o.area);
          const r = await s.directionOfTravel(o);
          ctx.out(o.format === 'json' ? JSON.stringify(r, null, 2) : csvText(directionCsvRows(r), DIRECTION_CSV));
        } finally {
          await db.close();
        }
      },
    );

  analyse
    .command('early-warning')
    .description(
      'screen every council against an early-warning rule set; records the run and when each council entered or left each flag',
    )
    .option('--rules <id>', 'rule set id or id@version (default sector-early-warning, latest version)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(async (o: { rules?: string; format: 'json' | 'csv' }, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.earlyWarning.screen(o.rules);
        for (const rule of r.rules)
          if (rule.status === 'failed')
            ctx.err(`rule ${rule.id} could not be evaluated and changed no flag: ${rule.error ?? ''}`);
        if (o.format === 'json') {
          ctx.out(JSON.stringify(r, null, 2));
          return;
        }
        const rows = r.results.flatMap((x) =>
          x.flags.map((f) => [
            r.ruleSet.id,
            r.ruleSet.version,
            r.runAt,
            x.area.code,
            x.area.name,
            x.area.type,
            f.rule,
            f.statement,
            f.since,
            f.evidence.summary,
          ]),
        );
        ctx.out(csvText(rows, SCREENING_CSV));
      } finally {
        await db.close();
      }
    });
}
