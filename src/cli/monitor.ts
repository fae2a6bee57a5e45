/**
 * `sli monitor rollup`: total completed days of recorded requests, delete raw events older than 60 days and salts
 * older than yesterday's (the web service does the same every hour). `sli monitor plan FILE`: import the plan of
 * deliverables from a CSV, all or nothing, problems named by file:line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import { evaluationDocx, evaluationHtml, PLAN_COLUMNS, RAW_DAYS } from '../modules/monitor/index.ts';
import { readTextFile, refusal, type CliContext } from './sector.ts';

export function registerMonitorCommands(program: Command, ctx: CliContext): void {
  const monitor = program.command('monitor').description('programme monitoring: usage records and the plan');
  monitor
    .command('rollup')
    .description(`total completed days of recorded requests; delete raw events after ${RAW_DAYS} days`)
    .action(async (_o: unknown, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.monitor.rollup();
        ctx.out(
          `Totalled ${r.daysTotalled} day(s); deleted ${r.eventsDeleted} raw event(s) and ${r.saltsDeleted} salt(s).`,
        );
      } finally {
        await db.close();
      }
    });
  monitor
    .command('plan')
    .description(
      `import deliverables from a CSV with columns ${PLAN_COLUMNS.join(', ')} (target and measure optional); all or nothing`,
    )
    .argument('<file>', 'the CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const text = readTextFile(file, ctx);
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.monitor.plan.importPlan(file, text);
        ctx.out(`Imported ${r.deliverables} deliverable(s) from ${file}.`);
      } catch (e) {
        throw refusal(ctx, e);
      } finally {
        await db.close();
      }
    });

  const report = program.command('report').description("documents made from the platform's own evidence");
  report
    .command('evaluation')
    .description('the annual evaluation document as HTML and DOCX; sections with too little data say so')
    .requiredOption('--year <year>', 'the calendar year, such as 2026')
    .option('--out <dir>', 'where to write evaluation-YEAR.html and .docx', '.')
    .action(async (o: { year: string; out: string }, cmd: Command) => {
      const { db, services, config } = await ctx.open(cmd);
      try {
        const e = await services.monitor.evaluation(Number(o.year));
        const brand = config.brand.name;
        // Each figure's link and each table's source: the platform's public address when it is configured.
        const origin = config.publicUrl?.replace(/\/$/, '') ?? '';
        mkdirSync(o.out, { recursive: true });
        const html = path.join(o.out, `evaluation-${e.year}.html`);
        const docx = path.join(o.out, `evaluation-${e.year}.docx`);
        writeFileSync(html, evaluationHtml(e, brand, origin));
        writeFileSync(docx, await evaluationDocx(e, brand, origin));
        const thin = e.sections.filter((s) => s.status !== 'ok').map((s) => s.title);
        ctx.out(`Wrote ${html} and ${docx}.${thin.length ? ` Too little data: ${thin.join('; ')}.` : ''}`);
      } catch (err) {
        if (err instanceof AppError && err.status < 500) throw ctx.exit(err.message, 1);
        throw err;
      } finally {
        await db.close();
      }
    });
}
