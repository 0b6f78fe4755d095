import type { ErrorBody } from '@/lib/errors';

/** What the labeling page holds of a lease (the server's LeasedItem, over JSON). */
export interface HeldItem {
  leaseId: number;
  itemId: number;
  stream: string;
  expiresAt: string;
  width: number | null;
  height: number | null;
}

/** Why the queue deals nothing new (the team queue's claim answer); 'open' when it deals. */
export type QueueStateName = 'open' | 'paused' | 'stopped' | 'budget' | 'empty';
export interface QueueState {
  state: QueueStateName;
  message: string | null;
}

/** A claim's answer; `queue` is missing from a server without the team queue. */
export interface ClaimAnswer {
  leases: HeldItem[];
  queue?: QueueState;
}

/** A label's acknowledgement; `refill` answers the `hold` it carried (null: the refill failed, claim separately). */
export interface LabelAnswer {
  annotationId: number;
  committed: true;
  refill?: ClaimAnswer | null;
}

export interface ProgressCounts {
  mine: number;
  labeled: number;
  total: number;
}

/** A failed call: `retry` is true for network errors and 5xx, when trying again may succeed. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, readonly retry: boolean) {
    super(message);
  }
}

export async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(`network error: ${(e as Error).message}`, 0, 'network', true);
  }
  const json = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!res.ok) {
    const err = json?.error;
    throw new ApiError(err?.message ?? `HTTP ${res.status}`, res.status, err?.code ?? 'http', res.status >= 500 || res.status === 0);
  }
  return json as T;
}

/**
 * Hands the caller's leases back from a closing tab: a beacon outlives the
 * page, carries the session cookie, and its text body is read as JSON by the
 * route (a JSON content type would make Chromium refuse the beacon).
 */
export function sendRelease(url: string, body: { except: number[] }): void {
  const text = JSON.stringify(body);
  try {
    if (navigator.sendBeacon?.(url, text)) return;
  } catch {
    // Fall through to a keepalive fetch.
  }
  void fetch(url, { method: 'POST', body: text, keepalive: true, headers: { 'content-type': 'application/json' } }).catch(() => {});
}

export const mediaUrl = (itemId: number) => `/api/items/${itemId}/media`;
