import type { IncomingMessage } from 'node:http';

/**
 * The private header in which the custom server hands the client's address
 * to Next.js code (the login throttle). Whatever a client sent under this name
 * is replaced; `X-Forwarded-For` is not trusted (anyone can set it), so behind
 * a reverse proxy every client shares the proxy's address.
 */
export const REMOTE_ADDRESS_HEADER = 'x-tandem-remote';

export function stampRemoteAddress(req: IncomingMessage): void {
  delete req.headers[REMOTE_ADDRESS_HEADER];
  const address = req.socket.remoteAddress;
  if (address) req.headers[REMOTE_ADDRESS_HEADER] = address;
}

/** The address the custom server stamped on a request Next.js hands on (null: none, e.g. outside the custom server). */
export function remoteAddressOf(headers: Pick<Headers, 'get'> | undefined): string | null {
  return headers?.get(REMOTE_ADDRESS_HEADER) ?? null;
}
