import { z } from 'zod';
import { PROJECT_ROLES, USER_ROLES } from '../roles';
import { SerialId, SerialIdParam } from './ids';
import { StoredText } from './stored';
import { TaskTypeName } from '../tasks';
import { SKELETON_PRESETS, type SkeletonPreset } from '../tasks/skeletons';

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
  taskType: TaskTypeName.default('classification'),
  /** Classes (classification), box classes (boxes), or the one category the skeletons are of (keypoints, default person). */
  classes: z.array(StoredText.trim().min(1).max(100)).max(200).optional(),
  /** A keypoint project's skeleton: a preset's name (coco17) or the skeleton itself. */
  skeleton: z.union([z.enum(Object.keys(SKELETON_PRESETS) as [SkeletonPreset, ...SkeletonPreset[]]), z.record(z.string(), z.unknown())]).optional(),
}).strict();
export type NewProject = z.input<typeof NewProject>;

export const MembershipChange = z.object({
  userId: SerialId,
  role: z.enum(PROJECT_ROLES).nullable(),
}).strict();
