import type { Database } from '../db/client';
import type { Config } from './config';
import type { Logger } from './log';
import type { MediaStore } from './media';
import type { Services } from './services';
import { TandemError } from '../lib/errors';

/**
 * What the custom server hands to the Next.js side. Next bundles route
 * handlers and pages separately from the server, so module state is not
 * shared; this one object on globalThis is the bridge, and route handlers only
 * call through it (they never open the database themselves).
 */
export interface Runtime {
  config: Config;
  database: Database;
  services: Services;
  media: MediaStore;
  log: Logger;
  startedAt: Date;
}

const KEY = Symbol.for('tandem.runtime');
type Holder = { [KEY]?: Runtime };

export function setRuntime(r: Runtime | undefined): void {
  (globalThis as Holder)[KEY] = r;
}

export function runtime(): Runtime {
  const r = (globalThis as Holder)[KEY];
  if (!r) throw new TandemError('unavailable', 'Tandem is not running in this process: start it with `npm start`');
  return r;
}
