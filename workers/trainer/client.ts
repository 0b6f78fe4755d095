import { z, type ZodType } from 'zod';
import {
  ClaimJobResponse, EmbeddingModelResponse, EmbeddingsStatus, EmbeddingsUploadResponse, MediaBatch, WorkerItem, WorkerLabel, type ClaimJobRequest, type CompleteJobRequest,
  type EmbeddingModelInfo, type EmbeddingsChunkInput, type Job, type RankingChunk,
} from '../../lib/protocol/worker';

/** A failed protocol call; `retry` when trying again may help (network, 5xx). */
export class ProtocolError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, readonly retry: boolean, readonly retryAfterMs = 0) {
    super(message);
  }
}

/** A Retry-After of whole seconds, in ms (0: none or not a number of seconds). */
function retryAfterMs(res: Response): number {
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

const ItemPage = z.object({ items: z.array(WorkerItem), next: z.number().int().nullable() });
const LabelPage = z.object({ labels: z.array(WorkerLabel), next: z.number().int().nullable() });

/**
 * The trainer's side of the worker protocol (lib/protocol/worker.ts): every
 * answer is parsed before use, so a server of another version fails loudly.
 */
export class WorkerClient {
  constructor(readonly server: string, private readonly token: string, private readonly timeoutMs = 60_000) {}

  private async call<T extends ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
    // A connection the server closed while this process was busy computing must not fail a whole job:
    // reads, chunk uploads (stored by index) and heartbeats are safe to repeat.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.callOnce(method, path, schema, body);
      } catch (e) {
        // Claims are not repeated: a claim that did land would leave a job held by nobody until it lapses.
        // PUTs (embedding chunks) overwrite what they stored: safe to repeat like a read.
        // A 429 was answered before the request was read: nothing was done, and any request may be sent again once the wait is over.
        const throttled = e instanceof ProtocolError && e.status === 429;
        const again = throttled || (e instanceof ProtocolError && e.retry && (method === 'GET' || method === 'PUT' || (e.code === 'network' && !path.endsWith('/claim'))));
        if (!again || attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, throttled ? Math.min(60_000, Math.max(250, (e as ProtocolError).retryAfterMs)) : 250 * attempt));
      }
    }
  }

  private async callOnce<T extends ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
    let res: Response;
    try {
      res = await fetch(`${this.server}/api/worker/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ProtocolError(`cannot reach ${this.server}: ${describeFetchError(e)}`, 0, 'network', true);
    }
    const json = await res.json().catch(() => null) as { error?: { code: string; message: string } } | null;
    if (!res.ok) {
      throw new ProtocolError(json?.error?.message ?? `HTTP ${res.status}`, res.status, json?.error?.code ?? 'http', res.status >= 500, retryAfterMs(res));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ProtocolError(`unexpected answer to ${method} ${path}: ${parsed.error.issues[0]?.message}`, res.status, 'protocol', false);
    return parsed.data;
  }

  claim(req: ClaimJobRequest): Promise<Job | null> {
    return this.call('POST', '/jobs/claim', ClaimJobResponse, req).then((r) => r.job);
  }

  heartbeat(jobId: number, progress?: { phase: string; done: number; total: number }) {
    return this.call('POST', `/jobs/${jobId}/heartbeat`, z.object({ leaseExpiresAt: z.string() }), { progress });
  }

  async allItems(projectId: number): Promise<WorkerItem[]> {
    const out: WorkerItem[] = [];
    for (let after = 0; ;) {
      const page = await this.call('GET', `/projects/${projectId}/items?after=${after}&limit=5000`, ItemPage);
      out.push(...page.items);
      if (page.next === null) return out;
      after = page.next;
    }
  }

  async allLabels(projectId: number): Promise<z.infer<typeof WorkerLabel>[]> {
    const out: z.infer<typeof WorkerLabel>[] = [];
    for (let after = 0; ;) {
      const page = await this.call('GET', `/projects/${projectId}/labels?after=${after}&limit=5000`, LabelPage);
      out.push(...page.labels);
      if (page.next === null) return out;
      after = page.next;
    }
  }

  /** Media of up to MEDIA_BATCH items of a project in one request. */
  async mediaBatch(projectId: number, ids: number[]): Promise<Map<number, Buffer>> {
    const page = await this.call('GET', `/projects/${projectId}/media?ids=${ids.join(',')}`, MediaBatch);
    if (page.missing.length) throw new ProtocolError(`items ${page.missing.slice(0, 5).join(', ')} are gone from project ${projectId}`, 200, 'missing', false);
    return new Map(page.media.map((m) => [m.id, Buffer.from(m.data, 'base64')]));
  }

  async media(itemId: number): Promise<Buffer> {
    let res: Response;
    try {
      res = await fetch(`${this.server}/api/worker/v1/items/${itemId}/media`, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw new ProtocolError(`cannot reach ${this.server}: ${(e as Error).message}`, 0, 'network', true);
    }
    if (!res.ok) throw new ProtocolError(`media of item ${itemId}: HTTP ${res.status}`, res.status, 'http', res.status >= 500);
    return Buffer.from(await res.arrayBuffer());
  }

  /** The project's ONNX embedding model, or null (a built-in extractor; also from a server older than this endpoint). */
  async embeddingModel(projectId: number): Promise<EmbeddingModelInfo | null> {
    return (await this.embeddingChoice(projectId)).model;
  }

  /** The project's ONNX model, or (model null) the built-in extractor to use; `builtin` absent (an older server): raw pixels. */
  async embeddingChoice(projectId: number): Promise<EmbeddingModelResponse> {
    try {
      return await this.call('GET', `/projects/${projectId}/embedding-model`, EmbeddingModelResponse);
    } catch (e) {
      if (e instanceof ProtocolError && e.status === 404 && e.code === 'http') return { model: null };
      throw e;
    }
  }

  /** The bytes of a model from `embeddingModel` (its `file` path). */
  async embeddingModelFile(model: EmbeddingModelInfo): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.server}${model.file}`, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(this.timeoutMs * 5) });
      } catch (e) {
        if (attempt < 4) { await new Promise((r) => setTimeout(r, 250 * attempt)); continue; }
        throw new ProtocolError(`cannot reach ${this.server}: ${describeFetchError(e)}`, 0, 'network', true);
      }
      if (!res.ok) {
        const json = await res.json().catch(() => null) as { error?: { code: string; message: string } } | null;
        throw new ProtocolError(`model ${model.name}: ${json?.error?.message ?? `HTTP ${res.status}`}`, res.status, json?.error?.code ?? 'http', res.status >= 500);
      }
      return Buffer.from(await res.arrayBuffer());
    }
  }

  /** How many of the project's items the server has in this embedding space; null from a server older than embedding uploads. */
  async embeddingsStatus(projectId: number, space: string): Promise<EmbeddingsStatus | null> {
    try {
      return await this.call('GET', `/projects/${projectId}/embeddings?space=${encodeURIComponent(space)}`, EmbeddingsStatus);
    } catch (e) {
      if (e instanceof ProtocolError && e.status === 404 && e.code === 'http') return null;
      throw e;
    }
  }

  uploadEmbeddings(projectId: number, chunk: EmbeddingsChunkInput) {
    return this.call('PUT', `/projects/${projectId}/embeddings`, EmbeddingsUploadResponse, chunk);
  }

  uploadChunk(jobId: number, chunk: RankingChunk) {
    return this.call('POST', `/jobs/${jobId}/ranking`, z.object({ received: z.number() }), chunk);
  }

  complete(jobId: number, req: CompleteJobRequest) {
    return this.call('POST', `/jobs/${jobId}/complete`, z.object({ rankingId: z.number(), modelVersionId: z.number(), entries: z.number() }), req);
  }

  fail(jobId: number, reason: string) {
    return this.call('POST', `/jobs/${jobId}/fail`, z.object({ state: z.string() }), { reason });
  }
}

/** undici's "fetch failed" hides the reason in `cause`: say it. */
function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const cause = err.cause ? ` (${err.cause.code ?? ''} ${err.cause.message ?? ''})`.replace('( ', '(') : '';
  return `${err.message}${cause}`;
}
