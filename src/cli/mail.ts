/** `sli mail …`: send what is queued now (one pass, for cron or a host without the web service), see the queue. */
import type { Command } from 'commander';
import type { CliContext } from './sector.ts';

export function registerMailCommands(program: Command, ctx: CliContext): void {
  const mail = program.command('mail').description('outgoing email: the queue the web service sends from');
  mail
    .command('send-queued')
    .description('try every message that is due once (retries wait their turn), then exit')
    .action(async (_o, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        if (!services.email.configured())
          throw ctx.exit('Mail is not configured: set SLI_SMTP_HOST and SLI_MAIL_FROM (README.md, "Email").', 2);
        const t = await services.email.sendQueued();
        ctx.out(`Sent ${t.sent}; ${t.retry} will be tried again; ${t.dead} failed for good (dead letters).`);
        if (t.retry || t.dead) process.exitCode = 1;
      } finally {
        await services.email.stopWorker();
        await db.close();
      }
    });
  mail
    .command('status')
    .description('how many messages are in each state')
    .action(async (_o, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        const o = await services.email.overview();
        ctx.out(o.configured ? `Mail is sent through ${o.server}.` : 'Mail is not configured: messages stay queued.');
        for (const [status, n] of Object.entries(o.counts)) ctx.out(`${status}\t${n}`);
      } finally {
        await db.close();
      }
    });
}
