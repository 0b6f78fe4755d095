import { route } from '@/server/http/route';
import { NewProject } from '@/lib/protocol/admin';

export const dynamic = 'force-dynamic';

export const GET = route({}, ({ principal, rt }) => rt.services.projects.listVisible(principal));

export const POST = route({ body: NewProject }, async ({ principal, body, rt }) => ({
  project: await rt.services.projects.create(principal, body),
}));
