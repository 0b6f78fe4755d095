'use client';

import { useSyncExternalStore } from 'react';

const never = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true after. A button that
 * acts only through its handler is disabled until then: a click on the server-rendered button
 * before hydration did nothing at all (seen under load: "Reopen" clicked, no request sent), and a
 * form submitted then would make the browser's own GET.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(never, () => true, () => false);
}
