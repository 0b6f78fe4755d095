import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema.ts and applied by `tandem migrate`
// (and on every `tandem start`) to Postgres or to the embedded PGlite alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
