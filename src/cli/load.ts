/**
 * `sli load --all DIR`: every publisher's file of the shared-data list found in DIR, published, with a progress bar
 * in the terminal (src/app/load.ts does the work). With `--ipc` (the first start's child process) each event also
 * goes to the parent, which shows it on its pages and its own bar.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadAll, type LoadEvent } from '../app/load.ts';
import type { CliContext } from './sector.ts';

const BAR_STEPS = 1000;

/**
 * A terminal progress bar over the loader's events: one step per entry of the list, filled as its files are read, and
 * the entry it is on (file n of N, which publisher). Nothing when the stream is not a terminal.
 */
export function loadProgressBar(stream: NodeJS.WriteStream): ((e: LoadEvent) => void) & { stop(): void } {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        { format: ' {bar} {n} of {entries}: {name} ({publisher})', stream, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let current = { n: 0, entries: 0, name: '', publisher: '' };
  const onEvent = (e: LoadEvent) => {
    if (!bar) return;
    if (e.type === 'plan') bar.start(e.total * BAR_STEPS, 0, { ...current, entries: e.total });
    else if (e.type === 'start') {
      current = { n: e.n, entries: e.total, name: e.name, publisher: e.publisher };
      bar.update((e.n - 1) * BAR_STEPS, current);
    } else if (e.type === 'progress' && e.totalBytes > 0)
      bar.update((e.n - 1) * BAR_STEPS + Math.floor((BAR_STEPS * e.bytes) / e.totalBytes), current);
    else if (e.type === 'end') bar.update(e.n * BAR_STEPS, current);
    else if (e.type === 'finished') bar.stop();
  };
  return Object.assign(onEvent, { stop: () => bar?.stop() });
}

const WORDS: Record<string, string> = {
  loaded: 'loaded',
  already: 'already loaded',
  absent: 'skipped',
  failed: 'FAILED',
  skipped: 'skipped',
};

export function registerLoadCommand(program: Command, ctx: CliContext): void {
  program
    .command('load')
    .description(
      "load every publisher's file of the shared-data list found in a directory, published, in dependency order",
    )
    .requiredOption('--all <dir>', "the directory of publishers' files, e.g. ../shared/data")
    .option('--withdraw-missing', "withdraw published rows a publisher's re-published file no longer holds")
    .option('--ipc', '(internal) report progress to the parent process: the first start of the web service')
    .action(async (o: { all: string; withdrawMissing?: boolean; ipc?: boolean }, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      const bar = loadProgressBar(process.stderr);
      // The first start's child: the parent shows progress; a parent that goes away ends the load (nothing of the
      // import under way is committed).
      const send = o.ipc && process.send ? (e: LoadEvent) => process.send!(e) : undefined;
      const orphaned = () => process.exit(1);
      if (o.ipc) process.once('disconnect', orphaned);
      try {
        const ends = await loadAll(o.all, {
          db,
          services,
          withdrawMissing: !!o.withdrawMissing,
          onEvent: (e) => {
            if (send) send(e);
            else bar(e);
          },
        });
        bar.stop();
        for (const e of ends) {
          if (e.type !== 'end') continue;
          const line = `${e.n}/${ends.length} ${e.name}: ${WORDS[e.outcome]}. ${e.message}`;
          if (e.outcome === 'failed') ctx.err(line);
          else ctx.out(line);
        }
        const found = ends.some((e) => e.type === 'end' && (e.outcome === 'loaded' || e.outcome === 'already'));
        if (!found) throw ctx.exit(`No publisher's file of the list was found in ${o.all}.`, 1);
        if (ends.some((e) => e.type === 'end' && e.outcome === 'failed'))
          throw ctx.exit('Some files failed to load.', 1);
      } finally {
        bar.stop();
        await db.close();
        // The channel to the parent would keep this process alive.
        if (o.ipc && process.connected) {
          process.off('disconnect', orphaned);
          process.disconnect();
        }
      }
    });
}
