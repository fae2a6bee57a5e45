/** `sli users …`: add, list, disable and enable registered users (the first administrator is made here). */
import { Argument, Option, type Command } from 'commander';
import { AppError } from '../platform/errors.ts';
import { PERMISSIONS, ROLES } from '../modules/accounts/index.ts';
import type { CliContext } from './sector.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('registered users and their roles (visitors need no account)');
  users
    .command('add')
    .description(
      'add a user; the password is read from SLI_NEW_PASSWORD or, with --password-stdin, from standard input',
    )
    .requiredOption('--email <address>', 'sign-in email address')
    .requiredOption('--name <name>', 'name shown beside their notes')
    .addOption(new Option('--role <role>', 'what they may do').choices([...ROLES]).makeOptionMandatory())
    .option('--council <code>', 'GSS code of their council (required for the council role)')
    .option('--group <party>', 'the political group a group_office puts forward members of (required for that role)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        o: { email: string; name: string; role: string; council?: string; group?: string; passwordStdin?: boolean },
        cmd: Command,
      ) => {
        const password = o.passwordStdin ? await readStdin() : process.env.SLI_NEW_PASSWORD;
        if (!password)
          throw ctx.exit(
            'Give the password in SLI_NEW_PASSWORD or with --password-stdin (never as an argument: it would show in the process list).',
            2,
          );
        const { db, services } = await ctx.open(cmd);
        try {
          await services.accounts.addUser({
            email: o.email,
            name: o.name,
            password,
            role: o.role,
            council: o.council,
            politicalGroup: o.group,
          });
          ctx.out(`Added ${o.email.trim().toLowerCase()} (${o.role}).`);
        } catch (e) {
          if (e instanceof AppError && e.status < 500)
            throw ctx.exit(
              `${e.message}\n${e.errors.map((x) => `  ${x.field}${x.value !== undefined ? ` "${x.value}"` : ''}: ${x.message}`).join('\n')}`,
              1,
            );
          throw e;
        } finally {
          await db.close();
        }
      },
    );
  users
    .command('list')
    .description('list users with role, council and whether they are disabled')
    .action(async (_o, cmd: Command) => {
      const { db, services } = await ctx.open(cmd);
      try {
        for (const u of await services.accounts.listUsers()) {
          ctx.out(
            [
              u.email,
              u.role,
              u.council_code ?? '-',
              u.name,
              u.disabled_at ? `disabled ${u.disabled_at}` : 'active',
            ].join('\t'),
          );
        }
      } finally {
        await db.close();
      }
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(name)
      .description(disabled ? 'stop a user signing in and end their sessions' : 'let a disabled user sign in again')
      .argument('<email>')
      .action(async (email: string, _o, cmd: Command) => {
        const { db, services } = await ctx.open(cmd);
        try {
          await services.accounts.setDisabled(email, disabled);
        } catch (e) {
          if (e instanceof AppError && e.status === 404) throw ctx.exit(e.message, 1);
          throw e;
        } finally {
          await db.close();
        }
        ctx.out(`${disabled ? 'Disabled' : 'Enabled'} ${email}.`);
      });
  }
  for (const [name, granted] of [
    ['grant', true],
    ['revoke', false],
  ] as const) {
    users
      .command(name)
      .description(
        `${granted ? 'grant' : 'withdraw'} a permission beyond the role (${PERMISSIONS.join(', ')}: council users who set up budget simulators for their council)`,
      )
      .argument('<email>')
      .addArgument(new Argument('<permission>').choices([...PERMISSIONS]))
      .action(async (email: string, permission: string, _o, cmd: Command) => {
        const { db, services } = await ctx.open(cmd);
        try {
          await services.accounts.setPermission(email, permission, granted);
        } catch (e) {
          if (e instanceof AppError && e.status < 500) throw ctx.exit(e.message, 1);
          throw e;
        } finally {
          await db.close();
        }
        ctx.out(`${granted ? 'Granted' : 'Withdrew'} ${permission} ${granted ? 'to' : 'from'} ${email}.`);
      });
  }
}
