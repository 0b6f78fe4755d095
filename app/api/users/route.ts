import { route } from '@/server/http/route';
import { NewUser } from '@/lib/protocol/admin';

export const dynamic = 'force-dynamic';

export const GET = route({}, async ({ principal, rt }) => ({ users: await rt.services.users.list(principal) }));

export const POST = route({ body: NewUser }, async ({ principal, body, rt }) => ({ user: await rt.services.users.add(principal, body) }));
