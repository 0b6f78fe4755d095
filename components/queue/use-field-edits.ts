'use client';

import { useEffect, useState } from 'react';

/** Two texts of a field say the same thing: equal once trimmed, or the same number. */
export function sameText(a: string, b: string): boolean {
  const x = a.trim(), y = b.trim();
  return x === y || (x !== '' && y !== '' && Number(x) === Number(y));
}

/** The edits not yet saved: those whose text differs from the server's (the same object when none is dropped). */
export function unsavedEdits<F extends string>(edits: Partial<Record<F, string>>, server: Record<F, string>): Partial<Record<F, string>> {
  const kept = Object.fromEntries(Object.entries(edits).filter(([f, typed]) => !sameText(typed as string, server[f as F])));
  return Object.keys(kept).length === Object.keys(edits).length ? edits : (kept as Partial<Record<F, string>>);
}

/**
 * A form's fields typed by a person, kept apart from the server's values.
 *
 * A change arriving live (another lead, the page's own refresh after a save) shows in the fields
 * nobody is editing and never replaces what is being typed; an edit is dropped once the server's
 * value equals it (it was saved) and kept when a save is refused. `saved` shows a save's answer at
 * once, until the page's next values arrive. Re-mounting the form on new server values instead lost
 * what was typed whenever a refresh landed mid-typing.
 */
export function useFieldEdits<F extends string>(fromServer: Record<F, string>) {
  const [edits, setEdits] = useState<Partial<Record<F, string>>>({});
  const [saved, setSaved] = useState<Record<F, string> | null>(null);
  const serverKey = JSON.stringify(fromServer);
  useEffect(() => { setSaved(null); }, [serverKey]);
  const server = saved ?? fromServer;
  const shownKey = JSON.stringify(server);
  useEffect(() => {
    setEdits((prev) => unsavedEdits(prev, server));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `server` is the value of shownKey
  }, [shownKey]);
  return {
    value: (field: F): string => edits[field] ?? server[field],
    edit: (field: F, typed: string) => setEdits((prev) => ({ ...prev, [field]: typed })),
    /** The fields whose typed text differs from the server's. */
    changed: (): F[] => Object.keys(unsavedEdits(edits, server)) as F[],
    saved: (values: Record<F, string>) => setSaved(values),
  };
}
