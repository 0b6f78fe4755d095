import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from './log';
import { SUPERVISED_TRAINER_ENV, TOKEN_REFUSED_EXIT } from '../workers/trainer/supervision';

/** What `npm start` says, once, when the server refused its trainer's token: restarting with the same token cannot help. */
export const TRAINER_TOKEN_REFUSED = 'the trainer\'s worker token was revoked (or is unknown to this server); the trainer is stopped.'
  + ' Restart the server (npm start) to mint a new local token, or run a trainer yourself:'
  + ' npx tandem worker token create --name NAME, then npx tandem worker --server URL --token TOKEN';

/**
 * Runs the trainer worker as a child process next to the server (`npm start`
 * starts both). It talks to the server over the worker protocol like any
 * remote trainer would; when it crashes it is started again, with a growing
 * pause, and labeling never notices. One that exits with TOKEN_REFUSED_EXIT
 * (its token was revoked) stays stopped, with one log line saying why.
 */
export function superviseTrainer(opts: {
  root: string; server: string; token: string; log: Logger; logLevel: string;
  /** The trainer's thumbnail and feature cache (inside the data folder, so it goes where the data goes). */
  cacheDir: string;
  /** Called with the worker's name (host:pid, as it claims jobs) when it exits, so its jobs are re-queued at once. */
  onExit?: (worker: string, why: string) => void;
  /** The process to run, for tests; by default `node bin/tandem.mjs worker --server SERVER`. */
  command?: string[];
}) {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  const launch = () => {
    const started = Date.now();
    child = spawn(process.execPath, opts.command ?? [path.join(opts.root, 'bin/tandem.mjs'), 'worker', '--server', opts.server], {
      cwd: opts.root,
      env: { ...process.env, TANDEM_WORKER_TOKEN: opts.token, LOG_LEVEL: opts.logLevel, TANDEM_WORKER_CACHE: opts.cacheDir, [SUPERVISED_TRAINER_ENV]: '1' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    opts.log.info({ pid: child.pid }, 'trainer worker started');
    child.on('exit', (code, signal) => {
      const pid = child?.pid;
      child = undefined;
      if (pid) opts.onExit?.(`${os.hostname()}:${pid}`, `trainer process exited (${signal ?? `code ${code}`})`);
      if (stopping) return;
      if (code === TOKEN_REFUSED_EXIT) {
        opts.log.error(TRAINER_TOKEN_REFUSED);
        return;
      }
      // A trainer that ran a while crashed once; one that dies at once is in a loop and should back off.
      if (Date.now() - started > 10_000) restarts = 0;
      const wait = Math.min(30_000, 1000 * 2 ** restarts++);
      opts.log.warn({ code, signal, restartInMs: wait }, 'trainer worker exited; restarting it');
      timer = setTimeout(launch, wait);
    });
  };
  launch();

  return {
    pid: () => child?.pid,
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      const c = child;
      if (!c) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
        c.once('exit', () => { clearTimeout(kill); resolve(); });
        c.kill('SIGTERM');
      });
    },
  };
}
