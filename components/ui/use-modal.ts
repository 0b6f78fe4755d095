'use client';

import { useEffect, useRef } from 'react';

/** A native modal <dialog> shown while `open`: showModal/close kept in step with the prop. */
export function useModal(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return ref;
}
