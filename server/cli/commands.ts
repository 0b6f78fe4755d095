import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isTandemError, TandemError } from '../../lib/errors';
import { parseId } from '../../lib/protocol/ids';
import { PROJECT_ROLES, USER_ROLES } from '../../lib/roles';
import type { Services } from '../services';
import { SYSTEM } from '../services/access';
import { isTokenRefused, SUPERVISED_TRAINER_ENV, TOKEN_REFUSED_EXIT } from '../../workers/trainer/supervision';
import { registerModelCommands } from './models';
import { registerQueueCommands } from './queue';
import { registerDatasetCommands } from './projects';
import { registerAgreementCommands } from './agreement';

/** What a command runs against: the services of an open database, wherever it is. */
export interface CliContext {
  services: Services;
}

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Reads all of stdin (for --password-stdin). */
  stdin?: () => Promise<string>;
  /** Where the user typed the command: relative paths resolve against it, also inside the server. */
  cwd?: string;
  /** Runs the server until it is stopped; absent inside a server that runs already. */
  start?: () => Promise<void>;
  /** Runs a trainer worker against a server until it is stopped; absent inside a server. */
  worker?: (opts: { server: string; token: string }) => Promise<void>;
}

/** Bad usage: exit code 2, like commander's own usage errors. */
export class UsageError extends Error {}

/**
 * Every CLI command but `start`, written once: the terminal runs it against a
 * database it opens, and a running server runs it in-process for a CLI that
 * must not open the embedded database itself.
 */
export function buildProgram(io: CliIO, context: () => Promise<CliContext>): Command {
  const program = new Command('tandem')
    .description('Tandem: label together with a model that learns as you go')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // One line: the cause, then where to look for the fix.
      outputError: (s, write) => write(`tandem: ${s.replace(/^error: /, '').replace(/\n+$/, '').replace(/\n/g, ' ')} — see \`tandem --help\`\n`),
    })
    .showSuggestionAfterError(true);
  const services = async () => (await context()).services;
  const resolvePath = (p: string) => path.resolve(io.cwd ?? process.cwd(), p);

  program.command('start').description('start the server (pages, API, socket.io, Yjs) and the demo project on first run')
    .action(async () => {
      if (!io.start) throw new TandemError('conflict', 'Tandem is running already — stop it before starting it again');
      await io.start();
    });
  program.command('migrate').description('apply database migrations (start does this too)').action(async () => {
    await context();
    io.out('database is up to date');
  });

  const user = program.command('user').description('manage users');
  /** The password given with --password or --password-stdin, else a generated one (printed by the caller). */
  const passwordOf = async (o: { password?: string; passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> => {
    let given = o.password;
    if (o.passwordStdin) {
      if (!io.stdin) throw new UsageError('--password-stdin has no input here — use --password');
      given = (await io.stdin()).trim();
    }
    return given === undefined ? { password: crypto.randomBytes(9).toString('base64url'), generated: true } : { password: given, generated: false };
  };
  user.command('add <email>').description('add a user (prints a generated password unless you give one)')
    .option('--name <name>', 'display name')
    .option('--password <password>', 'password (8+ characters); prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(new Option('--role <role>', 'global role').choices([...USER_ROLES]).default('user'))
    .action(async (email: string, o: { name?: string; password?: string; passwordStdin?: boolean; role: 'admin' | 'user' }) => {
      const { password, generated } = await passwordOf(o);
      const u = await (await services()).users.add(SYSTEM, { email, name: o.name, password, role: o.role });
      io.out(`added ${u.email} (id ${u.id}, ${u.role})${generated ? ` with password ${password}` : ''}`);
    });
  user.command('list').description('list users').action(async () => {
    for (const u of await (await services()).users.list(SYSTEM)) io.out(`${String(u.id).padStart(4)}  ${u.role.padEnd(5)}  ${u.email}  ${u.name}`);
  });
  user.command('role <email> <role>').description(`set a user's global role (${USER_ROLES.join('|')})`).action(async (email: string, role: string) => {
    if (!(USER_ROLES as readonly string[]).includes(role)) throw new UsageError(`role must be one of ${USER_ROLES.join(', ')} — e.g. tandem user role ${email} admin`);
    const s = await services();
    const u = await s.users.findByEmail(email);
    if (!u) throw new TandemError('not_found', `no user ${email} — see \`tandem user list\``);
    await s.users.setRole(SYSTEM, u.id, role as 'admin' | 'user');
    io.out(`${email} is now ${role}`);
  });

  user.command('password <email>').description('set a new password (prints a generated one unless you give one); ends every session of the user')
    .option('--password <password>', 'password (8+ characters); prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (email: string, o: { password?: string; passwordStdin?: boolean }) => {
      const { password, generated } = await passwordOf(o);
      const s = await services();
      const u = await s.users.findByEmail(email);
      if (!u) throw new TandemError('not_found', `no user ${email} — see \`tandem user list\``);
      await s.users.setPassword(SYSTEM, u.id, password);
      io.out(`${email} has a new password${generated ? ` ${password}` : ''}; their sessions are ended`);
    });

  program.command('member').description('manage project members')
    .command('set <project> <email> <role>').description(`set a user's role in a project (${PROJECT_ROLES.join('|')}|none)`)
    .action(async (ref: string, email: string, role: string) => {
      if (![...PROJECT_ROLES, 'none'].includes(role)) throw new UsageError(`role must be one of ${PROJECT_ROLES.join(', ')}, none — e.g. tandem member set ${ref} ${email} annotator`);
      const s = await services();
      const project = await s.projects.resolve(ref);
      const u = await s.users.findByEmail(email);
      if (!u) throw new TandemError('not_found', `no user ${email} — add them with \`tandem user add ${email}\``);
      await s.projects.setMember(SYSTEM, project.id, u.id, role === 'none' ? null : (role as 'lead' | 'annotator'));
      io.out(role === 'none' ? `${email} removed from ${project.slug}` : `${email} is ${role} in ${project.slug}`);
    });

  const project = program.command('project').description('manage projects');
  project.command('list').description('list projects with their counts').action(async () => {
    const rows = await (await services()).projects.listVisible(SYSTEM);
    if (rows.length === 0) io.out('no projects yet: tandem project create SLUG --classes a,b');
    for (const p of rows) {
      io.out(`${String(p.id).padStart(4)}  ${p.slug}  items ${p.counts.items}  labeled ${p.counts.labeled}  holdout ${p.counts.holdout} (labeled ${p.counts.holdoutLabeled})`);
    }
  });

  project.command('set <project>').description('steer how a project learns (`default` puts a setting back to the server default)')
    .option('--strategy <name>', 'acquisition strategy, e.g. auto, margin, random (tandem simulate --list-strategies)')
    .option('--retrain-every <labels>', 'retrain after this many new labels')
    .option('--retrain-seconds <s>', '… or this long after the last retrain, when any label is new')
    .action(async (ref: string, o: { strategy?: string; retrainEvery?: string; retrainSeconds?: string }) => {
      const value = (flag: string, v: string | undefined, numeric: boolean) => {
        if (v === undefined) return undefined;
        if (v === 'default') return null;
        if (!numeric) return v;
        if (!/^\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number or \`default\`, not "${v}"`);
        return Number(v);
      };
      const patch = {
        strategy: value('--strategy', o.strategy, false) as string | null | undefined,
        retrainEvery: value('--retrain-every', o.retrainEvery, true) as number | null | undefined,
        retrainSeconds: value('--retrain-seconds', o.retrainSeconds, true) as number | null | undefined,
      };
      if (Object.values(patch).every((v) => v === undefined)) throw new UsageError('give --strategy, --retrain-every or --retrain-seconds');
      const s = await services();
      const p = await s.projects.resolve(ref);
      const settings = await s.projects.updateSettings(SYSTEM, p.id, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
      io.out(`${p.slug}: ${Object.keys(settings).length ? Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ') : 'server defaults'}`);
    });

  registerDatasetCommands(program, project, io, services, resolvePath);

  const worker = program.command('worker')
    .description('run a trainer worker against a Tandem server (it speaks the worker protocol; it never opens the database)')
    .option('--server <url>', 'the server, e.g. http://localhost:3000', process.env.TANDEM_SERVER)
    .option('--token <token>', 'a worker token (tandem worker token create); or set TANDEM_WORKER_TOKEN', process.env.TANDEM_WORKER_TOKEN)
    .action(async (o: { server?: string; token?: string }) => {
      if (!o.server || !/^https?:\/\//.test(o.server)) throw new UsageError('give --server http://HOST:PORT (or TANDEM_SERVER)');
      if (!o.token) throw new UsageError('give --token (or TANDEM_WORKER_TOKEN); make one with `tandem worker token create`');
      if (!io.worker) throw new UsageError('run the worker from a terminal, not through a server');
      await io.worker({ server: o.server, token: o.token });
    });
  const token = worker.command('token').description('manage worker tokens (stored hashed; shown once)');
  token.command('create').description('make a token for a trainer; prints it once')
    .requiredOption('--name <name>', 'who uses it, e.g. gpu-box-1')
    .option('--projects <list>', 'comma-separated project slugs or ids it may train (default: all)')
    .action(async (o: { name: string; projects?: string }) => {
      const s = await services();
      const ids = o.projects ? await Promise.all(o.projects.split(',').map(async (ref) => (await s.projects.resolve(ref.trim())).id)) : null;
      const made = await s.training.tokens.create(SYSTEM, o.name, ids);
      io.out(`worker token ${made.id} (${o.name}${ids ? `, projects ${ids.join(', ')}` : ', all projects'}):`);
      io.out(made.token);
      io.err('store it now: only its hash is kept');
    });
  token.command('list').description('list worker tokens').action(async () => {
    const rows = await (await services()).training.tokens.list(SYSTEM);
    if (rows.length === 0) io.out('no worker tokens: tandem worker token create --name NAME');
    for (const t of rows) {
      io.out(`${String(t.id).padStart(4)}  ${t.revokedAt ? 'revoked' : 'active '}  ${t.name}  projects ${t.projectIds ? t.projectIds.join(',') : 'all'}  last seen ${t.lastSeenAt?.toISOString() ?? 'never'}`);
    }
  });
  token.command('revoke <id>').description('revoke a worker token; its trainer gets 401 from then on').action(async (id: string) => {
    const tokenId = parseId(id, 'serial');
    if (tokenId === null) throw new UsageError('give the token id from `tandem worker token list`');
    await (await services()).training.tokens.revoke(SYSTEM, tokenId);
    io.out(`worker token ${id} revoked`);
  });
  registerModelCommands(program, io, services, resolvePath);
  registerQueueCommands(program, io, services);
  registerAgreementCommands(program, io, services, resolvePath);

  return program;
}

const TOKEN_REFUSED_MESSAGE = 'the server refused this worker token (revoked, or not made on this server): the trainer stopped.'
  + ' Make a new token on the server with `npx tandem worker token create --name NAME` and start the worker with it (--token or TANDEM_WORKER_TOKEN)';

/** Some files failed but the rest was done: exit 1 without another message. */
export class PartialFailure extends Error {}

/** Runs argv (without `node tandem`) and returns the exit code; errors become one line on stderr. */
export async function runProgram(argv: string[], io: CliIO, context: () => Promise<CliContext>): Promise<number> {
  const program = buildProgram(io, context);
  if (argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // `tandem --help` exits 0; help shown because a subcommand is missing (`tandem user`) is bad usage.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
      return 2; // commander already printed the one-line reason
    }
    if (e instanceof PartialFailure) return 1;
    if (isTokenRefused(e)) {
      // Under `tandem start` the server's supervisor says it, with what fits there (server/trainer-process.ts).
      if (process.env[SUPERVISED_TRAINER_ENV] !== '1') io.err(`tandem: ${TOKEN_REFUSED_MESSAGE} (the server said: ${e.message})`);
      return TOKEN_REFUSED_EXIT;
    }
    if (e instanceof UsageError) {
      io.err(`tandem: ${e.message}`);
      return 2;
    }
    if (isTandemError(e)) {
      io.err(`tandem: ${e.message}`);
      return e.code === 'bad_request' ? 2 : 1;
    }
    // Unexpected: still one line, with the stack on request.
    const err = e as Error;
    io.err(`tandem: ${oneLine(err?.message ?? String(e))} — if this persists, run again with TANDEM_DEBUG=1 and report the output`);
    if (process.env.TANDEM_DEBUG === '1' && err?.stack) io.err(err.stack);
    return 1;
  }
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
