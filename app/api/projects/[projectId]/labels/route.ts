import { labelRoute } from '@/server/http/labeling-routes';

/** Submit a label, with the page's refill (server/http/labeling-routes.ts; the custom server answers it first). */
export const POST = labelRoute;
