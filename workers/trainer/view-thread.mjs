// One view of a pool's pixel features, built in a thread of its own (view-threads.ts starts it).
// A thread does not inherit the loader its parent registered, so the TypeScript sources load
// through tsx here, as bin/tandem.mjs loads them.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { viewEmbedding } = await tsImport('../../lib/model/views.ts', import.meta.url);
const { view, n, d, data, seed } = workerData;
const out = viewEmbedding({ n, d, data }, view, seed);
parentPort.postMessage({ n: out.n, d: out.d, data: out.data }, [out.data.buffer]);
