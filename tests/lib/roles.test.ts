import { describe, expect, it } from 'vitest';
import { can, type Action } from '../../lib/roles';

const actions: Action[] = ['project.view', 'project.label', 'project.review', 'project.steer', 'project.export', 'project.import', 'project.members', 'project.manage', 'users.manage', 'projects.create'];

describe('can', () => {
  it('lets an admin do everything, member or not', () => {
    for (const a of actions) expect(can({ userRole: 'admin', projectRole: null }, a)).toBe(true);
  });
  it('lets an annotator view and label, nothing more', () => {
    const allowed = actions.filter((a) => can({ userRole: 'user', projectRole: 'annotator' }, a));
    expect(allowed).toEqual(['project.view', 'project.label']);
  });
  it('lets a lead also review, export, upload data and run its members, but not manage the project or users', () => {
    const allowed = actions.filter((a) => can({ userRole: 'user', projectRole: 'lead' }, a));
    expect(allowed).toEqual(['project.view', 'project.label', 'project.review', 'project.steer', 'project.export', 'project.import', 'project.members']);
  });
  it('lets a non-member do nothing', () => {
    for (const a of actions) expect(can({ userRole: 'user', projectRole: null }, a)).toBe(false);
  });
});
