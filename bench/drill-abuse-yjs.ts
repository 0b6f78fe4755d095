/**
 * drill:abuse's Yjs attacker, on a thread of its own: building a 90 MiB update
 * and masking it into a client frame (RFC 6455 masks every client byte) keeps
 * a JavaScript thread busy for about a second a frame. On the drill's main
 * thread that blocked the clock of the annotators' labels, so the drill's own
 * work showed up as the server's latency. An attacker is another machine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { oversizedUpdateMessage } from '../tests/fixtures/fuzz/yjs-frames';

export interface YjsAttack { url: string; itemId: number; cookie: string; frames: number; mib: number }
export type YjsOutcome = { status: string; ms: number };

async function attack({ url, itemId, cookie, frames, mib }: YjsAttack): Promise<void> {
  const frame = oversizedUpdateMessage(mib * 2 ** 20);
  // Ready once the frame is built; the drill says when to begin (after its baseline).
  parentPort!.postMessage('ready');
  await new Promise((r) => parentPort!.once('message', r));
  for (let i = 0; i < frames; i++) {
    const t = performance.now();
    const status = await new Promise<string>((resolve) => {
      // A zero masking key (valid: RFC 6455 leaves the key to the client) lets ws send the frame as it is, without
      // masking 90 MiB a frame: on a machine shared with the server that CPU was the attacker's, taken from the server.
      const ws = new WebSocket(`${url.replace('http', 'ws')}/yjs/item-${itemId}`, { headers: { cookie }, handshakeTimeout: 10_000, generateMask: (mask: Buffer) => { mask.fill(0); } });
      const timer = setTimeout(() => { ws.terminate(); resolve('still open after 30 s (taken)'); }, 30_000);
      ws.on('open', () => ws.send(frame));
      ws.on('close', (code, reason) => { clearTimeout(timer); resolve(`closed ${code} ${reason.toString().slice(0, 80)}`.trim()); });
      ws.on('unexpected-response', (_q, res) => { clearTimeout(timer); resolve(`refused ${res.statusCode}`); });
      ws.on('error', (e) => { clearTimeout(timer); resolve(`error ${e.message}`); });
    });
    parentPort!.postMessage({ status, ms: Math.round(performance.now() - t) } satisfies YjsOutcome);
  }
}

attack(workerData as YjsAttack).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
