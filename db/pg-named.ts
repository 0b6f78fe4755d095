import type pg from 'pg';

/**
 * Statements the server sends to Postgres often, named so that each connection parses them once.
 *
 * drizzle sends every query unnamed, so Postgres parses and analyses it on every call, and plans
 * it each time; a named statement (node-postgres's `name`) is parsed once per connection and may
 * keep a generic plan. Under a labeling team that is most of Postgres's work for a claim's short
 * reads. A statement text gets a name once it was seen `after` times, the same name on every
 * connection (node-postgres refuses one name for two texts), so a text with values written into
 * it, which rarely repeats, is not named and fills no connection's cache. Single statements only
 * (a name holds one); at most `capacity` names.
 */
export interface NamedStats { named: number; sent: number }

export function nameRepeatedStatements(pool: pg.Pool, opts: { after?: number; capacity?: number; maxTextLength?: number } = {}): NamedStats {
  const after = opts.after ?? 2;
  const capacity = opts.capacity ?? 500;
  const maxTextLength = opts.maxTextLength ?? 16_384;
  const stats: NamedStats = { named: 0, sent: 0 };
  const seen = new Map<string, number>();
  const names = new Map<string, string>();

  function nameOf(text: string): string | undefined {
    const known = names.get(text);
    if (known) return known;
    if (names.size >= capacity || text.length > maxTextLength || text.includes(';')) return undefined;
    const n = (seen.get(text) ?? 0) + 1;
    if (n < after) {
      // Texts seen once must not pile up: forget them all now and then.
      if (seen.size >= capacity * 20) seen.clear();
      seen.set(text, n);
      return undefined;
    }
    seen.delete(text);
    const name = `tandem_s${names.size + 1}`;
    names.set(text, name);
    stats.named++;
    return name;
  }

  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
      // drizzle's calls: a config object with the text, no name, values beside it.
      if (config && typeof config === 'object' && !('submit' in config)) {
        const c = config as { text?: unknown; name?: unknown };
        if (typeof c.text === 'string' && c.name === undefined) {
          const name = nameOf(c.text);
          if (name) {
            stats.sent++;
            return query({ ...c, name }, ...rest);
          }
        }
      }
      return query(config, ...rest);
    };
  });
  return stats;
}
