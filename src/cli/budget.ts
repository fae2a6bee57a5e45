/**
 * `sli budget prefill --area CODE --year 2023-24 --format json`: the draft simulator the data service gives a council
 * (items with their baseline £ and the source line each came from); `sli budget import FILE` (JSON or XLSX, problems
 * named by row and column) and `sli budget export ID --format json|xlsx`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import {
  definitionFromFile,
  definitionJson,
  definitionXlsx,
  formatPounds,
  flatItems,
} from '../modules/budget/index.ts';
import type { CliContext } from './sector.ts';

const problems = (e: AppError) =>
  `${e.message}\n${e.errors.map((x) => `  ${x.field}${x.value !== undefined ? ` "${x.value}"` : ''}: ${x.message}`).join('\n')}`;

export function registerBudgetCommands(program: Command, ctx: CliContext): void {
  const budget = program.command('budget').description('resident budget simulators');
  const run = async <T>(cmd: Command, fn: (s: Awaited<ReturnType<CliContext['open']>>['services']) => Promise<T>) => {
    const { db, services } = await ctx.open(cmd);
    try {
      return await fn(services);
    } catch (e) {
      if (e instanceof AppError && e.status < 500) throw ctx.exit(problems(e), 1);
      throw e;
    } finally {
      await db.close();
    }
  };
  budget
    .command('prefill')
    .description("draft a simulator from the council's published spending by service, Band D and tax base")
    .requiredOption('--area <code>', 'GSS code of the council')
    .requiredOption('--year <year>', 'financial year of the figures, e.g. 2023-24')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'text']).default('json'))
    .action(async (o: { area: string; year: string; format: string }, cmd: Command) => {
      const d = await run(cmd, (s) => s.budget.prefill(o.area, o.year));
      if (o.format === 'json') return ctx.out(JSON.stringify(d, null, 2));
      for (const it of flatItems(d))
        ctx.out(`${it.kind}\t${it.code}\t${formatPounds(it.baseline)}\t${it.source ?? ''}`);
    });
  budget
    .command('import')
    .description(
      'set up a simulator from a definition (JSON or XLSX); all or nothing, problems named by row and column',
    )
    .argument('<file>')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        throw ctx.exit(`${file}: file not found`, 2);
      }
      const s = await run(cmd, async (services) => {
        const { definition, locate } = await definitionFromFile(file, bytes);
        return services.budget.create(definition, 'system', { locate, sourceNote: `Imported from ${file}` });
      });
      ctx.out(
        `Set up simulator ${s.id} (${s.definition.title}); the open link is /budget/${s.openKey} once it is open.`,
      );
    });
  budget
    .command('export')
    .description("write a simulator's definition as JSON or XLSX")
    .argument('<id>')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'xlsx']).default('json'))
    .option('--out <file>', 'the file to write (XLSX needs one)')
    .action(async (id: string, o: { format: string; out?: string }, cmd: Command) => {
      const s = await run(cmd, (services) => services.budget.get(Number(id), 'system'));
      if (o.format === 'json') {
        const text = JSON.stringify(definitionJson(s.definition), null, 2);
        if (o.out) writeFileSync(o.out, text);
        else ctx.out(text);
        return;
      }
      if (!o.out) throw ctx.exit('XLSX needs --out FILE', 2);
      writeFileSync(o.out, await definitionXlsx(s.definition));
      ctx.out(`Wrote ${o.out}.`);
    });
}
