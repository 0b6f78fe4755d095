/**
 * Upload throughput and progress honesty (issue 13): BENCH_UPLOAD_N (default 10,000) small PNGs
 * (28×28 noise, all different) uploaded to a fresh project of a real `tandem start` (embedded
 * database) through POST /api/projects/:id/uploads, the route the page uses, by the page's own
 * batching, retry and progress code (components/upload/run.ts) with a Node sender in place of
 * XMLHttpRequest. The sender writes each multipart body in 64 KiB pieces and reports a piece as
 * sent once Node has handed it to the socket, as the browser's upload progress does.
 *
 * Progress honesty: at every report, the bar's share (file bytes, components/upload/run.ts) is
 * compared with the share of request bytes actually written so far, over all requests; the
 * largest gap is reported (target: within 5 percentage points).
 *
 * npm run bench:upload   (BENCH_UPLOAD_N=… to change the count; BENCH_UPLOAD_SIZES=mixed for uneven batches)
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import crypto from 'node:crypto';
import { PNG } from 'pngjs';
import { startUpload, UploadError, type SendBatch } from '../components/upload/run';
import { ensureBuild } from '../server/build';
import { createLogger } from '../server/log';
import { Client } from '../tests/fixtures/http-client';
import { ROOT } from '../tests/fixtures/paths';
import { DEMO_PASSWORD, freePort, startTandem } from '../tests/fixtures/tandem-server';
import { machine } from './stats';

const N = Number(process.env.BENCH_UPLOAD_N ?? 10_000);
const PIECE = 64 * 1024;

/** mixed: every 25th image is 160×160 (~100 KiB) instead of 28×28 (~2.5 KiB), so batches differ in size and make-up. */
const MIXED = process.env.BENCH_UPLOAD_SIZES === 'mixed';

function noisePng(seed: number): Buffer {
  const side = MIXED && seed % 25 === 0 ? 160 : 28;
  const png = new PNG({ width: side, height: side });
  const bytes = crypto.createHash('sha256').update(`upload-${seed}`).digest();
  for (let i = 0; i < side * side; i++) {
    const v = bytes[i % 32] ^ ((i * 131 + seed) & 0xff);
    png.data.set([v, v, v, 255], i * 4);
  }
  return PNG.sync.write(png);
}

function multipart(meta: unknown, files: Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `----tandem-bench-${crypto.randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="meta"\r\n\r\n${JSON.stringify(meta)}\r\n`)];
  files.forEach((f, i) => {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file-${i}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f, Buffer.from('\r\n'));
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function main() {
  await ensureBuild(ROOT, createLogger('info', 'bench-upload'));
  const dataDir = path.join(ROOT, 'tests/.tmp/bench-upload');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const server = await startTandem({ dataDir, port: await freePort(), env: { TANDEM_DEMO_LIMIT: '20' } });
  try {
    const admin = await new Client(server.url).login('admin@tandem.local', DEMO_PASSWORD);
    const created = await admin.request('POST', '/api/projects', { slug: `bench-upload-${Date.now()}`, classes: ['a', 'b'] });
    const projectId = created.json.project.id as number;
    const url = new URL(`/api/projects/${projectId}/uploads`, server.url);
    const images = Array.from({ length: N }, (_, i) => noisePng(i));
    const entries = images.map((bytes, i) => ({ file: { size: bytes.length, data: bytes }, entry: { name: `bench/${i}.png` } }));

    // Request bytes written so far (all requests), and the body sizes, for the honesty check.
    let written = 0;
    let bodies = 0;
    const samples: { shown: number; written: number }[] = [];
    let requests = 0;
    const send: SendBatch = (meta, files, onSent) => new Promise((resolve, reject) => {
      const { body, contentType } = multipart(meta, files.map((f) => f.data as Buffer));
      requests++;
      bodies += body.length;
      const req = http.request(url, { method: 'POST', headers: { cookie: admin.cookieHeader(), 'content-type': contentType, 'content-length': body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode === 200) resolve(json);
          else reject(new UploadError(json.error?.message ?? String(res.statusCode), res.statusCode ?? 0));
        });
      });
      req.on('error', (e) => reject(new UploadError(e.message, 0)));
      let off = 0;
      const next = () => {
        if (off >= body.length) return void req.end();
        const piece = body.subarray(off, off + PIECE);
        off += piece.length;
        req.write(piece, () => {
          written += piece.length;
          onSent(off, body.length);
          next();
        });
      };
      next();
    });

    const t0 = performance.now();
    let lastState = { sentBytes: 0, totalBytes: 1 };
    const tally = await startUpload(entries, {
      labels: 'ignore', send, onState: (s) => {
        lastState = s;
        samples.push({ shown: s.sentBytes / s.totalBytes, written });
      },
    }).done;
    const seconds = (performance.now() - t0) / 1000;
    // Bodies are all known now: each sample's true share is the bytes written by then over all of them.
    const gap = Math.max(...samples.map((s) => Math.abs(s.shown - s.written / bodies)));
    const progress = await admin.request('GET', `/api/projects/${projectId}/progress`);
    const result = {
      date: new Date().toISOString(), machine: machine(), images: N, sizes: MIXED ? 'mixed' : 'small', requests, seconds: +seconds.toFixed(1),
      imagesPerSecond: Math.round(N / seconds), fileMiB: +(lastState.totalBytes / 2 ** 20).toFixed(1), requestMiB: +(bodies / 2 ** 20).toFixed(1),
      added: tally.added, duplicates: tally.duplicates, failed: tally.failed.length, itemsInProject: progress.json.total,
      progressSamples: samples.length, largestProgressGapPct: Number((gap * 100).toPrecision(3)),
    };
    console.log(JSON.stringify(result, null, 2));
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, `bench/results/upload-${result.date.slice(0, 10)}-${result.sizes}.json`), JSON.stringify(result, null, 2) + '\n');
    if (tally.added !== N || progress.json.total !== N) throw new Error(`expected ${N} items, the project has ${progress.json.total}`);
  } finally {
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
