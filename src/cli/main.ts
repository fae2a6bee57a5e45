import { Command, Option } from 'commander';
import { stringify } from 'csv-stringify';
import cliProgress from 'cli-progress';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDb, type Db, type DbOptions } from '../platform/db.ts';
import { ConfigError, loadConfig, type Config } from '../platform/config.ts';
import { migrateToLatest } from '../platform/migrate.ts';
import { createLogger, type Logger } from '../platform/logger.ts';
import { buildApp } from '../app/app.ts';
import { createServices, type Services } from '../app/services.ts';
import { AppError } from '../platform/errors.ts';
import {
  adapters,
  deriveAll,
  discardImport,
  importFiles,
  ImportStateError,
  listImports,
  publishImport,
  UnknownAdapterError,
  withdrawObservations,
} from '../modules/imports/index.ts';
import { CSV_COLUMNS, OBSERVATION_CSV, observationsCsvw, toCsvRecord } from '../modules/observations/index.ts';
import { safeRow } from '../platform/csv.ts';
import { registerNeighboursCommands } from './neighbours.ts';
import { registerMonitorCommands } from './monitor.ts';
import { registerPeerCommands } from './peer.ts';
import { registerBudgetCommands } from './budget.ts';
import { registerSectorCommands } from './sector.ts';
import { registerUserCommands } from './users.ts';
import { registerMailCommands } from './mail.ts';
import { registerSurveyCommands } from './survey.ts';
import { registerLoadCommand } from './load.ts';
import { firstStart } from './first-start.ts';

/** Thrown to end the CLI with a message and an exit status. */
class CliExit extends Error {
  readonly status: number;
  constructor(message: string, status = 1) {
    super(message);
    this.status = status;
  }
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

/** The command as typed, without the program's name: `import`, `imports publish`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function cliConfig(cmd: Command, serving = false): Config {
  const opts = cmd.optsWithGlobals<{ databaseUrl?: string; port?: string; host?: string }>();
  const env = serving || process.env.SLI_LOG_LEVEL ? process.env : { ...process.env, SLI_LOG_LEVEL: 'warn' };
  return loadConfig(env, { databaseUrl: opts.databaseUrl, port: opts.port, host: opts.host });
}

async function openDb(config: Config, options: DbOptions): Promise<Db> {
  const db = createDb(config.databaseUrl, options);
  await migrateToLatest(db);
  return db;
}

const batchOptions = ({ db }: Config): DbOptions => ({
  connectTimeoutMs: db.connectTimeoutMs,
  busyTimeoutMs: db.busyTimeoutMs,
});

/**
 * The configuration, the database (migrated) and every service built once through the composition root, for a batch
 * command (imports, analyses, exports): it waits on statements and locks as long as they take; only the web service
 * has statement and lock timeouts. Batch commands log to standard error at SLI_LOG_LEVEL, default `warn` (their own
 * output says what happened).
 */
async function open(cmd: Command): Promise<{ db: Db; config: Config; logger: Logger; services: Services }> {
  const config = cliConfig(cmd);
  const logger = createLogger(config.logLevel, 'stderr').child({ command: commandPath(cmd) });
  const db = await openDb(config, batchOptions(config));
  return { db, config, logger, services: createServices({ db, config, logger }) };
}

const program = new Command('sli')
  .description('Sector-led improvement platform: data service for English councils')
  .addOption(
    new Option(
      '--database-url <url>',
      'postgres://… or sqlite:<file> (default: SLI_DATABASE_URL, else sqlite:./data/sli.sqlite)',
    ),
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('start the web service (creates and migrates the database on first start)')
  .option('--port <n>', 'port to listen on (default SLI_PORT or 3000)')
  .option('--host <host>', 'address to listen on (default SLI_HOST or 127.0.0.1)')
  .action(async (_o, cmd: Command) => {
    // The web service logs to standard output at SLI_LOG_LEVEL, default `info`.
    const config = cliConfig(cmd, true);
    const logger = createLogger(config.logLevel);
    // A connection that fails between queries (the server restarting, pg_terminate_backend, an idle-session reaper) is
    // logged and replaced; requests meanwhile answer 503 database-unavailable, and none of it ends the process.
    const onConnectionError = (e: Error) => logger.warn({ err: e }, 'database connection lost');
    // Migrations run as a batch job would, without the service's statement and lock timeouts.
    await (await openDb(config, batchOptions(config))).close();
    const db = createDb(config.databaseUrl, { ...config.db, onConnectionError });
    const app = await buildApp({ db, config, logger });
    const address = await app.listen({ port: config.port, host: config.host });
    logger.info({ database: db.description }, `listening on ${address}`);
    if (!config.publicUrl && !['127.0.0.1', 'localhost', '::1'].includes(config.host))
      logger.warn(
        `SLI_PUBLIC_URL is not set: embed code, permalinks and survey links will point at ${app.publicOrigin()}. Set it to the address the public uses (README.md, "Running behind a proxy").`,
      );
    // An empty embedded database loads the publishers' files it finds, in a child process, while the pages answer.
    const stopLoading = await firstStart({ db, config, logger, status: app.dataLoad });
    // In order: no new requests, those in flight finish (platform/shutdown.ts), the modules close, then the database.
    const stop = async () => {
      stopLoading();
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description('create or update the database schema')
  .action(async (_o, cmd: Command) => {
    const { db } = await open(cmd);
    out(`Database ${db.description} is up to date.`);
    await db.close();
  });

program
  .command('import')
  .description("load publishers' files: validation first, then all or nothing")
  .argument(
    '<adapter>',
    `one of: ${
      adapters()
        .map((a) => a.name)
        .join(', ') || '(none registered)'
    }`,
  )
  .argument('<files...>', 'the files to import')
  .option('--dry-run', 'validate and count, write nothing')
  .option('--publish', 'publish at once (default: hold as a draft)')
  .addOption(
    new Option(
      '--withdraw-missing',
      'withdraw published rows of the metrics and periods in these files that the files no longer hold (else refused)',
    ).conflicts('keepMissing'),
  )
  .option('--keep-missing', 'a partial file: leave published rows it does not hold as they are')
  .option('--json', 'print the summary as JSON')
  .addHelpText(
    'after',
    `\nAdapters:\n${adapters()
      .map((a) => `  ${a.name.padEnd(18)} ${a.summary}\n  ${''.padEnd(18)} files: ${a.files}`)
      .join('\n')}`,
  )
  .action(
    async (
      adapter: string,
      files: string[],
      o: { dryRun?: boolean; publish?: boolean; withdrawMissing?: boolean; keepMissing?: boolean; json?: boolean },
      cmd: Command,
    ) => {
      const { db, logger } = await open(cmd);
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            {
              format: ' {bar} {percentage}% | {value}/{total} MB | {eta_formatted} left',
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      try {
        const summary = await importFiles(db, adapter, files, {
          publish: !!o.publish,
          dryRun: !!o.dryRun,
          withdrawMissing: !!o.withdrawMissing,
          keepMissing: !!o.keepMissing,
          logger,
          onProgress: (read, total) => {
            if (!bar) return;
            if (!started) {
              bar.start(Math.max(1, Math.round(total / 1e6)), 0);
              started = true;
            }
            bar.update(Math.round(read / 1e6));
          },
        });
        bar?.stop();
        if (o.json) out(JSON.stringify(summary, null, 2));
        for (const e of summary.errors) {
          err(
            `${e.at.file}:${e.at.line}: ${e.field ? `${e.field}${e.value !== undefined ? ` "${e.value}"` : ''}: ` : ''}${e.message}`,
          );
        }
        if (summary.errorCount > summary.errors.length)
          err(`… and ${summary.errorCount - summary.errors.length} more problems.`);
        if (!o.json) out(summary.message);
        if (summary.state === 'rejected') throw new CliExit('', 1);
      } finally {
        bar?.stop();
        await db.close();
      }
    },
  );

const imports = program.command('imports').description('list, show, publish or discard imports; withdraw observations');
imports.command('list').action(async (_o, cmd: Command) => {
  const { db } = await open(cmd);
  for (const i of await listImports(db)) {
    out(
      `#${i.id}\t${i.state}\t${i.adapter}\t${i.created_at}\tnew ${i.inserted}, changed ${i.updated}, unchanged ${i.unchanged}`,
    );
  }
  await db.close();
});
imports
  .command('show')
  .description('one import; for a draft, what publishing it would change (new metrics, changed definitions)')
  .argument('<id>', 'import number')
  .option('--json', 'the preview as JSON (as GET /api/v1/imports/{id} gives it)')
  .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
    const { db, services } = await open(cmd);
    try {
      const imp = await services.imports.get(Number(id));
      if (o.json) {
        out(JSON.stringify(imp, null, 2));
        return;
      }
      const { inserted, updated, unchanged } = imp.observations;
      const verb = imp.state === 'draft' ? 'would be' : 'were';
      out(`Import #${imp.id} (${imp.adapter}) is ${imp.state}; made ${imp.createdAt}.`);
      out(`Observations: ${inserted} new, ${updated} changed, ${unchanged} unchanged.`);
      if (imp.metrics.length === 0) out(`No metric definitions ${verb} added or changed.`);
      const shown = (v: string | number | null) => (v === null ? '(none)' : JSON.stringify(v));
      for (const m of imp.metrics) {
        out(`${m.action === 'new' ? 'New' : 'Changed'} metric ${m.id} "${m.title}" (/metrics/${m.slug})`);
        if (m.action === 'changed')
          for (const f of m.fields) out(`  ${f.field}: ${shown(f.before)} -> ${shown(f.after)}`);
      }
      if (imp.state === 'draft')
        out(`Publish it with "sli imports publish ${imp.id}", or "sli imports discard ${imp.id}".`);
    } finally {
      await db.close();
    }
  });
imports
  .command('publish')
  .argument('<id>', 'import number')
  .addOption(
    new Option(
      '--withdraw-missing',
      'withdraw published rows of its metrics and periods the draft no longer holds',
    ).conflicts('keepMissing'),
  )
  .option('--keep-missing', 'a partial file: leave published rows it does not hold as they are')
  .action(async (id: string, o: { withdrawMissing?: boolean; keepMissing?: boolean }, cmd: Command) => {
    const { db, logger } = await open(cmd);
    try {
      const flags = { withdrawMissing: !!o.withdrawMissing, keepMissing: !!o.keepMissing };
      const counts = await publishImport(db, Number(id), { logger, ...flags });
      out(`Published import #${id}.${counts.withdrawn ? ` Withdrew ${counts.withdrawn} observation(s).` : ''}`);
    } finally {
      await db.close();
    }
  });
imports
  .command('derive')
  .description('recompute every derived figure (spend per head, …) and computed England and regional figure')
  .action(async (_o, cmd: Command) => {
    const { db, logger } = await open(cmd);
    try {
      const d = await deriveAll(db, { logger });
      out(
        d
          ? `Derived figures: ${d.written} new or changed in ${d.metrics} metrics (import #${d.importId}).`
          : 'Derived figures: nothing changed.',
      );
    } finally {
      await db.close();
    }
  });
imports
  .command('discard')
  .argument('<id>', 'import number')
  .action(async (id: string, _o, cmd: Command) => {
    const { db, logger } = await open(cmd);
    try {
      await discardImport(db, Number(id), { logger });
      out(`Discarded import #${id}.`);
    } finally {
      await db.close();
    }
  });
imports
  .command('withdraw')
  .description('withdraw published observations: kept in the change feed as deletions, with their previous values')
  .requiredOption('--metric <code>', 'the metric')
  .option('--area <code>', 'one area (GSS code)')
  .option('--period <period>', 'one period: an ISO interval (2023-04-01/P1Y) or its label (2023/24)')
  .requiredOption('--reason <text>', 'why, in plain English (shown in the change feed)')
  .action(async (o: { metric: string; area?: string; period?: string; reason: string }, cmd: Command) => {
    const { db, logger } = await open(cmd);
    try {
      const r = await withdrawObservations(db, { ...o, logger });
      out(`Withdrew ${r.withdrawn} observation(s) as import #${r.importId} (e.g. ${r.examples.join('; ')}).`);
    } finally {
      await db.close();
    }
  });

program
  .command('export')
  .description('write published data to standard output')
  .argument('<what>', 'observations')
  .requiredOption('--metric <ids>', 'metric ids, comma-separated')
  .option('--area <codes>', 'GSS codes, comma-separated (default: all)')
  .option(
    '--period <periods>',
    'latest (default), latest:N, earliest, all, a label, an ISO period or a range a..b',
    'latest',
  )
  .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
  .option(
    '--metadata <file>',
    "also write the CSV's CSVW metadata (columns, licence, attribution, caveats) to this file, e.g. observations.csv-metadata.json",
  )
  .action(
    async (
      what: string,
      o: { metric: string; area?: string; period: string; format: 'csv' | 'json'; metadata?: string },
      cmd: Command,
    ) => {
      if (what !== 'observations')
        throw new CliExit(`sli export: "${what}" cannot be exported; try "sli export observations"`, 2);
      const { db, services } = await open(cmd);
      try {
        const service = services.observations;
        const q = { metric: o.metric, area: o.area, period: o.period };
        if (o.metadata) {
          const { metrics, notes } = await service.describe(q, { unlimited: true });
          // The CSV's address relative to its metadata: the CSVW convention names them x.csv and x.csv-metadata.json.
          const csv = path.basename(o.metadata).replace(/-metadata\.json$/, '');
          const doc = observationsCsvw(metrics, {
            url: csv.endsWith('.csv') ? csv : 'observations.csv',
            title: `Observations of ${metrics.map((m) => `${m.title} (${m.code})`).join('; ')}`,
            description: `sli export observations --metric ${o.metric}${o.area ? ` --area ${o.area}` : ''} --period ${o.period}: tidy CSV, one observation per row, caveats, licence and source on every row.`,
            notes,
            modified: await service.lastPublished(),
          });
          writeFileSync(o.metadata, `${JSON.stringify(doc, null, 2)}\n`);
        }
        if (o.format === 'json') {
          out(JSON.stringify(await service.query(q, { unlimited: true }), null, 2));
          return;
        }
        const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
        csv.pipe(process.stdout);
        for await (const r of service.stream(q, { unlimited: true })) {
          if (!csv.write(safeRow(toCsvRecord(r.metric, r.row), OBSERVATION_CSV))) await once(csv, 'drain');
        }
        csv.end();
        await once(csv, 'end');
      } finally {
        await db.close();
      }
    },
  );

const cliContext = { open, out, err, exit: (message: string, status: number) => new CliExit(message, status) };
registerSectorCommands(program, cliContext);
registerUserCommands(program, cliContext);
registerNeighboursCommands(program, cliContext);
registerSurveyCommands(program, cliContext);
registerLoadCommand(program, cliContext);
registerMailCommands(program, cliContext);
registerPeerCommands(program, cliContext);
registerBudgetCommands(program, cliContext);
registerMonitorCommands(program, cliContext);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CliExit) {
    if (e.message) err(e.message);
    process.exitCode = e.status;
  } else if (e instanceof ConfigError || e instanceof UnknownAdapterError || e instanceof ImportStateError) {
    err(`sli: ${e.message}`);
    process.exitCode = 2;
  } else if (e instanceof AppError) {
    err(`sli: ${e.message}`);
    process.exitCode = 2;
  } else {
    err(`sli: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  }
}
