/** `sli sector …` and `sli analyse …`: load baskets, and the direction-of-travel analysis on the command line. */
import { readFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { Option, type Command } from 'commander';
import type { Db } from '../platform/db.ts';
import { createSectorService, DefinitionError, directionCsvRows, DIRECTION_CSV_COLUMNS } from '../modules/sector/index.ts';

export interface CliContext {
  open(cmd: Command): Promise<{ db: Db }>;
  out(s: string): void;
  err(s: string): void;
  exit(message: string, status: number): Error;
}

/** Reads a JSON file, naming the file, line and column of a syntax error. */
export function readJsonFile(file: string, ctx: CliContext): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw ctx.exit(`${file}: file not found`, 2);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const pos = /position (\d+)/.exec(String(e));
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      throw ctx.exit(`${file}:${line}:${Number(pos[1]) - before.lastIndexOf('\n')}: not valid JSON (${(e as Error).message})`, 2);
    }
    throw ctx.exit(`${file}: not valid JSON (${(e as Error).message})`, 2);
  }
}

export function registerSectorCommands(program: Command, ctx: CliContext): void {
  const sector = program.command('sector').description('the sector overview: baskets of key metrics and early-warning rules');
  sector
    .command('load-basket')
    .description('validate a basket of key metrics (JSON) against the catalogue and store it as a new version')
    .argument('<file>', 'basket JSON, e.g. src/modules/sector/baskets/sector-key.json')
    .action(async (file: string, _o, cmd: Command) => {
      const raw = readJsonFile(file, ctx);
      const { db } = await ctx.open(cmd);
      try {
        const r = await createSectorService(db).loadBasket(raw);
        ctx.out(r.state === 'loaded' ? `Loaded basket ${r.code} version ${r.version}.` : `Basket ${r.code} version ${r.version} is already loaded, unchanged.`);
      } catch (e) {
        if (!(e instanceof DefinitionError)) throw e;
        for (const p of e.problems) ctx.err(`${file}: ${p.field}${p.value !== undefined ? ` "${p.value}"` : ''}: ${p.message}`);
        throw ctx.exit(e.message, 1);
      } finally {
        await db.close();
      }
    });

  const analyse = program.command('analyse').description('sector analyses');
  analyse
    .command('direction-of-travel')
    .description('direction of travel of a basket for England, or for one council against its own baseline (and a group)')
    .option('--basket <id>', 'basket id or id@version (default sector-key, latest version)')
    .option('--area <code>', 'a council (default: England as a whole)')
    .option('--group <id>', 'with --area: also compare with this group')
    .option('--baseline <period>', 'override the baseline: a date or a year such as 2019/20')
    .option('--latest <period>', 'override the comparison period: latest, a date or a year')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(async (o: { basket?: string; area?: string; group?: string; baseline?: string; latest?: string; format: 'json' | 'csv' }, cmd: Command) => {
      const { db } = await ctx.open(cmd);
      try {
        const s = createSectorService(db);
        s.parseArea(o.area);
        const r = await s.directionOfTravel(o);
        ctx.out(o.format === 'json' ? JSON.stringify(r, null, 2) : stringify(directionCsvRows(r), { header: true, columns: [...DIRECTION_CSV_COLUMNS] }));
      } finally {
        await db.close();
      }
    });
}
