import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startTandem, type TandemProcess } from '../fixtures/tandem-server';
import { runTandemCli } from '../fixtures/cli';
import { TMP_ROOT } from '../fixtures/paths';

/**
 * Finding 10 of issue 15, end to end: `tandem start` runs its trainer with a
 * token of its own; revoking that token stops the trainer for good, and the
 * server says so once, with how to mint a new one, instead of restarting it.
 */
describe('tandem start whose trainer token is revoked', () => {
  let server: TandemProcess | undefined;
  afterAll(async () => { expect(await server?.stop()).toBe(0); });

  it('stops the trainer and says once that restarting the server mints a new token', async () => {
    const dataDir = path.join(TMP_ROOT, 'trainer-token-revoked');
    fs.rmSync(dataDir, { recursive: true, force: true });
    server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_TRAINER: '1', TANDEM_DEMO_LIMIT: '20' } });
    const list = await runTandemCli(dataDir, ['worker', 'token', 'list']);
    const id = /^\s*(\d+)\s+active\s+local trainer/m.exec(list.out)?.[1];
    expect(id, list.out + list.err).toBeDefined();
    expect((await runTandemCli(dataDir, ['worker', 'token', 'revoke', id!])).code).toBe(0);
    await expect.poll(() => server!.output(), { timeout: 60_000, interval: 250 }).toMatch(/worker token was revoked.*npm start.*npx tandem worker token create --name NAME/);
    const out = server.output();
    expect(out.match(/worker token was revoked/g)).toHaveLength(1);
    expect(out).not.toMatch(/restarting it/);
    expect(out).not.toMatch(/^tandem: /m);
  }, 240_000);
});
