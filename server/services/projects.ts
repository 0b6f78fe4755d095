import type { Db } from '../../db/client';
import {
  countProjectItems, deleteMembership, findMembership, findProject, insertProject, listMembers, listProjects, listProjectsOfUser,
  patchProjectSettings, upsertMembership, type ProjectCounts, type ProjectRow,
} from '../../db/queries/projects';
import { TrainingSettingsPatch } from '../../lib/protocol/project-settings';
import { idOrName } from '../../lib/protocol/ids';
import { parseInput, TandemError } from '../../lib/errors';
import type { ProjectRole } from '../../lib/roles';
import { NewProject } from '../../lib/protocol/admin';
import { projectColumnsOf, projectTaskFromInput, taskOfProject } from '../../lib/tasks';
import { memberChangeRefusal } from '../../lib/members/rules';
import { requireGlobal, requireProject, type Principal } from './access';
import { isUniqueViolation, isForeignKeyViolation } from './pg-errors';


export interface ProjectSummary extends ProjectRow {
  counts: ProjectCounts;
  role: ProjectRole | 'admin';
}

export function createProjectService(db: Db) {
  // Who to tell when someone's membership changes here (open connections of theirs are checked again at once).
  const listeners = new Set<(userId: number, projectId: number) => void>();
  function onMemberChange(listener: (userId: number, projectId: number) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }
  const memberChanged = (userId: number, projectId: number) => { for (const l of listeners) l(userId, projectId); };

  async function create(p: Principal, input: NewProject): Promise<ProjectRow> {
    requireGlobal(p, 'projects.create');
    const v = parseInput(NewProject, input, 'project');
    try {
      const task = projectTaskFromInput(v);
      return await insertProject(db, { slug: v.slug, name: v.name ?? v.slug, ...projectColumnsOf(task) });
    } catch (e) {
      if (isUniqueViolation(e)) throw new TandemError('conflict', `a project "${v.slug}" exists already`);
      throw e;
    }
  }

  /** The projects the caller can see, with their counts. */
  async function listVisible(p: Principal): Promise<ProjectSummary[]> {
    const rows: (ProjectRow & { role: ProjectRole | 'admin' })[] = p.role === 'admin'
      ? (await listProjects(db)).map((r) => ({ ...r, role: 'admin' as const }))
      : await listProjectsOfUser(db, p.userId);
    return Promise.all(rows.map(async (r) => ({ ...r, counts: await countProjectItems(db, r.id) })));
  }

  /** The principal's role in each of their projects, for the top bar (no counts: it is read on every page). */
  async function roles(p: Principal): Promise<Record<number, ProjectRole>> {
    if (p.role === 'admin') return {};
    return Object.fromEntries((await listProjectsOfUser(db, p.userId)).map((r) => [r.id, r.role]));
  }

  async function get(p: Principal, projectId: number) {
    const { project, projectRole } = await requireProject(db, p, projectId, 'project.view');
    return { ...project, task: taskOfProject(project), role: projectRole ?? ('admin' as const) };
  }

  async function resolve(ref: string): Promise<ProjectRow> {
    const r = idOrName(ref, 'serial');
    const project = r && ('id' in r ? await findProject(db, r.id) : await findProject(db, r.name));
    if (!project) throw new TandemError('not_found', `no project "${ref}" (see \`tandem project list\`)`);
    return project;
  }

  async function members(p: Principal, projectId: number) {
    await requireProject(db, p, projectId, 'project.members');
    return listMembers(db, projectId);
  }

  /**
   * Sets a member's role in a project; a null role removes them. Admins change anyone; leads
   * their annotators (lib/members/rules.ts). Open connections of the member are checked again at once.
   */
  async function setMember(p: Principal, projectId: number, userId: number, role: ProjectRole | null): Promise<void> {
    const { projectRole } = await requireProject(db, p, projectId, 'project.view');
    const from = await findMembership(db, projectId, userId);
    const refusal = memberChangeRefusal({ userRole: p.role, projectRole }, from, role);
    if (refusal) throw new TandemError('forbidden', refusal);
    if (role === null) {
      // Removing someone who is not (or no longer) a member is done already.
      if (from === null) return;
      await deleteMembership(db, projectId, userId);
      memberChanged(userId, projectId);
      return;
    }
    try {
      await upsertMembership(db, projectId, userId, role);
      memberChanged(userId, projectId);
    } catch (e) {
      if (isForeignKeyViolation(e)) {
        throw new TandemError('not_found', `no user ${userId}`);
      }
      throw e;
    }
  }

  /** Leads and admins steer how the project learns; a null field returns to the server's default. */
  async function updateSettings(p: Principal, projectId: number, patch: TrainingSettingsPatch): Promise<Record<string, unknown>> {
    await requireProject(db, p, projectId, 'project.steer');
    const v = parseInput(TrainingSettingsPatch, patch, 'settings');
    const set = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined));
    const unset = Object.entries(v).filter(([, x]) => x === null).map(([k]) => k);
    return patchProjectSettings(db, projectId, set, unset);
  }

  return { create, listVisible, roles, get, resolve, members, setMember, updateSettings, onMemberChange, memberChanged };
}

export type ProjectService = ReturnType<typeof createProjectService>;
