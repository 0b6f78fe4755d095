#!/usr/bin/env node
// TEMPORARY minimal entry (the CLI helper replaces it).
import { register } from 'tsx/esm/api';
register();
const { readConfig } = await import('../server/config.ts');
const { startServer } = await import('../server/main.ts');
if (process.argv[2] !== 'start') { console.error('tandem: only start for now'); process.exit(2); }
const s = await startServer(readConfig());
const stop = async () => { await s.close(); process.exit(0); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
