import { afterEach, describe, expect, it, vi } from 'vitest';
import { superviseTrainer, TRAINER_TOKEN_REFUSED } from '../../server/trainer-process';
import { TOKEN_REFUSED_EXIT } from '../../workers/trainer/supervision';
import type { Logger } from '../../server/log';
import { ROOT } from '../fixtures/paths';

/** A logger that keeps what was said, by level. */
function recordingLog() {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (a: unknown, b?: unknown) => { lines.push({ level, msg: typeof a === 'string' ? a : String(b) }); };
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger };
}

/**
 * Finding 10 of issue 15: `tandem start`'s trainer, when the server refuses
 * its token (revoked), exits with TOKEN_REFUSED_EXIT; the supervisor then
 * stops it for good with one line saying how to mint a new token, instead of
 * restarting it with the same token forever. Any other exit still restarts.
 */
describe('the trainer supervisor', () => {
  afterEach(() => { vi.useRealTimers(); });

  /** Supervises a stand-in trainer (`node -e SCRIPT`) and resolves at each of its exits. */
  function supervise(script: string) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lines, log } = recordingLog();
    const exits: string[] = [];
    let exited: () => void = () => {};
    const trainer = superviseTrainer({
      root: ROOT, server: 'http://127.0.0.1:1', token: 'tdw_test', log, logLevel: 'silent', cacheDir: '/tmp/unused',
      command: ['-e', script],
      onExit: (_worker, why) => { exits.push(why); exited(); },
    });
    const nextExit = () => new Promise<void>((r) => { exited = r; });
    return { trainer, lines, exits, nextExit };
  }

  it('does not restart a trainer whose token was refused, and says once how to mint a new one', async () => {
    const s = supervise(`process.exit(${TOKEN_REFUSED_EXIT})`);
    await s.nextExit();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(s.exits).toEqual([`trainer process exited (code ${TOKEN_REFUSED_EXIT})`]);
    expect(s.lines.filter((l) => l.msg === 'trainer worker started')).toHaveLength(1);
    expect(s.lines.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([{ level: 'error', msg: TRAINER_TOKEN_REFUSED }]);
    expect(TRAINER_TOKEN_REFUSED).toMatch(/revoked/);
    expect(TRAINER_TOKEN_REFUSED).toMatch(/npm start/);
    expect(TRAINER_TOKEN_REFUSED).toMatch(/npx tandem worker token create --name NAME/);
    expect(s.trainer.pid()).toBeUndefined();
    await s.trainer.stop();
  });

  it('still restarts a trainer that crashed, after a pause', async () => {
    const s = supervise('process.exit(1)');
    await s.nextExit();
    expect(s.lines.filter((l) => l.msg === 'trainer worker started')).toHaveLength(1);
    const again = s.nextExit();
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.lines.filter((l) => l.msg === 'trainer worker started')).toHaveLength(2);
    await again;
    await s.trainer.stop();
    expect(s.lines.some((l) => l.level === 'error')).toBe(false);
  });
});
