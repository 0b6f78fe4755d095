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
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // PGlite and a real server per file are heavy: two at a time fits 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
