import type { IncomingMessage, ServerResponse } from 'node:http';
import { claimRoute, labelRoute } from './labeling-routes';
import type { Route } from './route';

/**
 * The routes every annotator calls for every item — a claim and a label — answered by the
 * custom server itself: the same `route()` checks, schemas, services, error shape and
 * Server-Timing as under Next.js, without its request machinery on the one Node thread for
 * every claim and label. Everything else goes to Next.
 */
const HOT: { method: string; path: RegExp; route: Route; params: (m: RegExpExecArray) => Record<string, string> }[] = [
  { method: 'POST', path: /^\/api\/projects\/([^/]+)\/leases\/?$/, route: claimRoute, params: (m) => ({ projectId: m[1] }) },
  { method: 'POST', path: /^\/api\/projects\/([^/]+)\/labels\/?$/, route: labelRoute, params: (m) => ({ projectId: m[1] }) },
];

/** Answers the request when it is a hot route (true), else leaves it alone (false). */
export function handleHotRoute(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  for (const h of HOT) {
    if (req.method !== h.method) continue;
    const m = h.path.exec(path);
    if (!m) continue;
    void h.route.node(req, res, h.params(m)).catch((err: unknown) => {
      // route() answers every error itself; this is a failure to write the answer (a closed socket).
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    return true;
  }
  return false;
}
