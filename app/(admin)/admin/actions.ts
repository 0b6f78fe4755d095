'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { validatedAction } from '@/server/http/action';
import { TandemError } from '@/lib/errors';
import { USER_ROLES } from '@/lib/roles';
import { SerialIdParam } from '@/lib/protocol/ids';
import { StoredText } from '@/lib/protocol/stored';

const AddUserForm = z.object({
  email: StoredText.trim().min(1),
  name: StoredText.trim().optional(),
  password: z.string().min(8, 'at least 8 characters'),
  role: z.enum(USER_ROLES),
});

export const addUser = validatedAction(AddUserForm, async (input, { principal, rt }) => {
  const user = await rt.services.users.add(principal, { ...input, name: input.name || undefined });
  revalidatePath('/admin');
  return `Added ${user.email}.`;
});

const SetMemberForm = z.object({
  projectId: SerialIdParam,
  email: StoredText.trim().min(1),
  role: z.enum(['lead', 'annotator', 'none']),
});

export const setMember = validatedAction(SetMemberForm, async (input, { principal, rt }) => {
  const user = await rt.services.users.findByEmail(input.email);
  if (!user) throw new TandemError('not_found', `no user ${input.email}: add them first`);
  await rt.services.projects.setMember(principal, input.projectId, user.id, input.role === 'none' ? null : input.role);
  revalidatePath('/admin');
  return input.role === 'none' ? `Removed ${user.email} from the project.` : `${user.email} is now ${input.role}.`;
});
