'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { validatedAction } from '@/server/http/action';
import { TandemError } from '@/lib/errors';
import { USER_ROLES } from '@/lib/roles';
import { SerialIdParam } from '@/lib/protocol/ids';
import { StoredText } from '@/lib/protocol/stored';
import { STRATEGY_NAMES } from '@/lib/al/strategies';

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

const TASK_TYPES = ['classification', 'boxes', 'keypoints'] as const;

/** Class names typed one per line or separated by commas. */
const classList = (raw: string) => [...new Set(raw.split(/[\n,]/).map((s) => s.trim()).filter(Boolean))];

const CreateProjectForm = z.object({
  name: StoredText.trim().min(1, 'Give the project a name.').max(200, 'A name is at most 200 characters.'),
  slug: z.string().trim().max(60, 'A short name is at most 60 characters.')
    .regex(/^([a-z0-9][a-z0-9-]*)?$/, 'The short name (used in URLs and the CLI) takes lowercase letters, digits and dashes, starting with a letter or digit.')
    .optional(),
  taskType: z.enum(TASK_TYPES, { error: 'Choose what annotators do: classify images, draw boxes or place keypoints.' }),
  classes: z.string().max(20_000, 'That is too many classes for one form.').default(''),
  skeleton: z.string().max(200_000, 'That skeleton is too long to paste; use `npx tandem project create --skeleton FILE.json`.').default('coco17'),
  holdoutShare: z.coerce.number({ error: 'The holdout share is a number from 0 to 0.5.' })
    .min(0, 'The holdout share is a number from 0 to 0.5.').max(0.5, 'The holdout share is a number from 0 to 0.5 (half the items at most).').default(0.1),
  strategy: z.enum(STRATEGY_NAMES, { error: 'Choose a strategy from the list.' }).default('auto'),
}).superRefine((v, ctx) => {
  const classes = classList(v.classes);
  if (v.taskType === 'classification' && classes.length < 2) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'A classification project needs at least two classes, one per line or separated by commas.' });
  if (v.taskType === 'boxes' && classes.length < 1) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'A box project needs at least one class for its boxes.' });
  if (classes.some((c) => c.length > 100)) ctx.addIssue({ code: 'custom', path: ['classes'], message: 'A class name is at most 100 characters.' });
});

/** Derives the short name from the name when none is given: "Street cars 2026" → "street-cars-2026". */
const slugOf = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'project';

export const createProject = validatedAction(CreateProjectForm, async (input, { principal, rt }) => {
  let skeleton: 'coco17' | Record<string, unknown> | undefined;
  if (input.taskType === 'keypoints') {
    const s = input.skeleton.trim();
    if (s === '' || s === 'coco17') skeleton = 'coco17';
    else {
      try {
        skeleton = JSON.parse(s) as Record<string, unknown>;
      } catch {
        throw new TandemError('bad_request', 'The skeleton is neither the COCO-17 preset nor JSON: paste {"keypoints": [...], "edges": [[0, 1], ...], "sigmas": [...]} or choose the preset.');
      }
    }
  }
  const classes = classList(input.classes);
  const project = await rt.services.projects.create(principal, {
    slug: input.slug || slugOf(input.name), name: input.name, taskType: input.taskType,
    ...(classes.length > 0 ? { classes } : {}), ...(skeleton ? { skeleton } : {}),
  });
  await rt.services.queueControls.patch(principal, project.id, { settings: { holdoutShare: input.holdoutShare } });
  if (input.strategy !== 'auto') await rt.services.projects.updateSettings(principal, project.id, { strategy: input.strategy });
  revalidatePath('/admin');
  return `Created ${project.name} (${project.slug}). Add members below, then import its images.`;
}, { sentences: true });
