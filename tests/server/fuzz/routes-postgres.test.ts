import { describe, it } from 'vitest';
import { fuzzRoutes } from './routes-suite';

// On Postgres the database is fingerprinted straight from its tables (on PGlite through the admin's API).
if (process.env.TEST_DATABASE_URL) fuzzRoutes('postgres');
else describe.skip('every HTTP route under hostile input, on postgres (TEST_DATABASE_URL is not set)', () => { it('is skipped', () => {}); });
