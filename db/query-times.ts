import fs from 'node:fs';

/**
 * A diagnostic for benchmarks, off unless TANDEM_QUERY_TIMES names a file: the
 * time PGlite spends per statement (its queries run on the server's own thread,
 * so this is time every other request waited), summed by statement text and
 * written every TANDEM_QUERY_TIMES_MS (5,000) as one JSON line, the costliest
 * first. It times PGlite's synchronous protocol call, the part that holds the
 * thread (awaits around it are not counted): each extended-protocol query is
 * several calls (parse, describe, bind, execute), all counted to the text of
 * the last parse or simple query seen.
 */
interface ProtocolClient { execProtocolRawSync(message: Uint8Array): unknown }

export function timePgliteQueries(client: ProtocolClient, env: Record<string, string | undefined> = process.env, preparedText?: (name: string) => string | undefined): (() => void) | null {
  const file = env.TANDEM_QUERY_TIMES;
  if (!file) return null;
  const every = Number(env.TANDEM_QUERY_TIMES_MS ?? 5000);
  const totals = new Map<string, { calls: number; ms: number; max: number }>();
  let current = '(none)';
  const decoder = new TextDecoder();
  const textOf = (m: Uint8Array): string | null => {
    // 'P': length, statement name\0, query\0 …; 'Q': length, query\0.
    if (m[0] === 0x50) {
      let i = 5;
      while (i < m.length && m[i] !== 0) i++;
      const start = i + 1;
      let end = start;
      while (end < m.length && m[end] !== 0) end++;
      return decoder.decode(m.subarray(start, end));
    }
    if (m[0] === 0x51) {
      let end = 5;
      while (end < m.length && m[end] !== 0) end++;
      return decoder.decode(m.subarray(5, end));
    }
    return null;
  };
  const original = client.execProtocolRawSync.bind(client);
  client.execProtocolRawSync = (message) => {
    const text = textOf(message);
    if (text !== null) {
      // A statement executed by name (db/pglite-prepared.ts) is counted to the text it was prepared from.
      const name = /^execute (tandem_q\d+)/.exec(text)?.[1];
      const shown = (name && preparedText?.(name)) || text;
      current = shown.replace(/\s+/g, ' ').slice(0, 160);
    }
    const key = current;
    const t = performance.now();
    try {
      return original(message);
    } finally {
      const s = totals.get(key) ?? { calls: 0, ms: 0, max: 0 };
      if (text !== null) s.calls++;
      const ms = performance.now() - t;
      s.ms += ms;
      // The longest single protocol call: what one statement held the thread for at worst.
      s.max = Math.max(s.max, ms);
      totals.set(key, s);
    }
  };
  const write = () => {
    const top = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40).map(([sql, s]) => ({ ms: Math.round(s.ms), calls: s.calls, maxMs: Math.round(s.max * 10) / 10, sql }));
    fs.appendFile(file, JSON.stringify({ t: Date.now(), top }) + '\n', () => {});
  };
  const timer = setInterval(write, every);
  timer.unref();
  return () => { clearInterval(timer); client.execProtocolRawSync = original; };
}
