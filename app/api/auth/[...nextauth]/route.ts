import { handlers } from '@/server/auth/nextauth';
import { refuseBadCallbackUrl } from '@/server/auth/callback-url';

export const GET = refuseBadCallbackUrl(handlers.GET);
export const POST = refuseBadCallbackUrl(handlers.POST);
