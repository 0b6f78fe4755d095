'use client';

import { useState } from 'react';

/** Sets the invitee's name and password (POST /api/invites/accept), then sends them to log in with the invited email. */
export function AcceptInviteForm({ token }: { token: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      data-testid="accept-form"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const name = String(f.get('name') ?? '');
        const password = String(f.get('password') ?? '');
        if (password !== String(f.get('again') ?? '')) {
          setError('The two passwords differ: type the same one twice.');
          return;
        }
        setBusy(true);
        setError(null);
        void (async () => {
          try {
            const res = await fetch('/api/invites/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name, password }) });
            const json = (await res.json().catch(() => null)) as { email?: string; projectId?: number; error?: { message?: string } } | null;
            if (!res.ok || !json?.email) throw new Error(json?.error?.message ?? `The server refused (HTTP ${res.status}).`);
            window.location.assign(`/login?email=${encodeURIComponent(json.email)}&callbackUrl=${encodeURIComponent(`/projects/${json.projectId}/label`)}`);
          } catch (err) {
            setError((err as Error).message);
            setBusy(false);
          }
        })();
      }}
    >
      <label>Your name <input name="name" type="text" autoComplete="name" maxLength={100} data-testid="accept-name" /></label>
      <label>Password <input name="password" type="password" autoComplete="new-password" data-testid="accept-password" /></label>
      <label>Password again <input name="again" type="password" autoComplete="new-password" data-testid="accept-again" /></label>
      {error && <p className="error" role="alert" data-testid="accept-error">{error}</p>}
      <button type="submit" className="primary" disabled={busy} data-testid="accept-send">{busy ? 'Joining…' : 'Join'}</button>
    </form>
  );
}
