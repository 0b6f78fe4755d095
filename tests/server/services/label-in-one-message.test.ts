import { describe, expect, it } from 'vitest';
import { labelGuardOf } from '../../../server/services/label-in-one-message';
import { can, PROJECT_ROLES, USER_ROLES } from '../../../lib/roles';

describe('labelGuardOf', () => {
  it('lets through exactly whom lib/roles.ts lets label, for every user and project role', () => {
    for (const userRole of USER_ROLES) {
      const guard = labelGuardOf(userRole);
      for (const projectRole of [...PROJECT_ROLES, null]) {
        const passes = guard.anyone || (projectRole !== null && guard.roles.includes(projectRole));
        expect(passes, `${userRole} as ${projectRole ?? 'no member'}`).toBe(can({ userRole, projectRole }, 'project.label'));
      }
    }
  });

  it('lets an admin label in any project and a user only as a member', () => {
    expect(labelGuardOf('admin').anyone).toBe(true);
    expect(labelGuardOf('user')).toEqual({ anyone: false, roles: ['lead', 'annotator'] });
  });
});
