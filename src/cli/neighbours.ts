/**
 * `sli neighbours …` (our open nearest-neighbours model) and `sli compare` (a council against a group on one metric).
 */
import { Option, type Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import { comparisonCsvRows, COMPARE_CSV } from '../modules/compare/index.ts';
import { csvText } from '../platform/csv.ts';
import { readJsonFile, type CliContext } from './sector.ts';

/** An AppError's field problems, one line each, then its message as the exit. */
function explain(e: unknown, ctx: CliContext, where: string): never {
  if (!(e instanceof AppError)) throw e;
  for (const p of e.errors ?? [])
    ctx.err(`${where}: ${p.field}${p.value !== undefined ? ` "${p.value}"` : ''}: ${p.message}`);
  throw ctx.exit(e.message, e.status >= 500 ? 1 : 2);
}

export function registerNeighboursCommands(program: Command, ctx: CliContext): void {
  const nn = program
    .command('neighbours')
    .description('our open nearest-neighbours model: build a version, compare it with a published family');
  nn.command('build')
    .description(
      "build and store a version of the model from the data service: every council's 15 nearest of its tier, with each variable's contribution",
    )
    .option('--weights <file>', 'JSON of variable weights, e.g. {"population": 1, "deprivation": 2} (default: all 1)')
    .option('--version <version>', 'version to store (default: today, e.g. 2026.12.01)')
    .option('--draft', 'hold as a draft import instead of publishing')
    .action(async (o: { weights?: string; version?: string; draft?: boolean }, cmd: Command) => {
      const weights = o.weights ? readJsonFile(o.weights, ctx) : undefined;
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.neighbours
          .build({ version: o.version, weights, publish: !o.draft })
          .catch((e: unknown) => explain(e, ctx, o.weights ?? 'model'));
        for (const n of r.notes) ctx.err(`note: ${n}`);
        for (const x of r.excluded) ctx.err(`left out: ${x.name} (${x.code}) has no ${x.missing.join(', ')}`);
        ctx.out(`Version ${r.version}: ${r.summary.message}`);
        if (r.summary.state === 'rejected') throw ctx.exit('', 1);
      } finally {
        await db.close();
      }
    });
  nn.command('overlap')
    .description(
      'how far our lists agree with a published family, council by council (mean share of the shorter list in common)',
    )
    .requiredOption(
      '--with <family>',
      'a family id, optionally @version, e.g. dfe-statistical-neighbours@2025 or ons-similar-areas-global',
    )
    .option(
      '--model <family>',
      'our family (default sli-neighbours-county-services for DfE, else sli-neighbours-district-services)',
    )
    .action(async (o: { with: string; model?: string }, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        const ours =
          o.model ??
          (o.with.startsWith('dfe-') ? 'sli-neighbours-county-services' : 'sli-neighbours-district-services');
        ctx.out(
          JSON.stringify(
            await services.neighbours.overlap(ours, o.with).catch((e: unknown) => explain(e, ctx, 'overlap')),
            null,
            2,
          ),
        );
      } finally {
        await db.close();
      }
    });

  program
    .command('compare')
    .description(
      'a council against a comparison group on one metric: value, rank of N, quarter, median, significance, direction; every member',
    )
    .requiredOption('--metric <id>', 'metric id, e.g. dfe-lait.ks2rwm-expected-std')
    .requiredOption('--area <code>', 'the council, e.g. E08000009')
    .requiredOption(
      '--group <id>',
      'group id, e.g. type:E08 or dfe-statistical-neighbours@2025:E08000009 (sli: see /api/v1/groups?area=CODE)',
    )
    .option('--period <period>', 'latest (default), a label such as 2023/24, or an ISO period')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
    .action(
      async (
        o: { metric: string; area: string; group: string; period?: string; format: 'json' | 'csv' },
        cmd: Command,
      ) => {
        const { db, services } = await ctx.open(cmd);
        try {
          const c = await services.compare
            .compare({ metric: o.metric, area: o.area, group: o.group, ...(o.period ? { period: o.period } : {}) })
            .catch((e: unknown) => explain(e, ctx, 'compare'));
          ctx.out(o.format === 'json' ? JSON.stringify(c, null, 2) : csvText(comparisonCsvRows(c), COMPARE_CSV));
        } finally {
          await db.close();
        }
      },
    );
}
