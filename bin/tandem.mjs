#!/usr/bin/env node
// The `tandem` command: TypeScript sources run through tsx, so there is no separate build of the server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Stragglers (a driver's idle timer) must not keep a finished command alive.
setTimeout(() => process.exit(process.exitCode), 3000).unref();
