import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseKind } from '../../../db/client';
import { ROOT, TMP_ROOT } from '../../fixtures/paths';
import { changedTables, type Fingerprint } from '../../fixtures/fuzz/fingerprint';
import { Findings, fuzzBudget, rawExchange, routeCases, sendAll, streamBody, type Caller } from '../../fixtures/fuzz/harness';
import { ROUTES, routeName, routePath, type RouteSpec } from '../../fixtures/fuzz/routes';
import { startFuzzServer, type FuzzServer } from '../../fixtures/fuzz/server';

/**
 * The fuzz suite for every HTTP route (tests/fixtures/fuzz/routes.ts), on a
 * real `tandem start`: each route gets FUZZ_CASES (default 4) malformed,
 * oversized, out-of-range or wrongly typed requests per caller, drawn from
 * FUZZ_SEED. Whatever it is sent, the server answers without a 5xx, stays
 * up, changes nothing in the database for a request it must refuse, and
 * answers a normal request within a second afterwards. A failing test lists
 * one line per route, caller, kind of input and outcome.
 */
export function fuzzRoutes(kind: DatabaseKind, opts: { part: 'session' | 'worker' | 'all'; defaultCases: number }) {
  const { cases, seed } = fuzzBudget(opts.defaultCases);
  const routes = ROUTES.filter((r) => opts.part === 'all' || r.auth === opts.part);
  const name = `fuzz-routes-${opts.part}-${kind}`;
  // Past any sane limit for a JSON route (3 MiB), and for the upload routes that take more (64 MiB).
  const oversizeBytes = Number(process.env.FUZZ_OVERSIZE_MB ?? 3) * 2 ** 20;
  const uploadOversizeBytes = Number(process.env.FUZZ_UPLOAD_OVERSIZE_MB ?? 64) * 2 ** 20;
  const UPLOADS = new Set(['POST /api/projects/:projectId/uploads', 'PUT /api/worker/v1/projects/:projectId/embeddings', 'POST /api/worker/v1/projects/:projectId/embeddings', 'POST /api/worker/v1/jobs/:jobId/ranking']);
  // Too large (413), a body of unknown length where Next.js would buffer it (411), or refused before the body is read (no session, no membership).
  const refusedUnread = (status: number) => [401, 403, 404, 411, 413].includes(status);
  const all: string[] = [];
  let fz: FuzzServer;

  describe(`${opts.part === 'all' ? 'every' : `every ${opts.part}`} HTTP route under hostile input, on ${kind}`, () => {
    beforeAll(async () => {
      fz = await startFuzzServer(kind, path.join(TMP_ROOT, name));
    }, 180_000);

    afterAll(async () => {
      // The whole list in one place for whoever fixes them (tests/.tmp is not committed).
      fs.mkdirSync(path.join(ROOT, 'tests/.tmp'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, `tests/.tmp/${name}.txt`), all.join('\n') + '\n');
      await fz?.close();
    });

    const callersOf = (spec: RouteSpec): Caller[] => (spec.auth === 'worker'
      ? [fz.callers.worker, fz.callers['forged worker']]
      : [fz.callers.admin, fz.callers.annotator, fz.callers.outsider, fz.callers['forged session']]);

    /** The last fingerprint, while nothing can have changed since (a refresh or odd input may have). */
    let last: Fingerprint | null = null;

    /** Runs a batch that must change nothing, then `odd` input that may; notes a change, a dead server or a slow one. */
    async function batch(where: string, findings: Findings, run: () => Promise<void>, odd?: () => Promise<void>) {
      const before = last ?? await fz.fingerprint();
      await run();
      last = await fz.fingerprint();
      const changed = changedTables(before, last);
      if (changed.length) findings.add(where, 'any caller', 'database', `the database changed (${changed.join(', ')})`, 'requests it had to refuse');
      if (odd) {
        await odd();
        last = null;
      }
      const sick = await fz.healthy(1000);
      if (sick) findings.add(where, 'the annotator', 'health', sick, 'after the batch');
    }

    async function refresh() {
      await fz.refresh();
      last = null;
    }

    function report(findings: Findings) {
      const lines = findings.list();
      all.push(...lines);
      expect(lines, `\n${lines.join('\n')}\n`).toEqual([]);
    }

    for (const spec of routes) {
      const i = ROUTES.indexOf(spec);
      it(`${routeName(spec)}: no 5xx, nothing stored from what it refuses, still serving`, async () => {
        // Reads need no fresh leases or job: what the last refresh left will do. Every refresh leaves an
        // open training job: without one, labels that odd input stored would have the server's 5 s tick
        // enqueue a job in the middle of a later batch, a change no request of that batch made.
        if (spec.method !== 'GET' || last === null) await refresh();
        const findings = new Findings();
        const callers = callersOf(spec);
        // Forged credentials get a few cases: the session check comes first.
        // Forged credentials and non-members get fewer cases (the checks before the body refuse them all);
        // odd input goes to the most privileged caller, who gets furthest.
        const share = spec.auth === 'worker' ? [cases, 1] : [cases, cases, Math.ceil(cases / 2), 1];
        const drawn = callers.map((_c, k) => routeCases(spec, fz.ctx, share[k], seed + i * 101 + k, k === 0 ? Math.ceil(cases / 2) + 1 : 0));
        await batch(routeName(spec), findings,
          async () => { for (const [k, c] of callers.entries()) await sendAll(fz.server.url, spec, drawn[k].strict, c, findings); },
          drawn.some((d) => d.odd.length) ? async () => { for (const [k, c] of callers.entries()) await sendAll(fz.server.url, spec, drawn[k].odd, c, findings); } : undefined);
        report(findings);
      }, 120_000);
    }

    if (opts.part === 'session') return;

    it('refuses oversized bodies with 413 (streamed without a length, and with a length that lies) on every route that takes one', async () => {
      await refresh();
      const findings = new Findings();
      // A length that lies (1 GiB declared, 64 KiB sent) must be refused on the header alone: tried on a Next route, a hot route and a worker route.
      const lyingOn = new Set(['PATCH /api/projects/:projectId/queue', 'POST /api/projects/:projectId/labels', 'PUT /api/worker/v1/projects/:projectId/embeddings']);
      await batch('oversized bodies', findings, async () => {
        for (const spec of ROUTES.filter((r) => r.body)) {
          const caller = spec.auth === 'worker' ? fz.callers.worker : fz.callers.outsider;
          const segments = Object.fromEntries(Object.entries(spec.params ?? {}).map(([k, get]) => [k, String(get(fz.ctx))]));
          const headers = { ...caller.headers(), 'content-type': 'application/json' };
          const p = routePath(spec, segments);
          const bytes = UPLOADS.has(routeName(spec)) ? uploadOversizeBytes : oversizeBytes;
          const chunked = await streamBody(fz.server.url, { method: spec.method, path: p, headers, totalBytes: bytes, contentLength: null, timeoutMs: 15_000 });
          if (!refusedUnread(chunked.status)) {
            findings.add(routeName(spec), caller.name, 'oversized chunked', chunked.status ? `${chunked.status}, not 413` : chunked.error!, `a ${bytes >> 20} MiB chunked body`);
          }
          if (!lyingOn.has(routeName(spec))) continue;
          const lying = await streamBody(fz.server.url, { method: spec.method, path: p, headers, totalBytes: 64 * 1024, contentLength: 2 ** 30, timeoutMs: 3000 });
          if (!refusedUnread(lying.status)) {
            findings.add(routeName(spec), caller.name, 'lying length', lying.status ? `${lying.status}, not 413` : lying.error!, 'Content-Length 1 GiB with 64 KiB sent');
          }
        }
      });
      report(findings);
    }, 300_000);

    it('answers malformed HTTP without a 5xx and serves on', async () => {
      const findings = new Findings();
      const cookie = fz.callers.annotator.headers().cookie;
      const p = `/api/projects/${fz.ctx.projectId}/leases`;
      const requests: [string, string | Buffer][] = [
        ['NUL in a header', `GET /api/projects HTTP/1.1\r\nHost: x\r\ncookie: a\u0000b\r\n\r\n`],
        ['a header without a colon', 'GET /api/projects HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n'],
        ['both Content-Length and chunked', `POST ${p} HTTP/1.1\r\nHost: x\r\ncookie: ${cookie}\r\ncontent-type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
        ['a bad chunk size', `POST ${p} HTTP/1.1\r\nHost: x\r\ncookie: ${cookie}\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
        ['two Content-Lengths', `POST ${p} HTTP/1.1\r\nHost: x\r\ncookie: ${cookie}\r\ncontent-type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
        ['a 100 KiB URL', `GET /api/projects?${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
        ['3,000 headers', `GET /api/projects HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `x-h${i}: 1`).join('\r\n')}\r\n\r\n`],
        ['a 64 KiB cookie', `GET /api/projects HTTP/1.1\r\nHost: x\r\ncookie: authjs.session-token=${'a'.repeat(65_536)}\r\n\r\n`],
        ['an unknown method', 'BREW /api/projects HTTP/1.1\r\nHost: x\r\n\r\n'],
        ['HTTP/0.9', 'GET /api/projects\r\n\r\n'],
        ['invalid UTF-8 in the path', Buffer.concat([Buffer.from('GET /api/projects/'), Buffer.from([0xff, 0xfe]), Buffer.from('/progress HTTP/1.1\r\nHost: x\r\n\r\n')])],
        ['a path that is not absolute', 'GET api/projects HTTP/1.1\r\nHost: x\r\n\r\n'],
        ['an absolute URL to another host', 'GET http://evil.example/api/projects HTTP/1.1\r\nHost: x\r\n\r\n'],
        ['a percent-encoding error in a page path', 'GET /projects/%E0%A4%A/queue HTTP/1.1\r\nHost: x\r\n\r\n'],
        ['a percent-encoding error in an API path', 'GET /api/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n'],
      ];
      await batch('malformed HTTP', findings, async () => {
        for (const [what, bytes] of requests) {
          const a = await rawExchange(fz.server.url, bytes);
          if (a.status >= 500) findings.add('raw HTTP', 'anyone', what, String(a.status), what);
        }
      });
      report(findings);
    }, 120_000);

    it('is still the same process at the end, answering within a second', async () => {
      expect(fz.server.exitCode()).toBeNull();
      expect(await fz.healthy(1000)).toBeNull();
    });
  });
}
