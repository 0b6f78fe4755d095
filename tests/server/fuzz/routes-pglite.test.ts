import { fuzzRoutes } from './routes-suite';

fuzzRoutes('pglite');
