/**
 * Who may do what. A user is either an admin (everything, every project) or a
 * plain user whose power in a project comes from their membership there.
 */
export type UserRole = 'admin' | 'user';
export type ProjectRole = 'lead' | 'annotator';

export const USER_ROLES = ['admin', 'user'] as const;
export const PROJECT_ROLES = ['lead', 'annotator'] as const;

export type Action =
  | 'project.view' // see a project, its items and progress
  | 'project.label' // take leases and submit labels
  | 'project.review' // see everyone's labels and who holds what
  | 'project.steer' // change how the project learns and deals: strategy, retrain cadence
  | 'project.export'
  | 'project.import' // upload data into the project (admins, and leads on their project)
  | 'project.members' // see members, invite people, change annotators (leads: not other leads)
  | 'project.manage' // import data from the server's disk, change members and settings
  | 'users.manage' // create users, set global roles
  | 'projects.create';

export interface Actor {
  userRole: UserRole;
  /** The actor's role in the project the action is about; null if not a member or no project. */
  projectRole: ProjectRole | null;
}

export function can(actor: Actor, action: Action): boolean {
  if (actor.userRole === 'admin') return true;
  switch (action) {
    case 'project.view':
    case 'project.label':
      return actor.projectRole !== null;
    case 'project.review':
    case 'project.steer':
    case 'project.export':
    case 'project.import':
    case 'project.members':
      return actor.projectRole === 'lead';
    case 'project.manage':
    case 'users.manage':
    case 'projects.create':
      return false;
    default: {
      const never: never = action;
      return never;
    }
  }
}
