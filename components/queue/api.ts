'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useHydrated } from '../ui/use-hydrated';

/** Sends one control request; the server's `{error: {message}}` becomes the thrown message. */
export async function send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

/**
 * A control's busy flag and error line: runs the request, then re-renders the
 * page from the server (the socket event does too, for everyone else's page).
 */
export function useControl() {
  const router = useRouter();
  const hydrated = useHydrated();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(what: () => Promise<unknown>, ok?: string) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await what();
      if (ok) setDone(ok);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  // Until hydrated the controls cannot act: busy keeps them disabled.
  return { busy: busy || !hydrated, error, done, run };
}

export const queueUrl = (projectId: number, rest = '') => `/api/projects/${projectId}/queue${rest}`;
