import { claimRoute } from '@/server/http/labeling-routes';

/** Claim or renew the caller's leases (server/http/labeling-routes.ts; the custom server answers it first). */
export const POST = claimRoute;
