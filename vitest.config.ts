import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Workers inherit this: every file of one run shares one scratch folder (tests/fixtures/paths.ts).
process.env.TANDEM_TEST_RUN ??= `run-${process.pid}`;

export default defineConfig({
  // app/ imports with tsconfig's `@/` path: tests that call route handlers in-process resolve it the same way.
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL('./', import.meta.url)) }] },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    globalSetup: ['tests/fixtures/global-setup.ts'],
    // A bound for a hung test, not a speed target: on a loaded machine (two cores, other work beside
    // the suite) PGlite tests that take 10 s alone took 28-90 s and CLI tests 40-95 s; at 30 s they
    // failed by chance. Tests and child processes that name their own bound were raised alike.
    testTimeout: 180_000,
    hookTimeout: 400_000, // the same for a server start (startTandem waits up to 300 s)
    // PGlite and a real server per file are heavy: two at a time fits 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
