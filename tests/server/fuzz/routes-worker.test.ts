import { fuzzRoutes } from './routes-suite';

// The worker protocol's routes with a token and a forged one, then oversized bodies and malformed HTTP on every route (PGlite).
fuzzRoutes('pglite', { part: 'worker', defaultCases: 4 });
