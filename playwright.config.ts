import { defineConfig } from '@playwright/test';

// Debian's Chromium (apt-get install chromium): this machine cannot download Playwright's browsers.
export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/global-setup.ts',
  timeout: 400_000, // a bound, also for each beforeAll that starts a server (startTandem waits up to 300 s)
  // Every web-first assertion and expect.poll waits on the server: on a loaded machine 5 s (the
  // default) is not enough. They end as soon as they hold, so only a failing one waits this long.
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    },
    trace: 'off',
  },
});
