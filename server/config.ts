import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { describeZodError } from '../lib/errors';
import { DEFAULT_MAX_BODY_BYTES } from './http/request-guard';
import { DEFAULT_REFUSAL_LIMIT } from '../lib/http/refusal-budget';

/**
 * Configuration is read once, from the environment, validated here. The
 * defaults are the README's table; change one there when you change it here.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** The name the printed URL uses (and Auth.js redirects to). */
  PUBLIC_HOST: z.string().default('localhost'),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  TANDEM_DATA: z.string().default('./.tandem'),
  AUTH_SECRET: z.string().min(16).optional(),
  TANDEM_LEASE_SECONDS: z.coerce.number().int().min(10).max(86400).default(600),
  /** Create the demo projects (MNIST digits, rendered poses) on start when the database has no projects. */
  TANDEM_DEMO: z.enum(['0', '1']).default('1'),
  /** How many demo digits to import (all 10,000 by default; tests use fewer). */
  TANDEM_DEMO_LIMIT: z.coerce.number().int().min(10).max(10000).default(10000),
  /** How many rendered pose images the keypoint demo project gets. */
  TANDEM_DEMO_POSES: z.coerce.number().int().min(1).max(10000).default(300),
  TANDEM_DEMO_PASSWORD: z.string().min(8).optional(),
  TANDEM_DEV: z.enum(['0', '1']).default('0'),
  /** Start the trainer worker next to the server. */
  TANDEM_TRAINER: z.enum(['0', '1']).default('1'),
  /** Queue a retrain after this many new labels … */
  TANDEM_RETRAIN_EVERY: z.coerce.number().int().min(1).max(100_000).default(10),
  /** … or this many seconds after the last one, when any label is new. */
  TANDEM_RETRAIN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /** Largest request body a route reads, in bytes; routes that need more (embedding uploads) say so themselves. */
  TANDEM_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  /** How long a pool view's build waits, before each page it reads, for claims in flight (ms; 0: never): the first claims after a start go first. */
  TANDEM_CLAIMS_FIRST_MS: z.coerce.number().int().min(0).max(5000).default(250),
  /** How far the server's V8 heap may grow past what a full collection left live, in percent (0: V8's own choice, up to 300%); server/heap.ts. */
  TANDEM_HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(400).default(50),
  /** Requests of one caller the API may refuse in a burst, and per minute sustained, before it answers 429 without reading theirs (0: no throttle); server/http/refusal-throttle.ts. */
  TANDEM_REFUSAL_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_REFUSAL_LIMIT),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  publicHost: string;
  databaseUrl?: string;
  dataDir: string;
  authSecret: string;
  leaseSeconds: number;
  demo: boolean;
  demoLimit: number;
  demoPoses: number;
  demoPassword?: string;
  dev: boolean;
  trainer: boolean;
  retrainEvery: number;
  retrainSeconds: number;
  maxBodyBytes: number;
  claimsFirstMs: number;
  heapGrowthPercent: number;
  refusalLimit: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`bad environment: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  const dataDir = path.resolve(e.TANDEM_DATA);
  let authSecret = e.AUTH_SECRET;
  return {
    port: e.PORT,
    host: e.HOST,
    publicHost: e.PUBLIC_HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    // Read (or made) when first asked for: reading the configuration must not create the data
    // folder, or `tandem --help` in the wrong folder would leave one behind (server/cli/data-folder.ts).
    get authSecret() {
      return (authSecret ??= persistentSecret(dataDir));
    },
    leaseSeconds: e.TANDEM_LEASE_SECONDS,
    demo: e.TANDEM_DEMO === '1',
    demoLimit: e.TANDEM_DEMO_LIMIT,
    demoPoses: e.TANDEM_DEMO_POSES,
    demoPassword: e.TANDEM_DEMO_PASSWORD,
    dev: e.TANDEM_DEV === '1',
    trainer: e.TANDEM_TRAINER === '1',
    retrainEvery: e.TANDEM_RETRAIN_EVERY,
    retrainSeconds: e.TANDEM_RETRAIN_SECONDS,
    maxBodyBytes: e.TANDEM_MAX_BODY_BYTES,
    claimsFirstMs: e.TANDEM_CLAIMS_FIRST_MS,
    heapGrowthPercent: e.TANDEM_HEAP_GROWTH_PERCENT,
    refusalLimit: e.TANDEM_REFUSAL_LIMIT,
    logLevel: e.LOG_LEVEL,
  };
}

/** Sessions survive a restart: the secret is made once and kept in the data folder. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

export function pgliteDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'db');
}

/** The pool views the server keeps between runs (one file per project; safe to delete). */
export function viewsDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'views');
}

export function mediaDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'media');
}
