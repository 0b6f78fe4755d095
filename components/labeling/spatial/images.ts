import { mediaUrl } from '../api';

/**
 * Decoded images of the items the page holds, fetched and decoded ahead of time so the canvas
 * draws the next item from memory the moment the previous answer is submitted (a canvas that
 * loads its image only then waited for the request and the decode: p99 of ~0.4–2 s under load).
 * Keyed by item; `keep` evicts what the page no longer holds (its lease went).
 */
export interface ImageCache {
  /** The item's image, decoded (fetched now unless it already is, or is on its way). */
  get(itemId: number): Promise<HTMLImageElement>;
  /** The item's image when it is decoded already; null otherwise. */
  ready(itemId: number): HTMLImageElement | null;
  /** Keeps only the listed items' images (those the page still holds). */
  keep(itemIds: readonly number[]): void;
}

export function createImageCache(url: (itemId: number) => string = mediaUrl): ImageCache {
  const entries = new Map<number, { promise: Promise<HTMLImageElement>; decoded: HTMLImageElement | null }>();

  function load(itemId: number) {
    const img = new Image();
    img.decoding = 'async';
    const entry = { promise: null as unknown as Promise<HTMLImageElement>, decoded: null as HTMLImageElement | null };
    entry.promise = new Promise<HTMLImageElement>((resolve, reject) => {
      img.onload = () => {
        // decode() finishes the work off the main thread; drawing the element later costs no decode.
        img.decode().catch(() => undefined).then(() => {
          entry.decoded = img;
          resolve(img);
        });
      };
      img.onerror = () => {
        // A failed fetch is not remembered: the next `get` tries again.
        if (entries.get(itemId) === entry) entries.delete(itemId);
        reject(new Error(`the image of item ${itemId} did not load`));
      };
    });
    // A prefetch nobody awaits yet must not surface as an unhandled rejection.
    entry.promise.catch(() => undefined);
    img.src = url(itemId);
    return entry;
  }

  return {
    get(itemId) {
      let e = entries.get(itemId);
      if (!e) {
        e = load(itemId);
        entries.set(itemId, e);
      }
      return e.promise;
    },
    ready: (itemId) => entries.get(itemId)?.decoded ?? null,
    keep(itemIds) {
      const keep = new Set(itemIds);
      for (const id of entries.keys()) {
        // The element is only dropped (not blanked): the canvas may still show it until the next image is drawn.
        if (!keep.has(id)) entries.delete(id);
      }
    },
  };
}
