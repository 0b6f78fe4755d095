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

export const mediaUrl = (itemId: number) => `/api/items/${itemId}/media`;
