import type http from 'node:http';
import type { Runtime } from '../runtime';

// TEMPORARY placeholder (the CLI helper replaces it).
export async function handleCliRequest(_req: http.IncomingMessage, res: http.ServerResponse, _rt: Runtime): Promise<void> {
  res.statusCode = 501;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ error: { code: 'unavailable', message: 'not implemented yet' } }));
}
