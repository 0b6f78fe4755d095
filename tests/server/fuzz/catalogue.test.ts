import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../fixtures/paths';
import { ROUTES, routeName } from '../../fixtures/fuzz/routes';

/** Routes the fuzz suite drives elsewhere than the catalogue: Auth.js's and the catch-all (edges.test.ts, every junk path). */
const ELSEWHERE = [/^\w+ \/api\/auth\//, /^\w+ \/api\/:rest$/];

/** `METHOD /api/...` for every handler exported by a route.ts under app/api. */
function appRoutes(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'route.ts') {
        const src = fs.readFileSync(p, 'utf8');
        const methods = new Set<string>();
        for (const m of src.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
        for (const m of src.matchAll(/export (?:const )?\{([^}]*)\}/g)) for (const n of m[1].matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(n[1]);
        const route = '/' + path.relative(path.join(ROOT, 'app'), path.dirname(p)).split(path.sep)
          .map((s) => s.replace(/^\[\.\.\.(\w+)\]$/, ':$1').replace(/^\[(\w+)\]$/, ':$1')).join('/');
        for (const m of methods) out.push(`${m} ${route}`);
      }
    }
  };
  walk(path.join(ROOT, 'app/api'));
  return out.sort();
}

describe('the fuzz catalogue', () => {
  it('names every route handler under app/api, and the custom server\'s own routes', () => {
    const found = appRoutes();
    expect(found.length).toBeGreaterThan(30);
    const catalogued = new Set(ROUTES.map(routeName));
    const missing = found.filter((r) => !catalogued.has(r) && !ELSEWHERE.some((re) => re.test(r)));
    expect(missing, 'add these to tests/fixtures/fuzz/routes.ts').toEqual([]);
    const stale = [...catalogued].filter((r) => !found.includes(r));
    expect(stale, 'these are no longer routes').toEqual([]);
    // The hot routes (server/http/hot-routes.ts) are the same paths, answered before Next: marked so in the catalogue.
    const hot = fs.readFileSync(path.join(ROOT, 'server/http/hot-routes.ts'), 'utf8');
    const hotRoutes = [...hot.matchAll(/method: '(\w+)', path: \/\^\\\/api\\\/projects\\\/\(\[\^\/\]\+\)\\\/(\w+)/g)];
    expect(hotRoutes.length).toBeGreaterThanOrEqual(2);
    for (const m of hotRoutes) {
      expect(ROUTES.find((r) => r.method === m[1] && r.path === `/api/projects/:projectId/${m[2]}`)?.custom, `${m[1]} ${m[2]}`).toBe(true);
    }
  });
});
