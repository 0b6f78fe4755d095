/**
 * npm run bench:label — key press → next image painted, and label → commit
 * acknowledged, p50/p99 over N labels (default 500) from one real browser
 * against a real server on the embedded database.
 */
import path from 'node:path';
import fs from 'node:fs';
import { DEMO_PASSWORD, freePort, startTandem } from '../tests/fixtures/tandem-server';
import { launchChromium, loginInBrowser } from '../tests/fixtures/browser';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { ROOT } from '../tests/fixtures/paths';
import { machine, percentile } from './stats';

const N = Number(process.env.BENCH_LABELS ?? 500);

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench'));
  const dataDir = path.join(ROOT, 'bench/.tmp/label');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: String(Math.max(N + 100, 1000)) } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await loginInBrowser(page, server.url, 'ann1@tandem.local', DEMO_PASSWORD);
    await page.getByTestId('start-labeling').first().click();
    await page.getByTestId('current-item').waitFor();
    for (let i = 0; i < N; i++) {
      const item = await page.getByTestId('current-item').getAttribute('data-item-id');
      await page.keyboard.press(String(i % 10));
      await page.waitForFunction((old) => document.querySelector('[data-testid=current-item]')?.getAttribute('data-item-id') !== old, item);
      if ((i + 1) % 100 === 0) process.stderr.write(`  ${i + 1}/${N} labels\n`);
    }
    await page.waitForFunction(() => !document.querySelector('[data-testid=pending-count]'));
    const m = await page.evaluate(() => window.__tandem!);
    const row = {
      labels: N,
      nextShownP50: percentile(m.shownMs, 50), nextShownP99: percentile(m.shownMs, 99),
      commitP50: percentile(m.commitMs, 50), commitP99: percentile(m.commitMs, 99),
      serverCommitP50: percentile(m.serverMs, 50), serverCommitP99: percentile(m.serverMs, 99),
      queuedInBrowserP50: percentile(m.queuedMs, 50), queuedInBrowserP99: percentile(m.queuedMs, 99),
      sentToFirstByteP50: percentile(m.waitMs, 50), sentToFirstByteP99: percentile(m.waitMs, 99),
      // Key press → acknowledgement, outbox wait included (the driver types faster than one label at a time commits).
      keyToAckP50: percentile(m.madeToAckMs ?? [], 50), keyToAckP99: percentile(m.madeToAckMs ?? [], 99),
      samples: { shown: m.shownMs.length, commit: m.commitMs.length, server: m.serverMs.length, keyToAck: (m.madeToAckMs ?? []).length },
      date: new Date().toISOString(), machine: machine(), database: 'pglite',
    };
    console.log(JSON.stringify(row, null, 2));
    const f = (x: number) => x.toFixed(1);
    console.log(`| ${row.date.slice(0, 10)} | ${N} | ${f(row.nextShownP50)} / ${f(row.nextShownP99)} | ${f(row.commitP50)} / ${f(row.commitP99)} | ${f(row.serverCommitP50)} / ${f(row.serverCommitP99)} | ${row.machine} |`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
