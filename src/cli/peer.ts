/** `sli peer import FILE`: a history of past peer challenges from a CSV (the format: src/modules/peer/history.ts). */
import type { Command } from 'commander';
import { HISTORY_COLUMNS } from '../modules/peer/index.ts';
import { readTextFile, refusal, type CliContext } from './sector.ts';

export function registerPeerCommands(program: Command, ctx: CliContext): void {
  const peer = program.command('peer').description('the corporate peer challenge programme');
  peer
    .command('import')
    .description(
      `load a history of past engagements from a CSV with columns ${HISTORY_COLUMNS.join(', ')} (framework and the later dates optional); all or nothing, problems named by file:line`,
    )
    .argument('<file>', 'the CSV file')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const text = readTextFile(file, ctx);
      const { db, services } = await ctx.open(cmd);
      try {
        const r = await services.peer.importHistory(file, text);
        ctx.out(`Imported ${r.engagements} engagement${r.engagements === 1 ? '' : 's'} from ${file}.`);
      } catch (e) {
        throw refusal(ctx, e);
      } finally {
        await db.close();
      }
    });
}
