import { describe, it } from 'vitest';
import { fuzzRoutes } from './routes-suite';

// Every route once more on Postgres, with fewer cases: here the database is fingerprinted straight from its tables
// (on PGlite, which the server owns alone, through the admin's API).
if (process.env.TEST_DATABASE_URL) fuzzRoutes('postgres', { part: 'all', defaultCases: 2 });
else describe.skip('every HTTP route under hostile input, on postgres (TEST_DATABASE_URL is not set)', () => { it('is skipped', () => {}); });
