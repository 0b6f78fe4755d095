import { fuzzRoutes } from './routes-suite';

// The routes pages call, as an admin, an annotator, a non-member and a forged session (PGlite; Postgres: routes-postgres.test.ts).
fuzzRoutes('pglite', { part: 'session', defaultCases: 4 });
