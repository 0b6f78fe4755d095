import { z } from 'zod';
import { PROJECT_ROLES, USER_ROLES } from '../roles';
import { SerialId, SerialIdParam } from './ids';
import { StoredText } from './stored';

/** Bodies of the admin API (and the CLI's equivalents). */
export const NewUser = z.object({
  email: StoredText.trim().toLowerCase().min(1).max(200).regex(/^[^\s@]+(@[^\s@]+)?$/, 'an email or a login name without spaces'),
  name: StoredText.trim().min(1).max(200).optional(),
  password: z.string().min(8, 'at least 8 characters').max(200),
  role: z.enum(USER_ROLES).default('user'),
}).strict();
export type NewUser = z.input<typeof NewUser>;

export const UserParams = z.object({ userId: SerialIdParam });
export const UserRoleChange = z.object({ role: z.enum(USER_ROLES) }).strict();

export const NewPassword = z.string().min(8, 'at least 8 characters').max(200);

export const NewProject = z.object({
  slug: z.string().trim().min(1).max(60).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  name: StoredText.trim().min(1).max(200).optional(),
  taskType: z.literal('classification').default('classification'),
  classes: z.array(StoredText.trim().min(1).max(100)).min(2, 'at least two classes').max(200)
    .refine((c) => new Set(c).size === c.length, 'class names must be unique'),
}).strict();
export type NewProject = z.input<typeof NewProject>;

export const MembershipChange = z.object({
  userId: SerialId,
  role: z.enum(PROJECT_ROLES).nullable(),
}).strict();
