/**
 * Sets `key` in a map kept to at most `max` entries, as the records of a throttle or a cache
 * that a flood of distinct keys must not grow: the key goes last (a Map iterates in insertion
 * order, so first is oldest); when full, the entries `stale` says may go are dropped first,
 * then the oldest.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number, stale?: (value: V, key: K) => boolean): void {
  map.delete(key);
  if (map.size >= max && stale) for (const [k, v] of map) if (stale(v, k)) map.delete(k);
  if (map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
